using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CivicGrid.Energy.Market;

/// <summary>What one participant bought, sold, paid and received in a clearing.</summary>
public sealed record ParticipantStatement(string Participant, double BoughtKWh, double SoldKWh, double PaidEur, double ReceivedEur)
{
    /// <summary>Received minus paid, EUR.</summary>
    public double NetEur => ReceivedEur - PaidEur;
}

/// <summary>A receipt for one cleared bid: canonical text (one <c>key: value</c> per line) and its SHA-256.</summary>
public sealed record MarketReceipt(string BidId, string Participant, string Text, string Sha256Hex);

/// <summary>Settlement of a clearing: per-participant statements, receipts per cleared bid, and the input digest.</summary>
public static class MarketSettlement
{
    public static IReadOnlyList<ParticipantStatement> Statements(ClearingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Fills.GroupBy(f => f.Participant, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ParticipantStatement(
            g.Key,
            g.Where(f => f.Side == BidSide.Buy).Sum(f => f.ClearedKWh),
            g.Where(f => f.Side == BidSide.Sell).Sum(f => f.ClearedKWh),
            g.Where(f => f.Side == BidSide.Buy).Sum(f => f.AmountEur),
            g.Where(f => f.Side == BidSide.Sell).Sum(f => f.AmountEur))).ToList();
    }

    /// <summary>SHA-256 (hex) of the bids in a canonical line form, independent of file layout and row order.</summary>
    public static string InputDigest(IEnumerable<Bid> bids)
    {
        ArgumentNullException.ThrowIfNull(bids);
        var sb = new StringBuilder();
        foreach (var b in bids.OrderBy(b => b.Interval).ThenBy(b => b.Id, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{b.Interval}|{b.Id}|{b.Participant}|{b.Side}|{b.QuantityKWh:R}|{b.PriceEurPerKWh:R}|{b.Bus}|{b.Sequence}\n");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>Receipts for every bid that traded.</summary>
    public static IReadOnlyList<MarketReceipt> Receipts(ClearingResult result, string inputDigest)
    {
        ArgumentNullException.ThrowIfNull(result);
        var list = new List<MarketReceipt>();
        foreach (var f in result.Fills.Where(f => f.ClearedKWh > 0))
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"civicgrid market receipt v1\ninterval: {result.Interval}\nmethod: {result.Method}\nbid: {f.BidId}\nparticipant: {f.Participant}\nside: {f.Side.ToString().ToLowerInvariant()}\ncleared_kwh: {f.ClearedKWh:R}\nprice_eur_per_kwh: {f.PriceEurPerKWh:R}\namount_eur: {f.AmountEur:R}\ninputs_sha256: {inputDigest}\n");
            list.Add(new MarketReceipt(f.BidId, f.Participant, text, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))));
        }
        return list;
    }
}
