using System.Globalization;
using System.Text;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Energy.Market;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;

namespace CivicGrid.Platform.Energy;

/// <summary>
/// The prosumers' bids of a region for the current 15-minute interval of the simulated clock, generated from the demo
/// city's devices and telemetry; <see cref="Csv"/> is the same bids in the format <c>civicgrid energy market</c> reads.
/// Bus numbers are those of the demo feeder case (<see cref="GridDemoFeeder"/>): the region's buses are
/// <see cref="FirstBus"/> to <see cref="LastBus"/>, bus 1 is the substation.
/// </summary>
public sealed record MarketDemoBids(
    string RegionId,
    string RegionName,
    DateTimeOffset IntervalStart,
    int Interval,
    double ImportPriceEurPerKWh,
    IReadOnlyList<Bid> Bids,
    string Csv,
    int FirstBus,
    int LastBus);

/// <summary>A market clearing recorded in a region's transparency log.</summary>
public sealed record MarketRecentClearing(
    Guid DecisionId,
    long LogIndex,
    DateTimeOffset DecidedAt,
    string Algorithm,
    int? Interval,
    int? Bids,
    double? PriceEurPerKWh,
    double? ClearedKWh,
    string Outcome,
    string? OperatorId);

/// <summary>A line the grid-blind (uniform-price) clearing of the same bids would overload in a DC power flow.</summary>
public sealed record MarketLineOverload(int FromBus, int ToBus, double FlowMW, double RatingMVA)
{
    public double LoadingPercent => RatingMVA > 0 ? 100 * Math.Abs(FlowMW) / RatingMVA : double.PositiveInfinity;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"line {FromBus}-{ToBus} would carry {Math.Abs(FlowMW) * 1000:0.#} kW against its {RatingMVA * 1000:0.#} kVA rating ({LoadingPercent:0}%)");
}

/// <summary>A bid the grid-aware clearing filled less than the grid-blind clearing would have, and why.</summary>
public sealed record MarketCurtailedBid(string BidId, string Participant, BidSide Side, int? Bus, double UnconstrainedKWh, double ClearedKWh, string Reason);

/// <summary>What the grid changed: the grid-blind clearing of the same bids, the lines it would overload, and the bids curtailed.</summary>
public sealed record MarketGridComparison(
    double UnconstrainedClearedKWh,
    double? UnconstrainedPriceEurPerKWh,
    IReadOnlyList<MarketLineOverload> Overloads,
    IReadOnlyList<MarketCurtailedBid> Curtailed);

/// <summary>
/// Read side of the P2P market for the pages and the API: demo bids from the city's devices, the demo feeder case that
/// grid-aware clearing respects, recent clearings from the log, and the grid-blind comparison of a grid-aware clearing.
/// </summary>
public sealed class MarketViewService(VppService vpp, IDecisionLog log, TimeProvider time)
{
    private const int MaxScannedRecords = 2000;

    /// <summary>The demo feeders as a MATPOWER case at the evening peak (the loading grid-aware clearing is checked against).</summary>
    public PowerCase DemoCase() => GridDemoFeeder.Build(vpp.City, GridScenario.EveningPeak);

    /// <summary>
    /// Bids of the region's households for the current interval: each household's net position over the interval
    /// (load minus PV output, minus what a home battery offers to discharge) becomes one buy bid or one sell offer;
    /// limit prices lie between the export price and the time-of-use import price, drawn per household and interval
    /// from a stable hash, so the same clock gives the same bids. Unknown regions raise <see cref="KeyNotFoundException"/>.
    /// </summary>
    public MarketDemoBids DemoBids(string regionId)
    {
        var city = vpp.City;
        var region = city.Regions.FirstOrDefault(r => r.Id == regionId) ?? throw new KeyNotFoundException($"no region '{regionId}'");
        var now = time.GetUtcNow();
        var day = (long)Math.Floor((now - DateTimeOffset.UnixEpoch).TotalDays);
        var t = (int)((now - DateTimeOffset.UnixEpoch.AddDays(day)).TotalMinutes / VppTelemetry.IntervalMinutes);
        const double hours = VppTelemetry.IntervalMinutes / 60.0;
        var import = VppService.ImportPrice(t);
        var export = VppService.ExportPrice;
        var busNumber = BusNumbers(city);
        var pvPerKwp = VppTelemetry.PvKwPerKwPeak(city.Seed, region.Id, day, t);
        var resources = city.Electricity.Resources.ToLookup(r => r.HouseholdId, StringComparer.Ordinal);
        var bids = new List<Bid>();
        foreach (var h in city.Households.Where(h => h.RegionId == region.Id))
        {
            var load = VppTelemetry.HouseholdLoadKw(city.Seed, h, day, t) * hours;
            var pv = resources[h.Id].Where(r => r.Kind == DistributedResourceKind.Photovoltaic).Sum(r => r.PowerKilowatts) * pvPerKwp * hours;
            var battery = resources[h.Id].Where(r => r.Kind == DistributedResourceKind.Battery).Sum(r => r.PowerKilowatts) * 0.5 * hours;
            var net = Math.Round(load - pv - battery, 3);
            var u = VppTelemetry.Unit(city.Seed, h.Id + "/bid", day, t);
            var bus = busNumber.TryGetValue(h.ElectricityBusId, out var b) ? b : (int?)null;
            if (net >= 0.001)
            {
                var price = Math.Round(export + ((import - export) * (0.3 + (0.7 * u))), 4);
                bids.Add(new Bid($"{h.Id}-buy", h.Id, BidSide.Buy, net, price, bus, t, bids.Count));
            }
            else if (net <= -0.001)
            {
                // Stored energy is offered dearer than surplus PV (it could be kept for later).
                var floor = battery > 0 ? 0.35 : 0.05;
                var price = Math.Round(export + ((import - export) * (floor + (0.5 * u))), 4);
                bids.Add(new Bid($"{h.Id}-sell", h.Id, BidSide.Sell, -net, price, bus, t, bids.Count));
            }
        }
        var regionBuses = city.Electricity.Buses.Where(x => city.Electricity.Feeders.Any(f => f.Id == x.FeederId && f.RegionId == region.Id))
            .Select(x => busNumber[x.Id]).DefaultIfEmpty(0).ToList();
        return new MarketDemoBids(region.Id, region.Name, DateTimeOffset.UnixEpoch.AddDays(day).AddMinutes(t * VppTelemetry.IntervalMinutes), t, import,
            bids, ToCsv(bids), regionBuses.Min(), regionBuses.Max());
    }

    /// <summary>Bids in the CSV format of <see cref="BidCsvReader"/> (header, one row per bid in arrival order).</summary>
    public static string ToCsv(IEnumerable<Bid> bids)
    {
        ArgumentNullException.ThrowIfNull(bids);
        var sb = new StringBuilder("id,participant,side,quantity_kwh,price_eur_per_kwh,bus,interval\n");
        foreach (var b in bids)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{b.Id},{b.Participant},{(b.Side == BidSide.Buy ? "buy" : "sell")},{b.QuantityKWh:R},{b.PriceEurPerKWh:R},{b.Bus},{b.Interval}\n");
        }
        return sb.ToString();
    }

    /// <summary>The region's market clearings in its log, newest first (at most <paramref name="take"/>).</summary>
    public async Task<IReadOnlyList<MarketRecentClearing>> RecentClearingsAsync(string regionId, int take, CancellationToken cancellationToken)
    {
        if (vpp.City.Regions.All(r => r.Id != regionId))
        {
            throw new KeyNotFoundException($"no region '{regionId}'");
        }
        var found = new List<MarketRecentClearing>();
        const int page = 200;
        for (var skip = 0; skip < MaxScannedRecords && found.Count < take; skip += page)
        {
            var records = await log.ListAsync(regionId, skip, page, cancellationToken).ConfigureAwait(false);
            foreach (var receipt in records)
            {
                var r = receipt.Record;
                if (r.Kind != DecisionKind.MarketClearing || !MarketOperations.AlgorithmNames.Contains(r.Algorithm.Name) || found.Count >= take)
                {
                    continue;
                }
                var p = r.Algorithm.Parameters;
                found.Add(new MarketRecentClearing(r.Id, receipt.LogIndex, r.DecidedAt, r.Algorithm.Name,
                    Int(p, "interval"), Int(p, "bids"), Number(p, "price_eur_per_kwh"), Number(p, "cleared_kwh"), r.Outcome, r.Actor.OperatorId));
            }
            if (records.Count < page)
            {
                break;
            }
        }
        return found;
    }

    /// <summary>
    /// Compares a grid-aware clearing with the grid-blind uniform clearing of the same bids: the lines the grid-blind
    /// trades would overload in a DC power flow on <paramref name="grid"/> (base case plus the trades' PTDF flows), and
    /// each bid the grid cut back, with the binding constraints as the reason.
    /// </summary>
    public static MarketGridComparison CompareWithGridBlind(IReadOnlyList<Bid> bids, ClearingResult gridAware, PowerCase grid)
    {
        ArgumentNullException.ThrowIfNull(bids);
        ArgumentNullException.ThrowIfNull(gridAware);
        ArgumentNullException.ThrowIfNull(grid);
        var blind = UniformPriceAuction.Clear(bids, gridAware.Interval);
        var overloads = new List<MarketLineOverload>();
        if (bids.All(b => b.Bus is not null))
        {
            var ptdf = PowerTransferDistribution.Build(grid);
            var busIndex = grid.BusIndex();
            var baseFlow = DcPowerFlow.Solve(grid).PfMW;
            var mwPerKWh = 1.0 / (1000.0 * 0.25);
            var injection = new double[grid.Buses.Count];
            foreach (var f in blind.Fills.Where(f => f.ClearedKWh > 0 && f.Bus is not null))
            {
                if (busIndex.TryGetValue(f.Bus!.Value, out var row))
                {
                    injection[row] += (f.Side == BidSide.Sell ? 1 : -1) * f.ClearedKWh * mwPerKWh;
                }
            }
            var active = ptdf.Branches;
            for (var a = 0; a < active.Count; a++)
            {
                var branch = grid.Branches[active[a]];
                if (branch.RateAMVA <= 0)
                {
                    continue;
                }
                var flow = baseFlow[active[a]];
                for (var row = 0; row < injection.Length; row++)
                {
                    flow += injection[row] == 0 ? 0 : ptdf.Factor(a, row) * injection[row];
                }
                var limit = Math.Max(branch.RateAMVA, Math.Abs(baseFlow[active[a]]));
                if (Math.Abs(flow) > limit * (1 + 1e-6))
                {
                    overloads.Add(new MarketLineOverload(branch.FromBus, branch.ToBus, flow, branch.RateAMVA));
                }
            }
        }
        var blindById = blind.Fills.ToDictionary(f => f.BidId, StringComparer.Ordinal);
        var because = gridAware.BindingConstraints.Count > 0 ? string.Join("; ", gridAware.BindingConstraints) : null;
        var curtailed = new List<MarketCurtailedBid>();
        foreach (var f in gridAware.Fills)
        {
            var unconstrained = blindById.TryGetValue(f.BidId, out var bf) ? bf.ClearedKWh : 0;
            if (f.ClearedKWh < unconstrained - 1e-6)
            {
                var reason = f.Reason.Length > 0 ? f.Reason : "filled less than without the grid";
                curtailed.Add(new MarketCurtailedBid(f.BidId, f.Participant, f.Side, f.Bus, unconstrained, f.ClearedKWh,
                    because is null ? reason : reason + " — " + because));
            }
        }
        return new MarketGridComparison(blind.ClearedKWh, double.IsFinite(blind.PriceEurPerKWh) ? blind.PriceEurPerKWh : null, overloads, curtailed);
    }

    /// <summary>Bus numbers of the demo feeder case by demo bus id (bus 1 is the substation).</summary>
    private static Dictionary<string, int> BusNumbers(DemoCityModel city)
    {
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal) { [city.Electricity.SubstationId] = 1 };
        for (var i = 0; i < city.Electricity.Buses.Count; i++)
        {
            numbers[city.Electricity.Buses[i].Id] = i + 2;
        }
        return numbers;
    }

    private static int? Int(IReadOnlyDictionary<string, string> p, string key) =>
        p.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double? Number(IReadOnlyDictionary<string, string> p, string key) =>
        p.TryGetValue(key, out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
