namespace CivicGrid.Energy.Vpp;

/// <summary>A distributed energy resource in a portfolio. Powers are in kW, energies in kWh, prices in EUR.</summary>
public abstract record Der(string Id)
{
    /// <summary>Optional bus of the grid model the device is connected to (used by the linearised grid constraints).</summary>
    public int? Bus { get; init; }
}

/// <summary>
/// A photovoltaic array. Output follows the NOCT cell-temperature model: T_cell = T_air + (NOCT − 20)/800·G and
/// P = P_peak·G/1000·(1 + γ·(T_cell − 25))·η_inverter, clipped to [0, P_peak]. When <see cref="AvailableKw"/> is
/// given (measured or forecast output), it is used instead of the weather.
/// </summary>
public sealed record PvArray(string Id, double PeakKw) : Der(Id)
{
    public double TemperatureCoefficientPerKelvin { get; init; } = -0.004;
    public double NoctCelsius { get; init; } = 45;
    public double InverterEfficiency { get; init; } = 0.96;
    public IReadOnlyList<double>? AvailableKw { get; init; }

    /// <summary>Available AC output for a plane-of-array irradiance and an ambient temperature.</summary>
    public double PowerKw(double irradianceWattsPerSquareMeter, double ambientCelsius)
    {
        if (irradianceWattsPerSquareMeter <= 0)
        {
            return 0;
        }
        var cell = ambientCelsius + (NoctCelsius - 20) / 800 * irradianceWattsPerSquareMeter;
        var p = PeakKw * irradianceWattsPerSquareMeter / 1000 * (1 + TemperatureCoefficientPerKelvin * (cell - 25)) * InverterEfficiency;
        return Math.Clamp(p, 0, PeakKw);
    }
}

/// <summary>A wind turbine with a cubic power curve between cut-in and rated speed, flat to cut-out, zero beyond.</summary>
public sealed record WindTurbine(string Id, double RatedKw) : Der(Id)
{
    public double CutInMetersPerSecond { get; init; } = 3;
    public double RatedMetersPerSecond { get; init; } = 12;
    public double CutOutMetersPerSecond { get; init; } = 25;
    public IReadOnlyList<double>? AvailableKw { get; init; }

    public double PowerKw(double windMetersPerSecond)
    {
        if (windMetersPerSecond < CutInMetersPerSecond || windMetersPerSecond >= CutOutMetersPerSecond)
        {
            return 0;
        }
        if (windMetersPerSecond >= RatedMetersPerSecond)
        {
            return RatedKw;
        }
        var vi3 = Math.Pow(CutInMetersPerSecond, 3);
        return RatedKw * (Math.Pow(windMetersPerSecond, 3) - vi3) / (Math.Pow(RatedMetersPerSecond, 3) - vi3);
    }
}

/// <summary>
/// A stationary battery. Energy follows E(t+1) = E(t) + η_c·P_c·Δt − P_d·Δt/η_d within [min, max]; wear costs
/// <see cref="DegradationEurPerKwh"/> per kWh of throughput (charged plus discharged, halved: one full cycle of 1 kWh costs it once).
/// </summary>
public sealed record Battery(string Id, double CapacityKwh, double MaxChargeKw, double MaxDischargeKw) : Der(Id)
{
    public double ChargeEfficiency { get; init; } = 0.95;
    public double DischargeEfficiency { get; init; } = 0.95;
    public double InitialSocKwh { get; init; }
    public double MinSocKwh { get; init; }
    public double? MaxSocKwh { get; init; }
    /// <summary>Energy the battery must hold at the end of the horizon (soft: a shortfall is a reported violation).</summary>
    public double? FinalSocKwh { get; init; }
    public double DegradationEurPerKwh { get; init; }

    public double UpperSocKwh => MaxSocKwh ?? CapacityKwh;
}

/// <summary>
/// An electric vehicle: plugged in from <see cref="ArrivalInterval"/> until <see cref="DepartureInterval"/>
/// (exclusive), it must have received <see cref="EnergyNeededKwh"/> by departure; with V2G it may also discharge.
/// </summary>
public sealed record ElectricVehicle(string Id, double BatteryKwh, double MaxChargeKw, int ArrivalInterval, int DepartureInterval, double EnergyNeededKwh) : Der(Id)
{
    public double InitialSocKwh { get; init; }
    public bool VehicleToGrid { get; init; }
    public double MaxDischargeKw { get; init; }
    public double ChargeEfficiency { get; init; } = 0.92;
    public double DischargeEfficiency { get; init; } = 0.92;
    public double DegradationEurPerKwh { get; init; }
    public double UnmetPenaltyEurPerKwh { get; init; } = 5;
}

/// <summary>A shiftable load (dishwasher, water heater): <see cref="EnergyKwh"/> delivered at up to <see cref="MaxKw"/> within [earliest, latest).</summary>
public sealed record ShiftableLoad(string Id, double EnergyKwh, double MaxKw, int EarliestInterval, int LatestInterval) : Der(Id)
{
    public double UnservedPenaltyEurPerKwh { get; init; } = 2;
}

/// <summary>
/// A curtailable load (heat pump, air conditioning): its baseline may be reduced by at most
/// <see cref="MaxCurtailFraction"/> (the comfort bound); every curtailed kWh costs <see cref="DiscomfortEurPerKwh"/>.
/// </summary>
public sealed record CurtailableLoad(string Id, IReadOnlyList<double> BaselineKw) : Der(Id)
{
    public double MaxCurtailFraction { get; init; } = 0.3;
    public double DiscomfortEurPerKwh { get; init; } = 0.3;
}

/// <summary>
/// An inflexible load. A critical load (hospital, home medical equipment) is never shed by choice: shedding it is a
/// violation priced above every other; a non-critical one is shed only at the value of lost load.
/// </summary>
public sealed record FixedLoad(string Id, IReadOnlyList<double> DemandKw) : Der(Id)
{
    public bool Critical { get; init; }
}
