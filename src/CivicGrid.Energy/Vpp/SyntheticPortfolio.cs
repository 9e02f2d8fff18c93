namespace CivicGrid.Energy.Vpp;

/// <summary>
/// A reproducible synthetic neighbourhood for demos and benchmarks: rooftop PV on a clear-sky bell with cloud noise,
/// home batteries, evening-arriving EVs (a third with V2G), shiftable appliances, curtailable heat pumps, household
/// loads with morning and evening peaks, and a few critical loads. Same seed, same portfolio.
/// </summary>
public static class SyntheticPortfolio
{
    public static Portfolio Create(int derCount, int intervals = 96, int intervalMinutes = 15, int seed = 1, DateTimeOffset? start = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(derCount, 1);
        var rng = new Random(seed);
        var perHour = 60.0 / intervalMinutes;
        double Hour(int t) => (t / perHour) % 24;
        double Sun(int t) => Math.Max(0, Math.Sin(Math.PI * (Hour(t) - 6) / 14));
        double Household(int t)
        {
            var h = Hour(t);
            return 0.3 + (0.6 * Math.Exp(-Math.Pow((h - 8) / 1.5, 2))) + (1.0 * Math.Exp(-Math.Pow((h - 19) / 2.0, 2)));
        }
        var ders = new List<Der>(derCount);
        for (var i = 0; i < derCount; i++)
        {
            var scale = 0.7 + (0.6 * rng.NextDouble());
            var id = i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            switch (i % 10)
            {
                case 0:
                case 1:
                case 2:
                {
                    var cloud = 0.6 + (0.4 * rng.NextDouble());
                    ders.Add(new PvArray("pv-" + id, 5 * scale)
                    {
                        AvailableKw = Enumerable.Range(0, intervals).Select(t => 5 * scale * 0.85 * Sun(t) * cloud).ToArray(),
                    });
                    break;
                }
                case 3:
                case 4:
                    ders.Add(new Battery("bat-" + id, 10 * scale, 5 * scale, 5 * scale)
                    {
                        InitialSocKwh = 5 * scale, FinalSocKwh = 5 * scale, DegradationEurPerKwh = 0.03,
                    });
                    break;
                case 5:
                {
                    var arrival = Math.Min(intervals - 1, (int)((17 + (3 * rng.NextDouble())) * perHour) % intervals);
                    var departure = Math.Min(intervals, arrival + (int)((8 + (4 * rng.NextDouble())) * perHour));
                    var v2g = rng.NextDouble() < 0.33;
                    ders.Add(new ElectricVehicle("ev-" + id, 50, 7.4, arrival, departure, 8 + (12 * rng.NextDouble()))
                    {
                        InitialSocKwh = 15, VehicleToGrid = v2g, MaxDischargeKw = v2g ? 5 : 0,
                    });
                    break;
                }
                case 6:
                {
                    var earliest = (int)(rng.NextDouble() * intervals / 2);
                    ders.Add(new ShiftableLoad("appliance-" + id, 1.5 * scale, 2, earliest, Math.Min(intervals, earliest + (int)(8 * perHour))));
                    break;
                }
                case 7:
                    ders.Add(new CurtailableLoad("heatpump-" + id, Enumerable.Range(0, intervals).Select(t => 1.5 * scale * (1.2 - (0.4 * Sun(t)))).ToArray())
                    {
                        MaxCurtailFraction = 0.3, DiscomfortEurPerKwh = 0.25,
                    });
                    break;
                default:
                {
                    var critical = i % 100 == 9;
                    ders.Add(new FixedLoad((critical ? "critical-" : "home-") + id,
                        Enumerable.Range(0, intervals).Select(t => scale * (critical ? 0.4 : Household(t)) * (0.9 + (0.2 * rng.NextDouble()))).ToArray())
                    {
                        Critical = critical,
                    });
                    break;
                }
            }
        }
        var import = Enumerable.Range(0, intervals).Select(t => Hour(t) is >= 7 and < 22 ? (Hour(t) is >= 17 and < 21 ? 0.35 : 0.25) : 0.12).ToArray();
        var export = Enumerable.Range(0, intervals).Select(_ => 0.06).ToArray();
        // The feeder is sized at 60 % of the coincident household peak, so flexibility has work to do.
        var feederKw = 0.6 * derCount / 10.0 * 2 * 1.6;
        return new Portfolio($"synthetic-{derCount}", start ?? new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), intervalMinutes, intervals,
            new FeederLimits(Math.Max(5, feederKw), Math.Max(5, feederKw)), new Tariff(import, export), ders);
    }
}
