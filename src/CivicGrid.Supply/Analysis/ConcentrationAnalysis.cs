using CivicGrid.Supply.Provenance;

namespace CivicGrid.Supply.Analysis;

/// <summary>How concentrated a market is, in the bands competition authorities use for the HHI (0–10,000 scale).</summary>
public enum ConcentrationLevel
{
    /// <summary>HHI below 1,500.</summary>
    Unconcentrated,

    /// <summary>HHI from 1,500 to 2,500.</summary>
    ModeratelyConcentrated,

    /// <summary>HHI above 2,500.</summary>
    HighlyConcentrated,
}

/// <summary>A supplier's or country's share of the supply of one material.</summary>
public sealed record SupplyShare(string Key, double MassKilograms, double Share);

/// <summary>Concentration of one material's supply, by supplier and by country of origin.</summary>
public sealed record MaterialConcentration(
    string Material,
    double TotalMassKilograms,
    double SupplierHhi,
    double CountryHhi,
    ConcentrationLevel SupplierLevel,
    ConcentrationLevel CountryLevel,
    IReadOnlyList<SupplyShare> Suppliers,
    IReadOnlyList<SupplyShare> Countries,
    IReadOnlyList<string> Advice);

/// <summary>Herfindahl–Hirschman concentration of material supply, and advice on diversification.</summary>
public static class ConcentrationAnalysis
{
    /// <summary>HHI on the 0–10,000 scale: the sum of squared percentage shares.</summary>
    public static double HerfindahlHirschmanIndex(IEnumerable<double> quantities)
    {
        ArgumentNullException.ThrowIfNull(quantities);
        var list = quantities.ToList();
        var total = list.Sum();
        if (total <= 0)
        {
            return 0;
        }
        return list.Sum(q => Math.Pow(100.0 * q / total, 2));
    }

    /// <summary>The band of an HHI value.</summary>
    public static ConcentrationLevel Classify(double hhi) => hhi switch
    {
        < 1500 => ConcentrationLevel.Unconcentrated,
        <= 2500 => ConcentrationLevel.ModeratelyConcentrated,
        _ => ConcentrationLevel.HighlyConcentrated,
    };

    /// <summary>
    /// Concentration of deliveries per material: by supplier (who delivered) and by country of primary origin
    /// (the delivered lots' origin shares, mass-weighted). Optionally only deliveries in [from, to).
    /// </summary>
    public static IReadOnlyList<MaterialConcentration> Analyse(ProvenanceRegistry registry, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var deliveries = registry.Deliveries.Where(d => (from is null || d.Time >= from) && (to is null || d.Time < to));
        var result = new List<MaterialConcentration>();
        foreach (var group in deliveries.GroupBy(d => d.Material, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var total = group.Sum(d => d.MassKilograms);
            var suppliers = group.GroupBy(d => d.SupplierId, StringComparer.Ordinal)
                .Select(g => new SupplyShare(g.Key, g.Sum(d => d.MassKilograms), g.Sum(d => d.MassKilograms) / total))
                .OrderByDescending(s => s.MassKilograms).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
            var byCountry = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var d in group)
            {
                foreach (var (country, share) in registry.Lots[d.LotId].Lot.OriginShares)
                {
                    byCountry[country] = byCountry.GetValueOrDefault(country) + share * d.MassKilograms;
                }
            }
            var countries = byCountry.Select(kv => new SupplyShare(kv.Key, kv.Value, kv.Value / total))
                .OrderByDescending(s => s.MassKilograms).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
            var supplierHhi = HerfindahlHirschmanIndex(suppliers.Select(s => s.MassKilograms));
            var countryHhi = HerfindahlHirschmanIndex(countries.Select(s => s.MassKilograms));
            result.Add(new MaterialConcentration(group.Key, total, supplierHhi, countryHhi, Classify(supplierHhi), Classify(countryHhi),
                suppliers, countries, Advise(group.Key, supplierHhi, countryHhi, suppliers, countries)));
        }
        return result;
    }

    private static List<string> Advise(string material, double supplierHhi, double countryHhi, List<SupplyShare> suppliers, List<SupplyShare> countries)
    {
        var advice = new List<string>();
        // 10,000 / HHI is the "equivalent number" of equal-sized suppliers.
        if (Classify(supplierHhi) != ConcentrationLevel.Unconcentrated)
        {
            var equivalent = 10000.0 / supplierHhi;
            advice.Add($"{material}: supply behaves like {equivalent:0.0} equal suppliers (HHI {supplierHhi:0}); qualify at least {Math.Max(1, (int)Math.Ceiling(10000.0 / 1500 - equivalent))} more supplier(s) of similar size to fall below HHI 1,500.");
        }
        if (suppliers.Count > 0 && suppliers[0].Share > 0.5)
        {
            advice.Add($"{material}: '{suppliers[0].Key}' delivers {suppliers[0].Share:P0}; a single supplier above half of supply can restrict it alone.");
        }
        if (Classify(countryHhi) == ConcentrationLevel.HighlyConcentrated && countries.Count > 0)
        {
            advice.Add($"{material}: {countries[0].Share:P0} originates in {countries[0].Key} (country HHI {countryHhi:0}); raise recycled or other-origin supply.");
        }
        return advice;
    }
}
