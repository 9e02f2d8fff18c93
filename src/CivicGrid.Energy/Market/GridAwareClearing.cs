using System.Globalization;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Energy.Grid.PowerFlow;

namespace CivicGrid.Energy.Market;

/// <summary>Settings of a grid-aware clearing.</summary>
public sealed record GridClearingOptions
{
    /// <summary>Length of the market interval: bids in kWh become MW = kWh / (1000 · hours).</summary>
    public double IntervalHours { get; init; } = 0.25;

    /// <summary>Check the cleared trades with a full AC power flow and tighten until lines and voltages hold.</summary>
    public bool VerifyWithAcPowerFlow { get; init; } = true;

    /// <summary>Tightening rounds before giving up and clearing nothing.</summary>
    public int MaxAcRounds { get; init; } = 12;
}

/// <summary>
/// Welfare-maximising clearing that respects the grid: the LP of the uniform auction plus one row per rated line
/// (rate A &gt; 0) whose DC flow, base case plus the flow the trades cause through the PTDFs, must stay within the
/// rating (or, for a line the base case already overloads, must not get worse). Solved with CLP through OR-Tools;
/// each bid settles at its bus's price, the dual of its injection, so no one trades at a worse price than bid and the
/// difference between what buyers pay and sellers receive is the congestion rent. Optionally the result is checked
/// with an AC Newton–Raphson power flow; line overloads tighten that line's DC limit, voltage violations cap the net
/// trade at the bus (or the total volume), and the LP is solved again.
/// </summary>
public static class GridAwareClearing
{
    private const double Tolerance = 1e-9;

    public static ClearingResult Clear(IEnumerable<Bid> bids, PowerCase powerCase, GridClearingOptions? options = null, int interval = 0)
    {
        ArgumentNullException.ThrowIfNull(bids);
        ArgumentNullException.ThrowIfNull(powerCase);
        options ??= new GridClearingOptions();
        var list = bids.ToList();
        var busIndex = powerCase.BusIndex();
        var busRow = new int[list.Count];
        for (var k = 0; k < list.Count; k++)
        {
            var b = list[k];
            if (b.Bus is not int bus)
            {
                throw new ArgumentException($"bid '{b.Id}' has no bus; grid-aware clearing needs the connection bus of every bid", nameof(bids));
            }
            if (!busIndex.TryGetValue(bus, out busRow[k]) || powerCase.Buses[busRow[k]].Type == BusType.Isolated)
            {
                throw new ArgumentException($"bid '{b.Id}' names bus {bus.ToString(CultureInfo.InvariantCulture)}, which is not an in-service bus of case '{powerCase.Name}'", nameof(bids));
            }
        }
        var ptdf = PowerTransferDistribution.Build(powerCase);
        var net = ptdf.Network;
        var baseFlow = DcPowerFlow.Solve(powerCase).PfMW;
        var mwPerKWh = 1.0 / (1000.0 * options.IntervalHours);
        var lineScale = Enumerable.Repeat(1.0, net.ActiveBranches.Length).ToArray();
        var busCaps = new Dictionary<int, (double Withdrawal, double Injection)>();
        var volumeCap = double.PositiveInfinity;
        PowerFlowResult? acBase = null;
        var acNotes = new List<string>();
        for (var round = 0; ; round++)
        {
            var lp = BuildProblem(list, busRow, ptdf, baseFlow, lineScale, busCaps, volumeCap, mwPerKWh, out var lineRows, out var capRows, out var volumeRow);
            var solution = OrToolsLpSolver.Solve(lp, LpSolver.Clp);
            if (!solution.Optimal)
            {
                throw new InvalidOperationException($"the clearing LP ended '{solution.Status}' although clearing nothing is feasible");
            }
            var q = solution.X.Select((x, k) => x < Tolerance ? 0.0 : x > list[k].QuantityKWh - Tolerance ? list[k].QuantityKWh : x).ToArray();
            if (options.VerifyWithAcPowerFlow)
            {
                acBase ??= AcPowerFlow.Solve(powerCase);
                var check = MarketGridCheck.Check(powerCase, acBase, NetInjectionMW(list, busRow, q, powerCase.Buses.Count, mwPerKWh));
                if (!check.Passed)
                {
                    if (round + 1 >= options.MaxAcRounds || !check.Converged)
                    {
                        acNotes.Add(check.Converged
                            ? $"AC check still failing after {round + 1} rounds ({string.Join("; ", check.Violations)}): nothing cleared"
                            : "AC power flow of the trades did not converge: nothing cleared");
                        return Build(list, busRow, new double[list.Count], powerCase, interval, new double[lp.Rows.Count], lineRows, capRows, volumeRow, ptdf, mwPerKWh, acNotes);
                    }
                    Tighten(check, list, busRow, q, net, baseFlow, lineScale, busCaps, ref volumeCap, mwPerKWh);
                    acNotes.Add($"round {round + 1}: {string.Join("; ", check.Violations)}");
                    continue;
                }
            }
            return Build(list, busRow, q, powerCase, interval, solution.RowDuals, lineRows, capRows, volumeRow, ptdf, mwPerKWh, acNotes);
        }
    }

    private static OptimizationProblem BuildProblem(List<Bid> bids, int[] busRow, PowerTransferDistribution ptdf, double[] baseFlow, double[] lineScale,
        Dictionary<int, (double Withdrawal, double Injection)> busCaps, double volumeCap, double mwPerKWh,
        out Dictionary<int, int> lineRows, out Dictionary<int, int> capRows, out int volumeRow)
    {
        var lp = new OptimizationProblem();
        for (var k = 0; k < bids.Count; k++)
        {
            var b = bids[k];
            lp.AddVariable(0, b.QuantityKWh, b.Side == BidSide.Sell ? b.PriceEurPerKWh : -b.PriceEurPerKWh);
        }
        var all = Enumerable.Range(0, bids.Count).ToArray();
        var sigma = bids.Select(b => b.Side == BidSide.Sell ? 1.0 : -1.0).ToArray();
        lp.AddRow(0, 0, all, sigma);
        lineRows = [];
        var net = ptdf.Network;
        for (var a = 0; a < net.ActiveBranches.Length; a++)
        {
            var branch = ptdf.Case.Branches[net.ActiveBranches[a]];
            if (branch.RateAMVA <= 0)
            {
                continue;
            }
            var coeff = new double[bids.Count];
            var any = false;
            for (var k = 0; k < bids.Count; k++)
            {
                coeff[k] = sigma[k] * mwPerKWh * ptdf.Factor(a, busRow[k]);
                any |= Math.Abs(coeff[k]) > 1e-12;
            }
            if (!any)
            {
                continue;
            }
            var f0 = baseFlow[net.ActiveBranches[a]];
            var limit = Math.Max(branch.RateAMVA, Math.Abs(f0)) * lineScale[a];
            // A tightened limit below the base flow must still admit "no trades".
            lineRows[a] = lp.AddRow(Math.Min(-limit - f0, 0), Math.Max(limit - f0, 0), all, coeff);
        }
        capRows = [];
        foreach (var (row, cap) in busCaps)
        {
            var idx = all.Where(k => busRow[k] == row).ToArray();
            capRows[row] = lp.AddRow(-cap.Withdrawal, cap.Injection, idx, idx.Select(k => sigma[k] * mwPerKWh).ToArray());
        }
        volumeRow = -1;
        if (double.IsFinite(volumeCap))
        {
            var sells = all.Where(k => sigma[k] > 0).ToArray();
            volumeRow = lp.AddRow(0, volumeCap, sells, sells.Select(_ => 1.0).ToArray());
        }
        return lp;
    }

    internal static double[] NetInjectionMW(List<Bid> bids, int[] busRow, double[] q, int busCount, double mwPerKWh)
    {
        var inj = new double[busCount];
        for (var k = 0; k < bids.Count; k++)
        {
            inj[busRow[k]] += (bids[k].Side == BidSide.Sell ? 1 : -1) * q[k] * mwPerKWh;
        }
        return inj;
    }

    private static void Tighten(MarketGridCheck.Outcome check, List<Bid> bids, int[] busRow, double[] q, DcNetwork net, double[] baseFlow, double[] lineScale,
        Dictionary<int, (double Withdrawal, double Injection)> busCaps, ref double volumeCap, double mwPerKWh)
    {
        var needVolume = false;
        foreach (var (branch, ratio) in check.OverloadedBranches)
        {
            var a = Array.IndexOf(net.ActiveBranches, branch);
            var f0 = Math.Abs(baseFlow[branch]);
            // Once the DC limit is down to the base flow, trades no longer move the line's real power: the excess is
            // reactive or voltage driven, and only less trading overall helps.
            if (a < 0 || lineScale[a] * Math.Max(net.Case.Branches[branch].RateAMVA, f0) <= f0)
            {
                needVolume = true;
                continue;
            }
            lineScale[a] *= 0.98 / ratio;
        }
        var inj = NetInjectionMW(bids, busRow, q, net.Case.Buses.Count, mwPerKWh);
        foreach (var (row, low) in check.VoltageBuses)
        {
            var cap = busCaps.TryGetValue(row, out var c) ? c : (double.PositiveInfinity, double.PositiveInfinity);
            if (low && inj[row] < -1e-9)
            {
                busCaps[row] = (Math.Min(cap.Item1, 0.5 * -inj[row]), cap.Item2);
            }
            else if (!low && inj[row] > 1e-9)
            {
                busCaps[row] = (cap.Item1, Math.Min(cap.Item2, 0.5 * inj[row]));
            }
            else
            {
                needVolume = true;
            }
        }
        if (needVolume)
        {
            var traded = bids.Select((b, k) => b.Side == BidSide.Sell ? q[k] : 0).Sum();
            volumeCap = Math.Min(volumeCap, 0.5 * traded);
        }
    }

    private static ClearingResult Build(List<Bid> bids, int[] busRow, double[] q, PowerCase pc, int interval, double[] duals,
        Dictionary<int, int> lineRows, Dictionary<int, int> capRows, int volumeRow, PowerTransferDistribution ptdf, double mwPerKWh, List<string> notes)
    {
        var net = ptdf.Network;
        var priceAt = new Dictionary<int, double>();
        foreach (var row in busRow.Distinct())
        {
            var pi = duals[0];
            foreach (var (a, r) in lineRows)
            {
                pi += duals[r] * mwPerKWh * ptdf.Factor(a, row);
            }
            if (capRows.TryGetValue(row, out var cr))
            {
                pi += duals[cr] * mwPerKWh;
            }
            priceAt[row] = pi;
        }
        var binding = new List<string>();
        foreach (var (a, r) in lineRows.OrderBy(x => x.Key))
        {
            if (Math.Abs(duals[r]) > 1e-9)
            {
                var br = pc.Branches[net.ActiveBranches[a]];
                binding.Add(string.Create(CultureInfo.InvariantCulture, $"line {br.FromBus}-{br.ToBus} (branch {net.ActiveBranches[a] + 1}, rate A {br.RateAMVA:0.###} MVA) at its limit"));
            }
        }
        foreach (var (row, r) in capRows)
        {
            if (Math.Abs(duals[r]) > 1e-9)
            {
                binding.Add(string.Create(CultureInfo.InvariantCulture, $"net trade at bus {pc.Buses[row].Number} capped to keep its voltage within limits"));
            }
        }
        if (volumeRow >= 0 && Math.Abs(duals[volumeRow]) > 1e-9)
        {
            binding.Add("total traded volume capped to keep voltages within limits");
        }
        binding.AddRange(notes);
        var fills = new List<Fill>(bids.Count);
        double cleared = 0, welfare = 0, paid = 0, received = 0;
        for (var k = 0; k < bids.Count; k++)
        {
            var b = bids[k];
            var price = priceAt[busRow[k]];
            var amount = q[k] * price;
            string reason;
            if (q[k] >= b.QuantityKWh)
            {
                reason = "";
            }
            else if (Math.Abs(price - b.PriceEurPerKWh) <= 1e-9)
            {
                reason = "marginal at its bus price, partly filled";
            }
            else if (b.Side == BidSide.Buy ? b.PriceEurPerKWh < price : b.PriceEurPerKWh > price)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"bid price worse than the price at bus {b.Bus} ({price:0.######} EUR/kWh)");
            }
            else
            {
                reason = "limited by the grid";
            }
            if (b.Side == BidSide.Buy)
            {
                cleared += q[k];
                welfare += q[k] * b.PriceEurPerKWh;
                paid += amount;
            }
            else
            {
                welfare -= q[k] * b.PriceEurPerKWh;
                received += amount;
            }
            fills.Add(new Fill(b.Id, b.Participant, b.Side, b.QuantityKWh, b.PriceEurPerKWh, q[k], price, amount, b.Bus, reason));
        }
        return new ClearingResult
        {
            Interval = interval,
            Method = "grid-aware",
            PriceEurPerKWh = duals[0],
            PriceLowEurPerKWh = priceAt.Count > 0 ? priceAt.Values.Min() : double.NaN,
            PriceHighEurPerKWh = priceAt.Count > 0 ? priceAt.Values.Max() : double.NaN,
            NodalPricesEurPerKWh = priceAt.ToDictionary(x => pc.Buses[x.Key].Number, x => x.Value),
            Fills = fills,
            Trades = PairTrades(fills),
            ClearedKWh = cleared,
            WelfareEur = welfare,
            BuyerPaymentsEur = paid,
            SellerReceiptsEur = received,
            CongestionRentEur = paid - received,
            BindingConstraints = binding,
        };
    }

    /// <summary>Pairs cleared buys and sells in merit order so each kWh has a named counterparty.</summary>
    internal static List<Trade> PairTrades(IReadOnlyList<Fill> fills)
    {
        var buys = fills.Where(f => f.Side == BidSide.Buy && f.ClearedKWh > 0).OrderByDescending(f => f.BidPriceEurPerKWh).ToList();
        var sells = fills.Where(f => f.Side == BidSide.Sell && f.ClearedKWh > 0).OrderBy(f => f.BidPriceEurPerKWh).ToList();
        var trades = new List<Trade>();
        int i = 0, j = 0;
        double rb = buys.Count > 0 ? buys[0].ClearedKWh : 0, rs = sells.Count > 0 ? sells[0].ClearedKWh : 0;
        while (i < buys.Count && j < sells.Count)
        {
            var q = Math.Min(rb, rs);
            if (q > 1e-12)
            {
                trades.Add(new Trade(buys[i].BidId, sells[j].BidId, buys[i].Participant, sells[j].Participant, q, buys[i].PriceEurPerKWh, sells[j].PriceEurPerKWh));
            }
            rb -= q;
            rs -= q;
            if (rb <= 1e-12)
            {
                i++;
                rb = i < buys.Count ? buys[i].ClearedKWh : 0;
            }
            if (rs <= 1e-12)
            {
                j++;
                rs = j < sells.Count ? sells[j].ClearedKWh : 0;
            }
        }
        return trades;
    }
}
