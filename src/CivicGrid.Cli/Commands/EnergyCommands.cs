using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Energy.Grid.PowerFlow;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid energy pf|dcpf|dcopf</c>: power flow and DC optimal power flow on MATPOWER case files.</summary>
public sealed class EnergyCommands : ICommandGroup
{
    public Command Build()
    {
        var energy = new Command("energy", "Power-grid physics on MATPOWER cases");
        energy.Subcommands.Add(BuildPowerFlow());
        energy.Subcommands.Add(BuildDcPowerFlow());
        energy.Subcommands.Add(BuildDcOpf());
        EnergyVppCommands.Build().ToList().ForEach(energy.Subcommands.Add);
        EnergyMarketCommands.Build().ToList().ForEach(energy.Subcommands.Add);
        energy.Subcommands.Add(EnergyDrCommands.Build());
        return energy;
    }

    private static Argument<FileInfo> CaseArgument() => new("case") { Description = "MATPOWER version 2 case file (.m)" };

    private static Option<DirectoryInfo?> OutOption(string what) => new("--out") { Description = what };

    private static Command BuildPowerFlow()
    {
        var caseArg = CaseArgument();
        var outOpt = OutOption("Write bus.csv, gen.csv and branch.csv to this folder");
        var flat = new Option<bool>("--flat") { Description = "Flat start (|V| = 1, θ = θref) instead of the case voltages" };
        var qlim = new Option<bool>("--enforce-q-limits") { Description = "Hold generators beyond their reactive limits at the limit (their buses, the slack's too, become PQ)" };
        var qlimMode = new Option<string>("--q-limit-mode") { Description = "all: fix every violation per round (MATPOWER 1); one: the largest only (MATPOWER 2)", DefaultValueFactory = _ => "all" };
        var method = new Option<string>("--method") { Description = "nr (Newton–Raphson) or fd (fast-decoupled XB)", DefaultValueFactory = _ => "nr" };
        var tol = new Option<double>("--tol") { Description = "Mismatch tolerance, per unit", DefaultValueFactory = _ => 1e-8 };
        var cmd = new Command("pf", "AC power flow (Newton–Raphson, polar)");
        cmd.Arguments.Add(caseArg);
        cmd.Options.Add(outOpt);
        cmd.Options.Add(flat);
        cmd.Options.Add(qlim);
        cmd.Options.Add(qlimMode);
        cmd.Options.Add(method);
        cmd.Options.Add(tol);
        cmd.SetAction(parse =>
        {
            var m = parse.GetValue(method);
            if (m is not ("nr" or "fd"))
            {
                return CliOutput.Error(parse, $"unknown method '{m}' (use nr or fd)");
            }
            var mode = parse.GetValue(qlimMode);
            if (mode is not ("all" or "one"))
            {
                return CliOutput.Error(parse, $"unknown reactive-limit mode '{mode}' (use all or one)");
            }
            if (!TryRead(parse, parse.GetValue(caseArg)!, out var pc, out var code))
            {
                return code;
            }
            var options = new PowerFlowOptions
            {
                FlatStart = parse.GetValue(flat), EnforceReactiveLimits = parse.GetValue(qlim), TolerancePu = parse.GetValue(tol),
                ReactiveLimitMode = mode == "one" ? ReactiveLimitMode.OneAtATime : ReactiveLimitMode.Simultaneous,
                Method = m == "nr" ? PowerFlowMethod.NewtonRaphson : PowerFlowMethod.FastDecoupledXB,
                MaxIterations = m == "nr" ? 30 : 100,
            };
            var sw = Stopwatch.StartNew();
            PowerFlowResult result;
            try
            {
                result = AcPowerFlow.Solve(pc!, options);
            }
            catch (InvalidOperationException ex)
            {
                return CliOutput.Error(parse, ex.Message, CliOutput.Failed);
            }
            var ms = sw.Elapsed.TotalMilliseconds;
            return Report(parse, pc!, result, ms, parse.GetValue(outOpt), "AC power flow");
        });
        return cmd;
    }

    private static Command BuildDcPowerFlow()
    {
        var caseArg = CaseArgument();
        var outOpt = OutOption("Write bus.csv, gen.csv and branch.csv to this folder");
        var convention = ConventionOption();
        var cmd = new Command("dcpf", "DC power flow");
        cmd.Arguments.Add(caseArg);
        cmd.Options.Add(outOpt);
        cmd.Options.Add(convention);
        cmd.SetAction(parse =>
        {
            if (!TryConvention(parse, convention, out var conv, out var code) || !TryRead(parse, parse.GetValue(caseArg)!, out var pc, out code))
            {
                return code;
            }
            var sw = Stopwatch.StartNew();
            PowerFlowResult result;
            try
            {
                result = DcPowerFlow.Solve(pc!, conv);
            }
            catch (InvalidOperationException ex)
            {
                return CliOutput.Error(parse, ex.Message, CliOutput.Failed);
            }
            return Report(parse, pc!, result, sw.Elapsed.TotalMilliseconds, parse.GetValue(outOpt), "DC power flow");
        });
        return cmd;
    }

    private static Command BuildDcOpf()
    {
        var caseArg = CaseArgument();
        var outOpt = OutOption("Folder for prices.csv, gen.csv and branch.csv (default: the current folder)");
        var convention = ConventionOption();
        var solver = new Option<string>("--solver") { Description = "clp, glop, pdlp or ipm (built-in interior point; used for quadratic costs)", DefaultValueFactory = _ => "clp" };
        var cmd = new Command("dcopf", "DC optimal power flow with nodal prices");
        cmd.Arguments.Add(caseArg);
        cmd.Options.Add(outOpt);
        cmd.Options.Add(convention);
        cmd.Options.Add(solver);
        cmd.SetAction(parse =>
        {
            var s = parse.GetValue(solver);
            LpSolver? lp = s switch { "clp" => LpSolver.Clp, "glop" => LpSolver.Glop, "pdlp" => LpSolver.Pdlp, "ipm" => LpSolver.InteriorPoint, _ => null };
            if (lp is null)
            {
                return CliOutput.Error(parse, $"unknown solver '{s}' (use clp, glop, pdlp or ipm)");
            }
            if (!TryConvention(parse, convention, out var conv, out var code) || !TryRead(parse, parse.GetValue(caseArg)!, out var pc, out code))
            {
                return code;
            }
            var sw = Stopwatch.StartNew();
            DcOpfResult r;
            try
            {
                r = DcOptimalPowerFlow.Solve(pc!, new DcOpfOptions { Convention = conv, Solver = lp.Value });
            }
            catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            var ms = sw.Elapsed.TotalMilliseconds;
            var dir = parse.GetValue(outOpt) ?? new DirectoryInfo(Directory.GetCurrentDirectory());
            if (r.Optimal)
            {
                Directory.CreateDirectory(dir.FullName);
                WriteCsv(Path.Combine(dir.FullName, "prices.csv"), "bus_i,lam_P_usd_per_MWh", pc!.Buses.Select((b, i) => $"{b.Number},{F(r.NodalPriceDollarsPerMWh[i])}"));
                WriteCsv(Path.Combine(dir.FullName, "gen.csv"), "gen_idx,bus,Pg_MW", pc.Generators.Select((g, i) => $"{i + 1},{g.Bus},{F(r.PgMW[i])}"));
                WriteCsv(Path.Combine(dir.FullName, "branch.csv"), "br_idx,f_bus,t_bus,Pf_MW,Pt_MW",
                    pc.Branches.Select((b, i) => $"{i + 1},{b.FromBus},{b.ToBus},{F(r.PfMW[i])},{F(-r.PfMW[i])}"));
            }
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    objective = r.ObjectiveDollarsPerHour,
                    status = r.Status,
                    solve_ms = ms,
                    convention = conv == DcConvention.Matpower ? "matpower" : "powermodels",
                    solver = r.Solver,
                    nodal_prices = r.Optimal ? pc!.Buses.Select((b, i) => new { bus = b.Number, price = r.NodalPriceDollarsPerMWh[i] }).ToArray() : null,
                    binding_constraints = r.BindingConstraints.Select(b => new { kind = b.Kind, index = b.Index + 1, value = b.Value, limit = b.Limit, shadow_price = b.ShadowPrice }).ToArray(),
                    output = r.Optimal ? dir.FullName : null,
                });
            }
            else
            {
                var console = CliOutput.Human(parse);
                var table = new Table().AddColumn("DC-OPF").AddColumn("");
                table.AddRow("status", r.Status);
                table.AddRow("objective ($/h)", F(r.ObjectiveDollarsPerHour));
                table.AddRow("solver", r.Solver);
                table.AddRow("solve (ms)", ms.ToString("F2", CultureInfo.InvariantCulture));
                if (r.Optimal)
                {
                    table.AddRow("price range ($/MWh)", $"{F(r.NodalPriceDollarsPerMWh.Min())} … {F(r.NodalPriceDollarsPerMWh.Max())}");
                    table.AddRow("binding constraints", r.BindingConstraints.Count.ToString(CultureInfo.InvariantCulture));
                    table.AddRow("written to", Markup.Escape(dir.FullName));
                }
                console.Write(table);
            }
            return r.Optimal ? CliOutput.Ok : CliOutput.Failed;
        });
        return cmd;
    }

    private static Option<string> ConventionOption() => new("--convention")
    {
        Description = "DC network convention: matpower (b = 1/(x·tap), shifts kept) or powermodels (b = x/(r²+x²), taps/shifts ignored)",
        DefaultValueFactory = _ => "matpower",
    };

    private static bool TryConvention(ParseResult parse, Option<string> option, out DcConvention convention, out int code)
    {
        var v = parse.GetValue(option);
        convention = v == "powermodels" ? DcConvention.PowerModels : DcConvention.Matpower;
        code = 0;
        if (v is "matpower" or "powermodels")
        {
            return true;
        }
        code = CliOutput.Error(parse, $"unknown convention '{v}' (use matpower or powermodels)");
        return false;
    }

    private static bool TryRead(ParseResult parse, FileInfo file, out PowerCase? pc, out int code)
    {
        pc = null;
        code = 0;
        if (!file.Exists)
        {
            code = CliOutput.Error(parse, $"case file not found: {file.FullName}");
            return false;
        }
        try
        {
            pc = MatpowerReader.ReadFile(file.FullName);
            return true;
        }
        catch (MatpowerFormatException ex)
        {
            code = CliOutput.Error(parse, ex.Message);
            return false;
        }
    }

    private static int Report(ParseResult parse, PowerCase pc, PowerFlowResult r, double ms, DirectoryInfo? dir, string title)
    {
        if (dir is not null)
        {
            Directory.CreateDirectory(dir.FullName);
            WriteCsv(Path.Combine(dir.FullName, "bus.csv"), "bus_i,Vm_pu,Va_deg", pc.Buses.Select((b, i) => $"{b.Number},{F(r.VmPu[i])},{F(r.VaDeg[i])}"));
            WriteCsv(Path.Combine(dir.FullName, "gen.csv"), "gen_idx,bus,Pg_MW,Qg_MVAr", pc.Generators.Select((g, i) => $"{i + 1},{g.Bus},{F(r.PgMW[i])},{F(r.QgMVAr[i])}"));
            WriteCsv(Path.Combine(dir.FullName, "branch.csv"), "br_idx,f_bus,t_bus,Pf_MW,Qf_MVAr,Pt_MW,Qt_MVAr",
                pc.Branches.Select((b, i) => $"{i + 1},{b.FromBus},{b.ToBus},{F(r.PfMW[i])},{F(r.QfMVAr[i])},{F(r.PtMW[i])},{F(r.QtMVAr[i])}"));
        }
        if (parse.GetValue(CliOutput.Json))
        {
            CliOutput.WriteJson(new
            {
                converged = r.Converged,
                iterations = r.Iterations,
                max_mismatch_pu = r.MaxMismatchPu,
                solve_ms = ms,
                buses = pc.Buses.Count,
                reactive_limited_generators = r.ReactiveLimitedGenerators.Select(g => g + 1).ToArray(),
                reactive_limits_infeasible = r.ReactiveLimitsInfeasible,
                reference_buses = r.BusTypes.Select((t, i) => (t, i)).Where(x => x.t == BusType.Reference).Select(x => pc.Buses[x.i].Number).ToArray(),
                output = dir?.FullName,
            });
        }
        else
        {
            var console = CliOutput.Human(parse);
            var table = new Table().AddColumn(Markup.Escape(title)).AddColumn(Markup.Escape(pc.Name));
            table.AddRow("converged", r.Converged ? "[green]yes[/]" : "[red]no[/]");
            table.AddRow("iterations", r.Iterations.ToString(CultureInfo.InvariantCulture));
            table.AddRow("max mismatch (pu)", r.MaxMismatchPu.ToString("E2", CultureInfo.InvariantCulture));
            table.AddRow("solve (ms)", ms.ToString("F2", CultureInfo.InvariantCulture));
            table.AddRow("|V| range (pu)", $"{F(r.VmPu.Min())} … {F(r.VmPu.Max())}");
            if (dir is not null)
            {
                table.AddRow("written to", Markup.Escape(dir.FullName));
            }
            console.Write(table);
        }
        return r.Converged ? CliOutput.Ok : CliOutput.Failed;
    }

    private static void WriteCsv(string path, string header, IEnumerable<string> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var row in rows)
        {
            sb.Append(row).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
