namespace CivicGrid.Water.Operations;

public enum ShortageSharing
{
    /// <summary>Every district loses the same fraction of its demand.</summary>
    Proportional,
    /// <summary>Max-min fair (water-filling): the available volume is shared equally, no district getting more than it asks.</summary>
    MaxMinFair,
}

public enum RestrictionMeasure
{
    /// <summary>Lower the district's PRV outlet pressure; demand and leakage follow pressure.</summary>
    PressureManagement,
    /// <summary>Supply interrupted for a block of hours, districts taking turns.</summary>
    Rotation,
}

/// <summary>A district under restriction: demand and service pressure.</summary>
public sealed record RestrictionDistrict(string Id, double DemandCubicMetersPerDay, double ServicePressureMeters, int Households)
{
    /// <summary>Optional PRV feeding the district (its setting is what pressure management lowers).</summary>
    public string? PrvId { get; init; }
}

/// <summary>Parameters of a restriction plan.</summary>
public sealed record RestrictionOptions
{
    public ShortageSharing Sharing { get; init; } = ShortageSharing.MaxMinFair;

    /// <summary>Pressure first while it can deliver the reduction; rotation for what remains.</summary>
    public bool PreferPressureManagement { get; init; } = true;

    /// <summary>Exponent of consumption + leakage on pressure (Q ∝ P^n); 0.5 is the orifice law.</summary>
    public double PressureExponent { get; init; } = 0.5;

    /// <summary>Pressure below which pressure management may not go (m).</summary>
    public double MinimumServicePressureMeters { get; init; } = 15;
}

/// <summary>A block of hours [Start, End) of the day in which a district is not supplied (End may wrap past 24).</summary>
public sealed record RotationWindow(int StartHour, int Hours)
{
    public bool Covers(int hour) => ((hour - StartHour) % 24 + 24) % 24 < Hours;
}

/// <summary>One district's share of the shortage and how it is achieved.</summary>
public sealed record DistrictRestriction(
    string DistrictId,
    double DemandCubicMeters,
    double AllocatedCubicMeters,
    double ShortageCubicMeters,
    double PressureReductionCubicMeters,
    double ServicePressureMeters,
    double RestrictedPressureMeters,
    RotationWindow? Rotation,
    int Households)
{
    public double ShortageFraction => DemandCubicMeters > 0 ? ShortageCubicMeters / DemandCubicMeters : 0;

    public int SupplyHours => 24 - (Rotation?.Hours ?? 0);

    public IReadOnlyList<RestrictionMeasure> Measures =>
        [.. new[] { PressureReductionCubicMeters > 0 ? RestrictionMeasure.PressureManagement : (RestrictionMeasure?)null, Rotation is not null ? RestrictionMeasure.Rotation : null }.OfType<RestrictionMeasure>()];
}

/// <summary>A day's restriction plan.</summary>
public sealed record RestrictionPlan(ShortageSharing Sharing, double AvailableCubicMeters, double DemandCubicMeters, IReadOnlyList<DistrictRestriction> Districts)
{
    public double ShortageCubicMeters => Districts.Sum(d => d.ShortageCubicMeters);
}

/// <summary>
/// Spreads a supply shortage over districts fairly and turns each district's share into measures: first lower
/// service pressure (volume ∝ Pⁿ, never below the minimum service pressure), then a rotation window of hours without
/// supply for what pressure cannot save. Windows are staggered around the clock so districts take turns and the
/// number of districts off at any hour stays as even as possible.
/// </summary>
public static class RestrictionPlanner
{
    public static RestrictionPlan Plan(IReadOnlyList<RestrictionDistrict> districts, double availableCubicMeters, RestrictionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(districts);
        options ??= new RestrictionOptions();
        if (availableCubicMeters < 0 || !double.IsFinite(availableCubicMeters))
        {
            throw new ArgumentOutOfRangeException(nameof(availableCubicMeters), "available volume must be a non-negative number");
        }
        var demand = districts.Select(d => d.DemandCubicMetersPerDay).ToArray();
        var allocated = options.Sharing == ShortageSharing.Proportional ? Proportional(demand, availableCubicMeters) : MaxMinFair(demand, availableCubicMeters);
        var result = new List<DistrictRestriction>();
        var nextStart = 0;
        for (var i = 0; i < districts.Count; i++)
        {
            var d = districts[i];
            var shortage = Math.Max(0, demand[i] - allocated[i]);
            var pressureSaving = 0.0;
            var restrictedPressure = d.ServicePressureMeters;
            if (shortage > 1e-9 && options.PreferPressureManagement && d.ServicePressureMeters > options.MinimumServicePressureMeters)
            {
                var maxFraction = 1 - Math.Pow(options.MinimumServicePressureMeters / d.ServicePressureMeters, options.PressureExponent);
                var fraction = Math.Min(maxFraction, shortage / demand[i]);
                pressureSaving = fraction * demand[i];
                restrictedPressure = d.ServicePressureMeters * Math.Pow(1 - fraction, 1 / options.PressureExponent);
            }
            RotationWindow? window = null;
            var remaining = shortage - pressureSaving;
            if (remaining > 1e-9)
            {
                // Hours off so that the (pressure-reduced) hourly demand lost covers the rest, rounded up.
                var hourly = (demand[i] - pressureSaving) / 24;
                var hours = (int)Math.Min(24, Math.Ceiling(remaining / hourly - 1e-9));
                window = new RotationWindow(nextStart, hours);
                nextStart = (nextStart + hours) % 24;
                remaining = 0;
                shortage = pressureSaving + hours * hourly;
            }
            result.Add(new DistrictRestriction(d.Id, demand[i], demand[i] - shortage, shortage, pressureSaving, d.ServicePressureMeters, restrictedPressure, window, d.Households));
        }
        return new RestrictionPlan(options.Sharing, availableCubicMeters, demand.Sum(), result);
    }

    /// <summary>Each district gets the same fraction of its demand.</summary>
    public static double[] Proportional(IReadOnlyList<double> demand, double available)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var total = demand.Sum();
        var f = total > 0 ? Math.Min(1, available / total) : 0;
        return [.. demand.Select(d => d * f)];
    }

    /// <summary>Water-filling: the smallest demands are met in full, the rest share what remains equally.</summary>
    public static double[] MaxMinFair(IReadOnlyList<double> demand, double available)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var alloc = new double[demand.Count];
        var order = Enumerable.Range(0, demand.Count).OrderBy(i => demand[i]).ToArray();
        var left = available;
        for (var k = 0; k < order.Length; k++)
        {
            var share = left / (order.Length - k);
            var i = order[k];
            alloc[i] = Math.Min(demand[i], share);
            left -= alloc[i];
        }
        return alloc;
    }
}
