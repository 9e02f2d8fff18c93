using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Platform.DemoCity;

namespace CivicGrid.Platform.Energy;

/// <summary>Loading situation of the demo feeder case.</summary>
public enum GridScenario
{
    /// <summary>Winter evening: households at 1.8× their average load, no PV.</summary>
    EveningPeak,

    /// <summary>Sunny noon: households at 0.8× their average load, PV at 70 % of its peak, flowing back up the feeders.</summary>
    SunnyNoon,
}

/// <summary>
/// The demo city's low-voltage network as a MATPOWER case: bus 1 is the substation's 0.4 kV busbar (the reference, fed
/// by the upstream grid), then one radial feeder per region with its buses in a chain. Loads are the households
/// connected to each bus (annual energy ÷ 8760 h times the scenario's factor, power factor 0.95); PV systems are
/// generators at their household's bus. Per-unit on 1 MVA and 0.4 kV; line ratings from the cable's ampacity.
/// </summary>
public static class GridDemoFeeder
{
    public const double BaseMVA = 1;
    public const double BaseKV = 0.4;

    /// <summary>Price of energy from the upstream grid in the DC-OPF ($/MWh); local PV costs nothing.</summary>
    public const double GridEnergyPricePerMWh = 120;

    private static readonly double ReactiveRatio = Math.Tan(Math.Acos(0.95));

    public static PowerCase Build(DemoCityModel city, GridScenario scenario = GridScenario.EveningPeak)
    {
        ArgumentNullException.ThrowIfNull(city);
        var net = city.Electricity;
        var pc = new PowerCase { Name = "demo_city_feeders", BaseMVA = BaseMVA };
        var number = new Dictionary<string, int>(StringComparer.Ordinal) { [net.SubstationId] = 1 };
        pc.Buses.Add(NewBus(1, BusType.Reference));
        foreach (var b in net.Buses)
        {
            number[b.Id] = pc.Buses.Count + 1;
            pc.Buses.Add(NewBus(pc.Buses.Count + 1, BusType.PQ));
        }
        var loadFactor = scenario == GridScenario.EveningPeak ? 1.8 : 0.8;
        foreach (var h in city.Households)
        {
            if (!number.TryGetValue(h.ElectricityBusId, out var n))
            {
                continue;
            }
            var kw = h.AnnualElectricityKilowattHours / 8760 * loadFactor;
            var bus = pc.Buses[n - 1];
            bus.PdMW += kw / 1000;
            bus.QdMVAr += kw * ReactiveRatio / 1000;
        }
        foreach (var bus in pc.Buses)
        {
            bus.PdMW = Math.Round(bus.PdMW, 6);
            bus.QdMVAr = Math.Round(bus.QdMVAr, 6);
        }
        var zBase = BaseKV * BaseKV / BaseMVA;
        foreach (var l in net.Lines)
        {
            var ratingMva = Math.Sqrt(3) * BaseKV * l.RatingAmperes / 1000;
            pc.Branches.Add(new Branch
            {
                FromBus = number[l.FromBusId], ToBus = number[l.ToBusId],
                RPu = l.ResistanceOhms / zBase, XPu = l.ReactanceOhms / zBase, BPu = 0,
                RateAMVA = Math.Round(ratingMva, 6), RateBMVA = Math.Round(ratingMva, 6), RateCMVA = Math.Round(ratingMva, 6),
                TapRatio = 0, ShiftDeg = 0, InService = true,
            });
        }
        // The upstream grid behind the substation transformer: the reference generator, bought at a flat price.
        AddGenerator(pc, 1, 0, 10, GridEnergyPricePerMWh, -10, 10);
        if (scenario == GridScenario.SunnyNoon)
        {
            var households = city.Households.ToDictionary(h => h.Id, StringComparer.Ordinal);
            var pvByBus = new SortedDictionary<int, double>();
            foreach (var r in net.Resources)
            {
                if (r.Kind == DistributedResourceKind.Photovoltaic && households.TryGetValue(r.HouseholdId, out var h)
                    && number.TryGetValue(h.ElectricityBusId, out var n))
                {
                    pvByBus[n] = pvByBus.GetValueOrDefault(n) + r.PowerKilowatts * 0.7 / 1000;
                }
            }
            foreach (var (bus, mw) in pvByBus)
            {
                // Inverters at unity power factor: no reactive range, so the bus stays PQ in the power flow.
                AddGenerator(pc, bus, Math.Round(mw, 6), Math.Round(mw, 6), 0, 0, 0);
            }
        }
        return pc;
    }

    private static Bus NewBus(int number, BusType type) => new()
    {
        Number = number, Type = type, Area = 1, VmPu = 1, VaDeg = 0, BaseKV = BaseKV, Zone = 1, VmaxPu = 1.1, VminPu = 0.9,
    };

    private static void AddGenerator(PowerCase pc, int bus, double pg, double pmax, double pricePerMWh, double qmin, double qmax)
    {
        pc.Generators.Add(new Generator
        {
            Bus = bus, PgMW = pg, QgMVAr = 0, QmaxMVAr = qmax, QminMVAr = qmin, VgPu = 1, MBaseMVA = BaseMVA,
            InService = true, PmaxMW = pmax, PminMW = 0,
        });
        pc.GeneratorCosts.Add(new GeneratorCost { Model = CostModel.Polynomial, Coefficients = [pricePerMWh, 0] });
    }
}
