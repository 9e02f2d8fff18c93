using System.Diagnostics;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Platform.DemoCity;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Energy;

/// <summary>
/// Grid studies for the running city: AC power flow and DC optimal power flow on the demo city's feeders or on an
/// uploaded MATPOWER case. Studies are what-if calculations: they restrict no one's supply, so they are not decision
/// records. Bad case text raises <see cref="MatpowerFormatException"/> (file, line, column, reason).
/// </summary>
public sealed class GridStudyService(IOptions<PlatformOptions> options)
{
    /// <summary>Largest uploaded case accepted (buses).</summary>
    public const int MaxBuses = 20_000;

    /// <summary>Largest case drawn as a diagram (bigger ones get tables only).</summary>
    public const int MaxDiagramBuses = 600;

    private readonly Lazy<DemoCityModel> _city = new(() => DemoCityGenerator.Generate(options.Value.DemoCitySeed));

    public DemoCityModel City => _city.Value;

    /// <summary>The demo feeders as a MATPOWER case.</summary>
    public PowerCase DemoCase(GridScenario scenario = GridScenario.EveningPeak) => GridDemoFeeder.Build(City, scenario);

    /// <summary>The demo feeders as MATPOWER file text (version 2).</summary>
    public string DemoCaseText(GridScenario scenario = GridScenario.EveningPeak) => MatpowerWriter.Write(DemoCase(scenario));

    public GridStudyResult Run(GridStudyRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var convention = request.Convention.ToUpperInvariant() switch
        {
            "MATPOWER" => DcConvention.Matpower,
            "POWERMODELS" => DcConvention.PowerModels,
            _ => throw new ArgumentException("the DC convention must be matpower or powermodels"),
        };
        var pc = request.CaseText is null
            ? DemoCase(request.Scenario)
            : MatpowerReader.Parse(request.CaseText, string.IsNullOrWhiteSpace(request.CaseFileName) ? "upload.m" : request.CaseFileName);
        if (pc.Buses.Count > MaxBuses)
        {
            throw new GridStudyException($"The case has {pc.Buses.Count} buses; at most {MaxBuses} are accepted here.");
        }
        if (pc.Buses.Count == 0 || pc.Generators.Count == 0)
        {
            throw new GridStudyException("The case needs at least one bus and one generator.");
        }
        ct.ThrowIfCancellationRequested();
        try
        {
            return request.Kind == GridStudyKind.AcPowerFlow ? RunAc(pc, request) : RunDcOpf(pc, convention);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw new GridStudyException("The case cannot be solved: " + ex.Message, ex);
        }
    }

    private static GridStudyResult RunAc(PowerCase pc, GridStudyRequest request)
    {
        var sw = Stopwatch.StartNew();
        var r = AcPowerFlow.Solve(pc, new PowerFlowOptions { FlatStart = request.FlatStart, EnforceReactiveLimits = request.EnforceReactiveLimits });
        var ms = sw.Elapsed.TotalMilliseconds;
        var status = r.ReactiveLimitsInfeasible ? "reactive limits infeasible" : r.Converged ? "converged" : "did not converge";
        var types = r.BusTypes.Count == pc.Buses.Count ? r.BusTypes : pc.Buses.Select(b => b.Type).ToArray();
        var buses = BusViews(pc, r.VmPu, r.VaDeg, null, types);
        var branches = BranchViews(pc, r.PfMW, r.QfMVAr, r.PtMW, r.QtMVAr);
        var losses = 0.0;
        for (var l = 0; l < pc.Branches.Count; l++)
        {
            losses += r.PfMW[l] + r.PtMW[l];
        }
        var gens = pc.Generators.Select((g, i) => new GridGeneratorView(i, g.Bus, r.PgMW[i], r.QgMVAr[i], r.ReactiveLimitedGenerators.Contains(i))).ToList();
        return Result(pc, GridStudyKind.AcPowerFlow, r.Converged, status, r.Iterations, r.MaxMismatchPu, null, ms, losses, buses, branches, gens);
    }

    private static GridStudyResult RunDcOpf(PowerCase pc, DcConvention convention)
    {
        var sw = Stopwatch.StartNew();
        var r = DcOptimalPowerFlow.Solve(pc, new DcOpfOptions { Convention = convention });
        var ms = sw.Elapsed.TotalMilliseconds;
        var n = pc.Buses.Count;
        var vm = Enumerable.Repeat(1.0, n).ToArray();
        var va = r.VaDeg.Length == n ? r.VaDeg : new double[n];
        var prices = r.NodalPriceDollarsPerMWh.Length == n ? r.NodalPriceDollarsPerMWh : null;
        var buses = BusViews(pc, vm, va, prices, pc.Buses.Select(b => b.Type).ToArray());
        var pf = r.PfMW.Length == pc.Branches.Count ? r.PfMW : new double[pc.Branches.Count];
        var zero = new double[pc.Branches.Count];
        var branches = BranchViews(pc, pf, zero, pf.Select(x => -x).ToArray(), zero);
        var pg = r.PgMW.Length == pc.Generators.Count ? r.PgMW : new double[pc.Generators.Count];
        var gens = pc.Generators.Select((g, i) => new GridGeneratorView(i, g.Bus, pg[i], 0, false)).ToList();
        return Result(pc, GridStudyKind.DcOptimalPowerFlow, r.Optimal, r.Status, null, null, r.Optimal ? r.ObjectiveDollarsPerHour : null, ms, 0, buses, branches, gens);
    }

    private static GridStudyResult Result(PowerCase pc, GridStudyKind kind, bool success, string status, int? iterations, double? mismatch, double? objective,
        double ms, double losses, List<GridBusView> buses, List<GridBranchView> branches, List<GridGeneratorView> gens)
    {
        var minV = buses.Where(b => b.Type != nameof(BusType.Isolated)).Select(b => b.VmPu).DefaultIfEmpty(1).Min();
        var maxLoading = branches.Where(b => b.LoadingPercent.HasValue).Select(b => b.LoadingPercent!.Value).DefaultIfEmpty(0).Max();
        return new GridStudyResult(pc.Name, kind, success, status, iterations, mismatch, objective, ms, pc.Buses.Sum(b => b.PdMW), losses, minV, maxLoading,
            pc.Buses.Count <= MaxDiagramBuses, buses, branches, gens);
    }

    private static List<GridBusView> BusViews(PowerCase pc, double[] vm, double[] va, double[]? prices, IReadOnlyList<BusType> types)
    {
        var (x, y) = GridDiagramLayout.Compute(pc);
        var list = new List<GridBusView>(pc.Buses.Count);
        for (var i = 0; i < pc.Buses.Count; i++)
        {
            var b = pc.Buses[i];
            list.Add(new GridBusView(b.Number, types[i].ToString(), vm[i], va[i], b.PdMW, prices?[i], x[i], y[i]));
        }
        return list;
    }

    private static List<GridBranchView> BranchViews(PowerCase pc, double[] pf, double[] qf, double[] pt, double[] qt)
    {
        var list = new List<GridBranchView>(pc.Branches.Count);
        for (var l = 0; l < pc.Branches.Count; l++)
        {
            var br = pc.Branches[l];
            double? rating = br.RateAMVA > 0 ? br.RateAMVA : null;
            var s = Math.Max(Math.Sqrt(pf[l] * pf[l] + qf[l] * qf[l]), Math.Sqrt(pt[l] * pt[l] + qt[l] * qt[l]));
            list.Add(new GridBranchView(l, br.FromBus, br.ToBus, pf[l], qf[l], rating, rating is { } r ? 100 * s / r : null, br.InService));
        }
        return list;
    }
}
