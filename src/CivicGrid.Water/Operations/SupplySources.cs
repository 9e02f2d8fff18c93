using System.Globalization;
using Google.OrTools.LinearSolver;

namespace CivicGrid.Water.Operations;

public enum SupplySourceKind
{
    Desalination,
    Rainwater,
    Groundwater,
    SurfaceWater,
    Import,
}

/// <summary>A supply node: capacity per hour and per day (m³), cost (€/m³) and energy use (kWh/m³); <see cref="Districts"/> null = serves every district.</summary>
public sealed record SupplySource(string Id, SupplySourceKind Kind, double MaxCubicMetersPerHour, double MaxCubicMetersPerDay, double CostEurPerCubicMeter, double EnergyKwhPerCubicMeter)
{
    public IReadOnlyList<string>? Districts { get; init; }
}

/// <summary>A demand district with its demand per hour of the day (m³/h, 24 values).</summary>
public sealed record SupplyDistrict(string Id, IReadOnlyList<double> DemandCubicMetersPerHour)
{
    public double DailyDemandCubicMeters => DemandCubicMetersPerHour.Sum();
}

/// <summary>A day's sources and districts.</summary>
public sealed record SupplyCase(IReadOnlyList<SupplySource> Sources, IReadOnlyList<SupplyDistrict> Districts);

public enum AllocationObjective
{
    /// <summary>Least cost (€); energy is the tie-breaker.</summary>
    Cost,
    /// <summary>Least energy (kWh); cost is the tie-breaker.</summary>
    Energy,
}

/// <summary>Volume delivered by a source to a district in each hour.</summary>
public sealed record SourceFlow(string SourceId, string DistrictId, IReadOnlyList<double> CubicMetersPerHour)
{
    public double DailyCubicMeters => CubicMetersPerHour.Sum();
}

/// <summary>A source's day: volume, cost, energy and utilisation of its daily capacity.</summary>
public sealed record SourceUse(string SourceId, SupplySourceKind Kind, double CubicMeters, double CostEur, double EnergyKwh, double DailyUtilisation);

/// <summary>A district's day: demand, delivered volume and shortfall per hour.</summary>
public sealed record DistrictSupply(string DistrictId, double DemandCubicMeters, double DeliveredCubicMeters, IReadOnlyList<double> ShortfallCubicMetersPerHour)
{
    public double ShortfallCubicMeters => ShortfallCubicMetersPerHour.Sum();
}

/// <summary>The day's allocation: flows, per-source and per-district totals; <see cref="ShortfallCubicMeters"/> &gt; 0 means restrictions are needed.</summary>
public sealed record SourceAllocation(
    AllocationObjective Objective,
    string Status,
    IReadOnlyList<SourceFlow> Flows,
    IReadOnlyList<SourceUse> Sources,
    IReadOnlyList<DistrictSupply> Districts,
    double CostEur,
    double EnergyKwh)
{
    public double ShortfallCubicMeters => Districts.Sum(d => d.ShortfallCubicMeters);
}

/// <summary>
/// Allocates sources to districts over a day as a linear program (OR-Tools, CLP): x[s,d,h] ≥ 0 with hourly and daily
/// source capacities, demand balance per district and hour with a shortfall variable priced far above any source,
/// and the objective cost or energy (the other a small tie-breaker). Shortfall appears only when demand exceeds
/// what the sources can deliver.
/// </summary>
public static class SourceAllocator
{
    private const double ShortfallPenalty = 1e6;

    public static SourceAllocation Allocate(SupplyCase supply, AllocationObjective objective = AllocationObjective.Cost)
    {
        ArgumentNullException.ThrowIfNull(supply);
        var hours = 24;
        var sources = supply.Sources;
        var districts = supply.Districts;
        using var solver = Solver.CreateSolver("CLP") ?? throw new InvalidOperationException("OR-Tools CLP is not available.");
        var obj = solver.Objective();
        obj.SetMinimization();
        var x = new Variable?[sources.Count, districts.Count, hours];
        var shortfall = new Variable[districts.Count, hours];
        for (var d = 0; d < districts.Count; d++)
        {
            for (var h = 0; h < hours; h++)
            {
                var demand = districts[d].DemandCubicMetersPerHour[h];
                var balance = solver.MakeConstraint(demand, demand, "");
                shortfall[d, h] = solver.MakeNumVar(0, double.PositiveInfinity, "");
                balance.SetCoefficient(shortfall[d, h], 1);
                obj.SetCoefficient(shortfall[d, h], ShortfallPenalty);
                for (var s = 0; s < sources.Count; s++)
                {
                    if (sources[s].Districts is { } served && !served.Contains(districts[d].Id, StringComparer.OrdinalIgnoreCase))
                    {
                        continue;
                    }
                    var v = solver.MakeNumVar(0, double.PositiveInfinity, "");
                    x[s, d, h] = v;
                    balance.SetCoefficient(v, 1);
                    var (main, tie) = objective == AllocationObjective.Cost
                        ? (sources[s].CostEurPerCubicMeter, sources[s].EnergyKwhPerCubicMeter)
                        : (sources[s].EnergyKwhPerCubicMeter, sources[s].CostEurPerCubicMeter);
                    obj.SetCoefficient(v, main + 1e-4 * tie);
                }
            }
        }
        for (var s = 0; s < sources.Count; s++)
        {
            var day = solver.MakeConstraint(0, sources[s].MaxCubicMetersPerDay, "");
            for (var h = 0; h < hours; h++)
            {
                var hour = solver.MakeConstraint(0, sources[s].MaxCubicMetersPerHour, "");
                for (var d = 0; d < districts.Count; d++)
                {
                    if (x[s, d, h] is { } v)
                    {
                        hour.SetCoefficient(v, 1);
                        day.SetCoefficient(v, 1);
                    }
                }
            }
        }
        var status = solver.Solve();
        var solved = status is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;
        var flows = new List<SourceFlow>();
        var uses = new List<SourceUse>();
        for (var s = 0; s < sources.Count; s++)
        {
            var total = 0.0;
            for (var d = 0; d < districts.Count; d++)
            {
                if (x[s, d, 0] is null)
                {
                    continue;
                }
                var series = new double[hours];
                for (var h = 0; h < hours; h++)
                {
                    series[h] = solved ? Clean(x[s, d, h]!.SolutionValue()) : 0;
                }
                if (series.Sum() > 0)
                {
                    flows.Add(new SourceFlow(sources[s].Id, districts[d].Id, series));
                    total += series.Sum();
                }
            }
            var src = sources[s];
            uses.Add(new SourceUse(src.Id, src.Kind, total, total * src.CostEurPerCubicMeter, total * src.EnergyKwhPerCubicMeter, src.MaxCubicMetersPerDay > 0 ? total / src.MaxCubicMetersPerDay : 0));
        }
        var districtSupply = new List<DistrictSupply>();
        for (var d = 0; d < districts.Count; d++)
        {
            var shortSeries = new double[hours];
            for (var h = 0; h < hours; h++)
            {
                shortSeries[h] = solved ? Clean(shortfall[d, h].SolutionValue()) : districts[d].DemandCubicMetersPerHour[h];
            }
            var demand = districts[d].DailyDemandCubicMeters;
            districtSupply.Add(new DistrictSupply(districts[d].Id, demand, demand - shortSeries.Sum(), shortSeries));
        }
        return new SourceAllocation(objective, status.ToString(), flows, uses, districtSupply, uses.Sum(u => u.CostEur), uses.Sum(u => u.EnergyKwh));
    }

    private static double Clean(double v) => Math.Abs(v) < 1e-7 ? 0 : v;
}

/// <summary>
/// Reads the supply CSV: one record per line, <c>#</c> comments.
/// <code>
/// source,ID,KIND,MAX_M3_PER_HOUR,MAX_M3_PER_DAY,COST_EUR_PER_M3,ENERGY_KWH_PER_M3[,DISTRICT;DISTRICT…|*]
/// district,ID,D0,D1,…,D23        (demand m³/h for each hour of the day)
/// district,ID,DAILY_M3           (spread evenly over the day)
/// </code>
/// KIND is desalination, rainwater, groundwater, surfacewater or import.
/// </summary>
public static class SupplyCaseReader
{
    public static SupplyCase ReadFile(string path) => Read(File.ReadAllText(path), Path.GetFileName(path));

    public static SupplyCase Read(string text, string fileName = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var sources = new List<SupplySource>();
        var districts = new List<SupplyDistrict>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sourceLines = new List<(SupplySource Source, int Line)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            var lineNo = i + 1;
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var content = hash >= 0 ? raw[..hash] : raw;
            if (content.Trim().Length == 0)
            {
                continue;
            }
            var cells = content.Split(',');
            var columns = new int[cells.Length];
            for (int c = 1, col = 1; c < cells.Length; c++)
            {
                col += cells[c - 1].Length + 1;
                columns[c] = col;
            }
            columns[0] = 1;
            var kind = cells[0].Trim().ToLowerInvariant();
            double Number(int c, string what, bool positive = false)
            {
                if (c >= cells.Length)
                {
                    throw new OperationsFormatException(fileName, lineNo, content.Length + 1, $"missing {what}");
                }
                if (!double.TryParse(cells[c].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new OperationsFormatException(fileName, lineNo, columns[c], $"{what} '{cells[c].Trim()}' is not a number");
                }
                if (v < 0 || (positive && v == 0))
                {
                    throw new OperationsFormatException(fileName, lineNo, columns[c], $"{what} must be {(positive ? "positive" : "non-negative")}");
                }
                return v;
            }
            string Id(int c)
            {
                var id = c < cells.Length ? cells[c].Trim() : "";
                if (id.Length == 0)
                {
                    throw new OperationsFormatException(fileName, lineNo, c < cells.Length ? columns[c] : content.Length + 1, "missing ID");
                }
                if (!ids.Add(id))
                {
                    throw new OperationsFormatException(fileName, lineNo, columns[c], $"duplicate ID '{id}'");
                }
                return id;
            }
            switch (kind)
            {
                case "source":
                {
                    if (cells.Length is < 7 or > 8)
                    {
                        throw new OperationsFormatException(fileName, lineNo, 1, $"a source line has 7 or 8 fields, found {cells.Length}");
                    }
                    var id = Id(1);
                    if (!Enum.TryParse<SupplySourceKind>(cells[2].Trim(), ignoreCase: true, out var sk) || int.TryParse(cells[2].Trim(), CultureInfo.InvariantCulture, out _))
                    {
                        throw new OperationsFormatException(fileName, lineNo, columns[2], $"unknown source kind '{cells[2].Trim()}' (desalination, rainwater, groundwater, surfacewater, import)");
                    }
                    var source = new SupplySource(id, sk, Number(3, "hourly capacity"), Number(4, "daily capacity"), Number(5, "cost"), Number(6, "energy use"));
                    if (cells.Length == 8 && cells[7].Trim() is { Length: > 0 } served && served != "*")
                    {
                        source = source with { Districts = [.. served.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0)] };
                    }
                    sources.Add(source);
                    sourceLines.Add((source, lineNo));
                    break;
                }
                case "district":
                {
                    if (cells.Length != 3 && cells.Length != 26)
                    {
                        throw new OperationsFormatException(fileName, lineNo, 1, $"a district line has 3 fields (daily m³) or 26 (24 hourly m³/h), found {cells.Length}");
                    }
                    var id = Id(1);
                    double[] demand;
                    if (cells.Length == 3)
                    {
                        var daily = Number(2, "daily demand");
                        demand = [.. Enumerable.Repeat(daily / 24, 24)];
                    }
                    else
                    {
                        demand = [.. Enumerable.Range(0, 24).Select(h => Number(2 + h, $"demand of hour {h}"))];
                    }
                    districts.Add(new SupplyDistrict(id, demand));
                    break;
                }
                default:
                    throw new OperationsFormatException(fileName, lineNo, 1, $"unknown record '{cells[0].Trim()}' (expected source or district)");
            }
        }
        if (sources.Count == 0 || districts.Count == 0)
        {
            throw new OperationsFormatException(fileName, Math.Max(1, lines.Length), 0, "a supply case needs at least one source and one district");
        }
        foreach (var (source, line) in sourceLines)
        {
            foreach (var d in source.Districts ?? [])
            {
                if (!districts.Any(x => string.Equals(x.Id, d, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new OperationsFormatException(fileName, line, 0, $"source {source.Id} serves undefined district '{d}'");
                }
            }
        }
        return new SupplyCase(sources, districts);
    }
}
