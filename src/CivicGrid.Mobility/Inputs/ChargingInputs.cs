using CivicGrid.Mobility.Charging;

namespace CivicGrid.Mobility.Inputs;

/// <summary>
/// Reads a smart-charging problem from four CSV files, so that a city can export it from its own systems:
/// <list type="bullet">
/// <item><c>trips</c>: <c>vehicle,site,arrival_minute,leave_minute,distance_km,departure_soc,battery_kwh,consumption_kwh_per_km,target_soc,max_power_kw</c></item>
/// <item><c>sites</c>: <c>site,feeder,power_limit_kw</c></item>
/// <item><c>feeders</c>: <c>feeder,slot,headroom_kw</c> — power the feeder can give to charging in each 0-based slot
/// (long format; every feeder must give every slot of the horizon)</item>
/// <item><c>prices</c> (optional): <c>slot,price_per_kwh</c>; without it every slot costs 1.</item>
/// </list>
/// The horizon is the number of slots the feeders give. Minutes count from the start of the horizon.
/// </summary>
public static class ChargingInputs
{
    private static readonly string[] TripColumns =
        ["vehicle", "site", "arrival_minute", "leave_minute", "distance_km", "departure_soc", "battery_kwh", "consumption_kwh_per_km", "target_soc", "max_power_kw"];

    private static readonly string[] SiteColumns = ["site", "feeder", "power_limit_kw"];
    private static readonly string[] FeederColumns = ["feeder", "slot", "headroom_kw"];
    private static readonly string[] PriceColumns = ["slot", "price_per_kwh"];

    /// <summary>Reads the four files into a problem and its trips.</summary>
    public static (ChargingProblem Problem, IReadOnlyList<EvTrip> Trips) Read(string tripsPath, string sitesPath, string feedersPath, string? pricesPath, int slotMinutes)
    {
        using var trips = new StreamReader(tripsPath);
        using var sites = new StreamReader(sitesPath);
        using var feeders = new StreamReader(feedersPath);
        using var prices = pricesPath is null ? null : new StreamReader(pricesPath);
        return Read((trips, tripsPath), (sites, sitesPath), (feeders, feedersPath), prices is null ? null : (prices, pricesPath!), slotMinutes);
    }

    /// <summary>Reads the inputs from readers, each with the file name used in errors.</summary>
    public static (ChargingProblem Problem, IReadOnlyList<EvTrip> Trips) Read(
        (TextReader Reader, string File) trips,
        (TextReader Reader, string File) sites,
        (TextReader Reader, string File) feeders,
        (TextReader Reader, string File)? prices,
        int slotMinutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotMinutes);
        var feederList = ReadFeeders(feeders.Reader, feeders.File);
        var slots = feederList[0].HeadroomKilowatts.Length;
        var siteList = ReadSites(sites.Reader, sites.File, feederList);
        var tripList = ReadTrips(trips.Reader, trips.File, siteList, slotMinutes * slots);
        var priceList = prices is { } p ? ReadPrices(p.Reader, p.File, slots) : Enumerable.Repeat(1.0, slots).ToArray();
        var sessions = ChargingDemandModel.FromTrips(tripList, slotMinutes, slots);
        return (new ChargingProblem(slotMinutes, priceList, siteList, feederList, sessions), tripList);
    }

    private static List<FeederHeadroom> ReadFeeders(TextReader reader, string file)
    {
        var values = new Dictionary<string, SortedDictionary<int, (double Kw, int Line)>>(StringComparer.Ordinal);
        foreach (var row in CsvRow.ReadAll(reader, file, FeederColumns))
        {
            var id = row.Text(0);
            var slot = row.Integer(1, 0, 100_000);
            var kw = row.Number(2, 0);
            if (!values.TryGetValue(id, out var bySlot))
            {
                values[id] = bySlot = [];
            }
            if (bySlot.TryGetValue(slot, out var earlier))
            {
                throw row.Error(1, $"feeder '{id}' slot {slot} is already given on line {earlier.Line}");
            }
            bySlot[slot] = (kw, row.Line);
        }
        if (values.Count == 0)
        {
            throw new MobilityInputFormatException(file, 0, 0, "no feeder headroom is given");
        }
        var slots = values.Values.Max(v => v.Keys.Max()) + 1;
        var result = new List<FeederHeadroom>();
        foreach (var (id, bySlot) in values)
        {
            if (bySlot.Count != slots)
            {
                var missing = Enumerable.Range(0, slots).First(s => !bySlot.ContainsKey(s));
                throw new MobilityInputFormatException(file, 0, 0, $"feeder '{id}' gives no headroom for slot {missing} (the horizon has {slots} slots)");
            }
            result.Add(new FeederHeadroom(id, bySlot.Values.Select(v => v.Kw).ToArray()));
        }
        return result;
    }

    private static List<ChargingSite> ReadSites(TextReader reader, string file, List<FeederHeadroom> feeders)
    {
        var feederIds = feeders.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ChargingSite>();
        foreach (var row in CsvRow.ReadAll(reader, file, SiteColumns))
        {
            var id = row.Text(0);
            if (!seen.Add(id))
            {
                throw row.Error(0, $"site '{id}' is given twice");
            }
            var feeder = row.Text(1);
            if (!feederIds.Contains(feeder))
            {
                throw row.Error(1, $"feeder '{feeder}' is not in the feeders file");
            }
            result.Add(new ChargingSite(id, feeder, row.Number(2, 0)));
        }
        return result.Count == 0 ? throw new MobilityInputFormatException(file, 0, 0, "no charging site is given") : result;
    }

    private static List<EvTrip> ReadTrips(TextReader reader, string file, List<ChargingSite> sites, int horizonMinutes)
    {
        var siteIds = sites.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var result = new List<EvTrip>();
        foreach (var row in CsvRow.ReadAll(reader, file, TripColumns))
        {
            var site = row.Text(1);
            if (!siteIds.Contains(site))
            {
                throw row.Error(1, $"site '{site}' is not in the sites file");
            }
            var arrival = row.Integer(2, 0, horizonMinutes);
            var leave = row.Integer(3, arrival);
            var battery = row.Number(6, 0);
            var power = row.Number(9, 0);
            if (battery <= 0)
            {
                throw row.Error(6, "must be positive");
            }
            if (power <= 0)
            {
                throw row.Error(9, "must be positive");
            }
            result.Add(new EvTrip(row.Text(0), site, arrival, leave, row.Number(4, 0), row.Number(5, 0, 1), battery, row.Number(7, 0), row.Number(8, 0, 1), power));
        }
        return result;
    }

    private static double[] ReadPrices(TextReader reader, string file, int slots)
    {
        var prices = new double[slots];
        var given = new int[slots];
        foreach (var row in CsvRow.ReadAll(reader, file, PriceColumns))
        {
            var slot = row.Integer(0, 0, slots - 1);
            if (given[slot] != 0)
            {
                throw row.Error(0, $"slot {slot} is already given on line {given[slot]}");
            }
            given[slot] = row.Line;
            prices[slot] = row.Number(1);
        }
        var missing = Array.IndexOf(given, 0);
        return missing >= 0 ? throw new MobilityInputFormatException(file, 0, 0, $"no price for slot {missing} (the feeders give {slots} slots)") : prices;
    }
}
