using System.CommandLine;
using System.Globalization;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Market;
using CivicGrid.Energy.Shedding;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid energy market</c> (P2P clearing of a bids file) and <c>civicgrid energy shed</c> (rotating load shedding with its audit).</summary>
public static class EnergyMarketCommands
{
    public static IEnumerable<Command> Build() => [BuildMarket(), BuildShed()];

    private static Command BuildMarket()
    {
        var bidsArg = new Argument<FileInfo>("bids") { Description = "Bids CSV: id,participant,side,quantity_kwh,price_eur_per_kwh[,bus][,interval]" };
        var grid = new Option<FileInfo?>("--grid") { Description = "MATPOWER case: clear grid-aware (bids need a bus); lines and voltages are respected" };
        var hours = new Option<double>("--interval-hours") { Description = "Length of a market interval, hours", DefaultValueFactory = _ => 0.25 };
        var noAc = new Option<bool>("--no-ac-check") { Description = "With --grid: skip the AC power-flow verification (DC/PTDF limits only)" };
        var continuous = new Option<bool>("--continuous") { Description = "Continuous double auction in file order instead of one sealed-bid clearing per interval" };
        var cmd = new Command("market", "Clear a peer-to-peer energy market: uniform-price double auction, grid-aware or continuous");
        cmd.Arguments.Add(bidsArg);
        cmd.Options.Add(grid);
        cmd.Options.Add(hours);
        cmd.Options.Add(noAc);
        cmd.Options.Add(continuous);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(bidsArg)!;
            if (!file.Exists)
            {
                return CliOutput.Error(parse, $"bids file not found: {file.FullName}");
            }
            var h = parse.GetValue(hours);
            if (!(h > 0) || !double.IsFinite(h))
            {
                return CliOutput.Error(parse, "--interval-hours must be positive");
            }
            IReadOnlyList<Bid> bids;
            try
            {
                bids = BidCsvReader.ReadFile(file.FullName);
            }
            catch (BidFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            PowerCase? pc = null;
            var gridFile = parse.GetValue(grid);
            if (gridFile is not null)
            {
                if (!gridFile.Exists)
                {
                    return CliOutput.Error(parse, $"case file not found: {gridFile.FullName}");
                }
                try
                {
                    pc = MatpowerReader.ReadFile(gridFile.FullName);
                }
                catch (MatpowerFormatException ex)
                {
                    return CliOutput.Error(parse, ex.Message);
                }
            }
            List<ClearingResult> results;
            try
            {
                results = Clear(bids, pc, h, parse.GetValue(noAc), parse.GetValue(continuous));
            }
            catch (ArgumentException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            var digest = MarketSettlement.InputDigest(bids);
            var violations = results.SelectMany(r => ClearingInvariants.Violations(r)).ToList();
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    bids = bids.Count,
                    inputs_sha256 = digest,
                    grid = pc?.Name,
                    intervals = results.Select(r => MarketJson(r, digest)).ToList(),
                    invariant_violations = violations,
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                var table = new Table().AddColumns("interval", "method", "price (EUR/kWh)", "cleared (kWh)", "trades", "welfare (EUR)", "congestion rent (EUR)");
                foreach (var r in results)
                {
                    table.AddRow(I(r.Interval), r.Method, F4(r.PriceEurPerKWh), F2(r.ClearedKWh), I(r.Trades.Count), F2(r.WelfareEur), F2(r.CongestionRentEur));
                }
                console.Write(table);
                foreach (var b in results.SelectMany(r => r.BindingConstraints))
                {
                    console.MarkupLine("[yellow]binding:[/] " + Markup.Escape(b));
                }
                console.MarkupLine(violations.Count == 0 ? "[green]no trade at a worse price than bid; energy and budget balance hold[/]" : "[red]" + Markup.Escape(string.Join("; ", violations)) + "[/]");
            }
            return violations.Count == 0 ? CliOutput.Ok : CliOutput.Failed;
        });
        return cmd;
    }

    private static List<ClearingResult> Clear(IReadOnlyList<Bid> bids, PowerCase? pc, double hours, bool noAc, bool continuous)
    {
        var results = new List<ClearingResult>();
        foreach (var g in bids.GroupBy(b => b.Interval).OrderBy(g => g.Key))
        {
            if (continuous)
            {
                var cda = new ContinuousDoubleAuction(pc is null ? null : new TransferLimiter(pc, hours));
                foreach (var b in g.OrderBy(b => b.Sequence))
                {
                    cda.Submit(b);
                }
                results.Add(cda.ToResult(g.Key));
            }
            else if (pc is not null)
            {
                results.Add(GridAwareClearing.Clear(g, pc, new GridClearingOptions { IntervalHours = hours, VerifyWithAcPowerFlow = !noAc }, g.Key));
            }
            else
            {
                results.Add(UniformPriceAuction.Clear(g, g.Key));
            }
        }
        return results;
    }

    private static object MarketJson(ClearingResult r, string digest) => new
    {
        interval = r.Interval,
        method = r.Method,
        price_eur_per_kwh = r.PriceEurPerKWh,
        price_low_eur_per_kwh = r.PriceLowEurPerKWh,
        price_high_eur_per_kwh = r.PriceHighEurPerKWh,
        nodal_prices_eur_per_kwh = r.NodalPricesEurPerKWh.Count > 0 ? r.NodalPricesEurPerKWh.OrderBy(x => x.Key).ToDictionary(x => x.Key.ToString(CultureInfo.InvariantCulture), x => x.Value) : null,
        cleared_kwh = r.ClearedKWh,
        welfare_eur = r.WelfareEur,
        buyer_payments_eur = r.BuyerPaymentsEur,
        seller_receipts_eur = r.SellerReceiptsEur,
        congestion_rent_eur = r.CongestionRentEur,
        binding_constraints = r.BindingConstraints,
        fills = r.Fills.Select(f => new
        {
            bid = f.BidId, participant = f.Participant, side = f.Side.ToString().ToLowerInvariant(), bid_kwh = f.BidQuantityKWh, bid_price_eur_per_kwh = f.BidPriceEurPerKWh,
            cleared_kwh = f.ClearedKWh, price_eur_per_kwh = f.PriceEurPerKWh, amount_eur = f.AmountEur, bus = f.Bus, reason = f.Reason.Length == 0 ? null : f.Reason,
        }),
        trades = r.Trades.Select(t => new
        {
            buy_bid = t.BuyBidId, sell_bid = t.SellBidId, buyer = t.Buyer, seller = t.Seller, quantity_kwh = t.QuantityKWh,
            buyer_price_eur_per_kwh = t.BuyerPriceEurPerKWh, seller_price_eur_per_kwh = t.SellerPriceEurPerKWh,
        }),
        statements = MarketSettlement.Statements(r).Select(s => new
        {
            participant = s.Participant, bought_kwh = s.BoughtKWh, sold_kwh = s.SoldKWh, paid_eur = s.PaidEur, received_eur = s.ReceivedEur, net_eur = s.NetEur,
        }),
        receipts = MarketSettlement.Receipts(r, digest).Select(x => new { bid = x.BidId, participant = x.Participant, sha256 = x.Sha256Hex, text = x.Text }),
    };

    private static Command BuildShed()
    {
        var householdsArg = new Argument<FileInfo>("households") { Description = "Households CSV: household,block,district,demand_kw[,group][,critical][,max_outage_intervals]" };
        var shortfallFile = new Option<FileInfo?>("--shortfall-file") { Description = "Shortfall per interval, kW (one figure per line)" };
        var shortfallKw = new Option<double?>("--shortfall-kw") { Description = "Constant shortfall, kW, for --intervals intervals" };
        var intervals = new Option<int>("--intervals") { Description = "Intervals for --shortfall-kw", DefaultValueFactory = _ => 96 };
        var cap = new Option<int?>("--cap") { Description = "Outage cap per household, intervals (where the file names none)" };
        var hours = new Option<double>("--interval-hours") { Description = "Length of an interval, hours", DefaultValueFactory = _ => 0.25 };
        var cmd = new Command("shed", "Fair rotating load shedding over a shortfall, with an explanation per choice and the restriction audit");
        cmd.Arguments.Add(householdsArg);
        cmd.Options.Add(shortfallFile);
        cmd.Options.Add(shortfallKw);
        cmd.Options.Add(intervals);
        cmd.Options.Add(cap);
        cmd.Options.Add(hours);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(householdsArg)!;
            if (!file.Exists)
            {
                return CliOutput.Error(parse, $"households file not found: {file.FullName}");
            }
            var h = parse.GetValue(hours);
            if (!(h > 0) || !double.IsFinite(h) || parse.GetValue(intervals) <= 0)
            {
                return CliOutput.Error(parse, "--interval-hours and --intervals must be positive");
            }
            IReadOnlyList<SheddingBlock> blocks;
            IReadOnlyList<double> shortfall;
            try
            {
                blocks = HouseholdCsvReader.ReadFile(file.FullName);
                var sf = parse.GetValue(shortfallFile);
                var kw = parse.GetValue(shortfallKw);
                if ((sf is null) == (kw is null))
                {
                    return CliOutput.Error(parse, "give exactly one of --shortfall-file and --shortfall-kw");
                }
                if (sf is not null)
                {
                    if (!sf.Exists)
                    {
                        return CliOutput.Error(parse, $"shortfall file not found: {sf.FullName}");
                    }
                    shortfall = HouseholdCsvReader.ParseShortfall(File.ReadAllText(sf.FullName), sf.Name);
                }
                else
                {
                    if (!(kw >= 0) || !double.IsFinite(kw!.Value))
                    {
                        return CliOutput.Error(parse, "--shortfall-kw must be a non-negative number");
                    }
                    shortfall = Enumerable.Repeat(kw.Value, parse.GetValue(intervals)).ToArray();
                }
            }
            catch (SheddingFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            RotatingBlockShedder shedder;
            try
            {
                shedder = new RotatingBlockShedder(blocks, new SheddingOptions { IntervalHours = h, DefaultMaxOutageIntervals = parse.GetValue(cap) });
            }
            catch (ArgumentException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            var plan = shedder.Plan(shortfall);
            var audit = RestrictionAudit.Run(RestrictionAudit.FromPlan(blocks, plan, h));
            var households = blocks.SelectMany(b => b.Households).Where(x => !x.Critical).ToList();
            var maxShare = households.Count == 0 ? 0 : households.Max(x => shedder.OutageIntervals[x.Id]) / (double)plan.Count;
            var uncovered = plan.Sum(d => d.UncoveredKW) * h;
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    households = blocks.Sum(b => b.Households.Count),
                    blocks = blocks.Count,
                    intervals = plan.Count,
                    max_outage_share = maxShare,
                    uncovered_kwh = uncovered,
                    decisions = plan.Select(d => new
                    {
                        interval = d.Interval, shortfall_kw = d.ShortfallKW, shed_kw = d.ShedKW, uncovered_kw = d.UncoveredKW,
                        shed_blocks = d.ShedBlocks.Select(c => new { block = c.BlockId, district = c.District, shed_kw = c.ShedKW, explanation = c.Explanation }),
                    }),
                    audit = AuditJson(audit),
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                var table = new Table().AddColumns("interval", "shortfall (kW)", "shed (kW)", "uncovered (kW)", "blocks shed");
                foreach (var d in plan.Take(24))
                {
                    table.AddRow(I(d.Interval), F2(d.ShortfallKW), F2(d.ShedKW), F2(d.UncoveredKW), Markup.Escape(string.Join(" ", d.ShedBlocks.Select(c => c.BlockId))));
                }
                console.Write(table);
                if (plan.Count > 24)
                {
                    console.MarkupLine($"… {plan.Count - 24} more intervals (use --json for all)");
                }
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"largest household outage share [bold]{maxShare:P1}[/]; uncovered energy {uncovered:0.##} kWh; Gini of outage hours {audit.GiniOutage:0.###}"));
                foreach (var s in audit.Regions.Concat(audit.Groups))
                {
                    console.MarkupLine((s.Flagged ? "[red]" : "[green]") + Markup.Escape(s.Explanation) + "[/]");
                }
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    internal static object AuditJson(AuditReport a) => new
    {
        gini_curtailment = a.GiniCurtailment,
        gini_outage = a.GiniOutage,
        total_demand_kwh = a.TotalDemandKWh,
        total_curtailed_kwh = a.TotalCurtailedKWh,
        regions = a.Regions.Select(ShareJson),
        groups = a.Groups.Select(ShareJson),
        flagged = a.Flagged.Select(s => s.Name),
    };

    private static object ShareJson(AuditShare s) => new
    {
        name = s.Name, households = s.Households, demand_share = s.DemandShare, curtailment_share = s.CurtailmentShare, ratio = s.Ratio, flagged = s.Flagged, explanation = s.Explanation,
    };

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F2(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static string F4(double v) => double.IsNaN(v) ? "—" : v.ToString("0.0000", CultureInfo.InvariantCulture);
}
