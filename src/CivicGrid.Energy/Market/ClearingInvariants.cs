using System.Globalization;

namespace CivicGrid.Energy.Market;

/// <summary>
/// The properties every clearing must have: no one trades at a worse price than bid (individual rationality), no
/// fill beyond a bid's quantity, energy balance (kWh bought = kWh sold, per bid and in the trades) and budget
/// balance (buyers' payments = sellers' receipts + congestion rent, and the rent is never negative).
/// </summary>
public static class ClearingInvariants
{
    /// <summary>Every violated property, described; empty when the clearing is sound.</summary>
    public static IReadOnlyList<string> Violations(ClearingResult result, double toleranceEur = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(result);
        var v = new List<string>();
        double bought = 0, sold = 0, paid = 0, received = 0;
        foreach (var f in result.Fills)
        {
            var tol = toleranceEur * Math.Max(1, Math.Abs(f.BidPriceEurPerKWh));
            if (f.ClearedKWh < 0 || f.ClearedKWh > f.BidQuantityKWh * (1 + 1e-12))
            {
                v.Add(Invariant($"bid {f.BidId}: cleared {f.ClearedKWh} outside [0, {f.BidQuantityKWh}]"));
            }
            if (f.ClearedKWh > 1e-9)
            {
                var worse = f.Side == BidSide.Buy ? f.PriceEurPerKWh > f.BidPriceEurPerKWh + tol : f.PriceEurPerKWh < f.BidPriceEurPerKWh - tol;
                if (worse || !double.IsFinite(f.PriceEurPerKWh))
                {
                    v.Add(Invariant($"bid {f.BidId} ({f.Side}) trades at {f.PriceEurPerKWh}, worse than its price {f.BidPriceEurPerKWh}"));
                }
            }
            if (f.Side == BidSide.Buy)
            {
                bought += f.ClearedKWh;
                paid += f.AmountEur;
            }
            else
            {
                sold += f.ClearedKWh;
                received += f.AmountEur;
            }
        }
        var scale = Math.Max(1, Math.Max(bought, sold));
        if (Math.Abs(bought - sold) > 1e-9 * scale)
        {
            v.Add(Invariant($"energy balance: bought {bought} kWh, sold {sold} kWh"));
        }
        var traded = result.Trades.Sum(t => t.QuantityKWh);
        if (Math.Abs(traded - bought) > 1e-9 * scale)
        {
            v.Add(Invariant($"trades carry {traded} kWh but fills {bought} kWh"));
        }
        var moneyScale = Math.Max(1, Math.Max(paid, received));
        if (Math.Abs(paid - result.BuyerPaymentsEur) > 1e-9 * moneyScale || Math.Abs(received - result.SellerReceiptsEur) > 1e-9 * moneyScale)
        {
            v.Add("payment totals do not add up to the fills");
        }
        if (Math.Abs(paid - received - result.CongestionRentEur) > 1e-9 * moneyScale)
        {
            v.Add(Invariant($"budget balance: paid {paid} ≠ received {received} + rent {result.CongestionRentEur}"));
        }
        if (result.CongestionRentEur < -toleranceEur * moneyScale)
        {
            v.Add(Invariant($"budget deficit: congestion rent {result.CongestionRentEur} EUR is negative"));
        }
        return v;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
