using CivicGrid.Supply.Provenance;

namespace CivicGrid.Supply.Analysis;

/// <summary>Settings of the selective-withholding test.</summary>
/// <param name="PeriodLength">Length of one period (deliveries are summed per period).</param>
/// <param name="RecentPeriods">How many of the latest periods are tested against the earlier ones.</param>
/// <param name="MaximumRatio">Flag when a customer receives less than this fraction of what its baseline share predicts.</param>
/// <param name="MinimumZScore">…and the drop is at least this many standard errors below the baseline share (a negative z of this size).</param>
/// <param name="OutputStableFraction">The supplier's own output counts as stable when the recent average is at least this fraction of the baseline average.</param>
/// <param name="MinimumExpectedKilograms">Ignore customers whose expected recent deliveries are below this mass.</param>
public sealed record WithholdingOptions(
    TimeSpan PeriodLength,
    int RecentPeriods = 3,
    double MaximumRatio = 0.5,
    double MinimumZScore = 3.0,
    double OutputStableFraction = 0.8,
    double MinimumExpectedKilograms = 1.0)
{
    /// <summary>Thirty-day periods, the last three tested.</summary>
    public static WithholdingOptions Monthly { get; } = new(TimeSpan.FromDays(30));
}

/// <summary>Whom a suspected withholding hits: one customer or a whole region.</summary>
public enum WithholdingScope
{
    Customer,
    Region,
}

/// <summary>
/// Evidence that a supplier delivered much less than usual to one customer or region while its total output held up.
/// </summary>
public sealed record WithholdingAlert(
    string SupplierId,
    string Material,
    WithholdingScope Scope,
    string Target,
    double BaselineShare,
    double RecentShare,
    double ExpectedKilograms,
    double DeliveredKilograms,
    double ZScore,
    double SupplierBaselineKilogramsPerPeriod,
    double SupplierRecentKilogramsPerPeriod,
    string Explanation);

/// <summary>
/// Detects selective withholding: a supplier whose deliveries to particular customers or regions fall while its
/// total output does not. Each supplier's deliveries are split into periods; the latest <c>RecentPeriods</c> are
/// compared with the earlier ones. A target is flagged when its share of the supplier's output falls far below its
/// baseline share — both in ratio and in standard errors of the share's period-to-period variation.
/// </summary>
public static class WithholdingDetector
{
    public static IReadOnlyList<WithholdingAlert> Detect(IEnumerable<Delivery> deliveries, DateTimeOffset start, DateTimeOffset end, WithholdingOptions options)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        ArgumentNullException.ThrowIfNull(options);
        var periodCount = (int)Math.Ceiling((end - start) / options.PeriodLength);
        if (periodCount <= options.RecentPeriods + 1)
        {
            throw new ArgumentException($"Need more than {options.RecentPeriods + 1} periods between start and end to form a baseline; got {periodCount}.", nameof(end));
        }
        var baselinePeriods = periodCount - options.RecentPeriods;
        var alerts = new List<WithholdingAlert>();
        var inWindow = deliveries.Where(d => d.Time >= start && d.Time < end).ToList();
        foreach (var group in inWindow.GroupBy(d => (d.SupplierId, d.Material)).OrderBy(g => g.Key.SupplierId, StringComparer.Ordinal).ThenBy(g => g.Key.Material, StringComparer.Ordinal))
        {
            var totals = new double[periodCount];
            foreach (var d in group)
            {
                totals[Period(d.Time)] += d.MassKilograms;
            }
            var baselineAverage = totals.Take(baselinePeriods).Average();
            var recentAverage = totals.Skip(baselinePeriods).Average();
            if (baselineAverage <= 0 || recentAverage < options.OutputStableFraction * baselineAverage)
            {
                // The supplier's output fell overall: a shortage, not selective withholding.
                continue;
            }
            Test(WithholdingScope.Customer, d => d.CustomerId);
            Test(WithholdingScope.Region, d => d.CustomerRegion);

            void Test(WithholdingScope scope, Func<Delivery, string> key)
            {
                var targets = group.GroupBy(key, StringComparer.Ordinal);
                if (scope == WithholdingScope.Region && targets.Count() < 2)
                {
                    return;
                }
                foreach (var target in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    var amounts = new double[periodCount];
                    foreach (var d in target)
                    {
                        amounts[Period(d.Time)] += d.MassKilograms;
                    }
                    var baseMass = amounts.Take(baselinePeriods).Sum();
                    var baseTotal = totals.Take(baselinePeriods).Sum();
                    var share = baseMass / baseTotal;
                    var recentMass = amounts.Skip(baselinePeriods).Sum();
                    var recentTotal = totals.Skip(baselinePeriods).Sum();
                    var expected = share * recentTotal;
                    if (expected < options.MinimumExpectedKilograms)
                    {
                        continue;
                    }
                    var recentShare = recentMass / recentTotal;
                    // Period-to-period spread of the share in the baseline gives the noise to beat.
                    var shares = Enumerable.Range(0, baselinePeriods).Where(p => totals[p] > 0).Select(p => amounts[p] / totals[p]).ToList();
                    var sd = shares.Count > 1 ? Math.Sqrt(shares.Sum(s => (s - share) * (s - share)) / (shares.Count - 1)) : share;
                    var standardError = Math.Max(sd / Math.Sqrt(options.RecentPeriods), 0.01 * share);
                    var z = (recentShare - share) / standardError;
                    if (recentMass < options.MaximumRatio * expected && z <= -options.MinimumZScore)
                    {
                        alerts.Add(new WithholdingAlert(group.Key.SupplierId, group.Key.Material, scope, target.Key, share, recentShare, expected, recentMass, z,
                            baselineAverage, recentAverage,
                            $"'{group.Key.SupplierId}' delivered {recentMass:0} kg of {group.Key.Material} to {scope.ToString().ToLowerInvariant()} '{target.Key}' in the last {options.RecentPeriods} periods, " +
                            $"{recentMass / expected:P0} of the {expected:0} kg its baseline share of {share:P1} predicts, while the supplier's output ran at {recentAverage / baselineAverage:P0} of its baseline (z = {z:0.0})."));
                    }
                }
            }
        }
        return alerts;

        int Period(DateTimeOffset t) => Math.Min(periodCount - 1, (int)((t - start) / options.PeriodLength));
    }
}
