using System.Globalization;
using CivicGrid.Supply.Footprints;

namespace CivicGrid.Supply.Pact;

/// <summary>
/// The filter criteria of PACT v3 Action ListFootprints (and of a RequestCreatedEvent): product, company and
/// classification URNs, geographies, validity dates and status. Lists match when any value matches; all text
/// matches are case-insensitive, as the specification demands.
/// </summary>
public sealed record FootprintFilter
{
    public IReadOnlyList<string> ProductIds { get; init; } = [];

    public IReadOnlyList<string> CompanyIds { get; init; } = [];

    /// <summary>Region or subregion names, ISO 3166-1 country codes or ISO 3166-2 subdivision codes.</summary>
    public IReadOnlyList<string> Geographies { get; init; } = [];

    public IReadOnlyList<string> Classifications { get; init; } = [];

    /// <summary>Valid on this instant: validityPeriodStart ≤ validOn ≤ validityPeriodEnd.</summary>
    public DateTimeOffset? ValidOn { get; init; }

    /// <summary>validityPeriodStart &gt; validAfter.</summary>
    public DateTimeOffset? ValidAfter { get; init; }

    /// <summary>validityPeriodEnd &lt; validBefore.</summary>
    public DateTimeOffset? ValidBefore { get; init; }

    /// <summary>"Active" or "Deprecated"; null for both.</summary>
    public string? Status { get; init; }

    /// <summary>The query parameter names this filter understands (others starting with <c>x-</c> are extensions and ignored).</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = ["productId", "companyId", "geography", "classification", "validOn", "validAfter", "validBefore", "status"];

    public bool IsEmpty => ProductIds.Count == 0 && CompanyIds.Count == 0 && Geographies.Count == 0 && Classifications.Count == 0 &&
        ValidOn is null && ValidAfter is null && ValidBefore is null && Status is null;

    /// <summary>
    /// Reads the criteria from query parameters (repeated parameters give lists). Returns null and a reason when a
    /// value is malformed (a date that is not RFC 3339, an unknown status, an empty id).
    /// </summary>
    public static FootprintFilter? Parse(Func<string, IReadOnlyList<string>> values, out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        error = null;
        var filter = new FootprintFilter
        {
            ProductIds = values("productId"),
            CompanyIds = values("companyId"),
            Geographies = values("geography"),
            Classifications = values("classification"),
        };
        foreach (var (name, list) in new[] { ("productId", filter.ProductIds), ("companyId", filter.CompanyIds), ("geography", filter.Geographies), ("classification", filter.Classifications) })
        {
            if (list.Any(string.IsNullOrWhiteSpace))
            {
                error = $"Query parameter '{name}' must not be empty.";
                return null;
            }
        }
        DateTimeOffset? Date(string name, ref string? problem)
        {
            var list = values(name);
            if (list.Count == 0)
            {
                return null;
            }
            if (list.Count > 1 || !DateTimeOffset.TryParse(list[0], CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) || !list[0].Contains('T', StringComparison.OrdinalIgnoreCase))
            {
                problem ??= $"Query parameter '{name}' must be one RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z.";
                return null;
            }
            return value;
        }
        filter = filter with { ValidOn = Date("validOn", ref error), ValidAfter = Date("validAfter", ref error), ValidBefore = Date("validBefore", ref error) };
        if (error is not null)
        {
            return null;
        }
        var status = values("status");
        if (status.Count > 1 || (status.Count == 1 && !status[0].Equals("Active", StringComparison.OrdinalIgnoreCase) && !status[0].Equals("Deprecated", StringComparison.OrdinalIgnoreCase)))
        {
            error = "Query parameter 'status' must be Active or Deprecated.";
            return null;
        }
        return filter with { Status = status.Count == 1 ? status[0] : null };
    }

    /// <summary>The criteria as query parameters (name, value) in a stable order, for building request and pagination links.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToQuery()
    {
        foreach (var id in ProductIds)
        {
            yield return new("productId", id);
        }
        foreach (var id in CompanyIds)
        {
            yield return new("companyId", id);
        }
        foreach (var g in Geographies)
        {
            yield return new("geography", g);
        }
        foreach (var c in Classifications)
        {
            yield return new("classification", c);
        }
        if (ValidOn is { } on)
        {
            yield return new("validOn", on.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        if (ValidAfter is { } after)
        {
            yield return new("validAfter", after.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        if (ValidBefore is { } before)
        {
            yield return new("validBefore", before.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        if (Status is { } status)
        {
            yield return new("status", status);
        }
    }

    /// <summary>True when the footprint meets every criterion given.</summary>
    public bool Matches(ProductFootprint footprint)
    {
        ArgumentNullException.ThrowIfNull(footprint);
        static bool Any(IReadOnlyList<string> wanted, IEnumerable<string?> present) =>
            wanted.Count == 0 || present.Any(p => p is not null && wanted.Any(w => w.Equals(p, StringComparison.OrdinalIgnoreCase)));
        var validStart = footprint.EffectiveValidityStart();
        var validEnd = footprint.EffectiveValidityEnd();
        return Any(ProductIds, footprint.ProductIds)
            && Any(CompanyIds, footprint.CompanyIds)
            && Any(Classifications, footprint.ProductClassifications ?? [])
            && Any(Geographies, [footprint.Pcf.GeographyCountry])
            && (ValidOn is not { } on || (validStart <= on && on <= validEnd))
            && (ValidAfter is not { } after || validStart > after)
            && (ValidBefore is not { } before || validEnd < before)
            && (Status is null || Status.Equals(footprint.Status, StringComparison.OrdinalIgnoreCase));
    }
}
