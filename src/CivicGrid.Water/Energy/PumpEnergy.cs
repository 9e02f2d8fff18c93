namespace CivicGrid.Water.Energy;

/// <summary>
/// One pump's line of EPANET's energy report, over the extended period run so far.
/// </summary>
/// <param name="PumpId">The pump's ID.</param>
/// <param name="UtilizationPercent">Share of the simulated duration the pump was running (percent).</param>
/// <param name="AverageEfficiencyPercent">Time-weighted wire-to-water efficiency while running (percent).</param>
/// <param name="KilowattHoursPerVolume">Energy per volume pumped, time-averaged while running, in kWh per
/// <see cref="PumpEnergyReport.VolumeUnit"/> (million US gallons for US files, cubic metres for SI files).</param>
/// <param name="AverageKilowatts">Average power while running (kW).</param>
/// <param name="PeakKilowatts">Highest power at any hydraulic step (kW).</param>
/// <param name="CostPerDay">Energy cost per day, from the pump's or the global price and price pattern.</param>
public sealed record PumpEnergy(
    string PumpId,
    double UtilizationPercent,
    double AverageEfficiencyPercent,
    double KilowattHoursPerVolume,
    double AverageKilowatts,
    double PeakKilowatts,
    double CostPerDay);

/// <summary>
/// EPANET's energy report: pump energy and cost accumulated at every hydraulic step as EPANET 2.3 does it
/// (the step's power times its length, with tank levels and rule actions of the step's end already applied),
/// the demand charge (peak total pump power times the <c>DEMAND CHARGE</c> of <c>[ENERGY]</c>) and the total cost
/// per day.
/// </summary>
/// <param name="Pumps">One entry per pump, in the file's order.</param>
/// <param name="VolumeUnit"><c>Mgal</c> (US files) or <c>m3</c> (SI files): the volume unit of
/// <see cref="PumpEnergy.KilowattHoursPerVolume"/>.</param>
/// <param name="PeakKilowatts">Highest total power of all pumps at any step (kW).</param>
/// <param name="DemandCharge">Peak total power times the demand charge per kW.</param>
/// <param name="TotalCostPerDay">Sum of the pumps' cost per day plus the demand charge.</param>
public sealed record PumpEnergyReport(
    IReadOnlyList<PumpEnergy> Pumps,
    string VolumeUnit,
    double PeakKilowatts,
    double DemandCharge,
    double TotalCostPerDay);
