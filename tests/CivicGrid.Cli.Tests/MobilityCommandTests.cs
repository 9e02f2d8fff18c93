using System.Globalization;
using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class MobilityCommandTests
{
    [Fact]
    public async Task Assign_with_json_reports_objective_gap_iterations_and_writes_flows()
    {
        var folder = ReferenceData.Require("mobility/tntp/SiouxFalls");
        using var temp = RepositoryPaths.CreateTempFolder();
        var flows = Path.Combine(temp.Path, "out_flow.tntp");
        var result = await CliRunner.RunAsync("mobility", "assign", folder, "--gap", "1e-10", "--flows", flows, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("relative_gap").GetDouble() <= 1e-10);
        // Best-known SiouxFalls objective (data README) within 1e-9 relative.
        Assert.Equal(4_231_335.2871, root.GetProperty("objective").GetDouble(), 4_231_335.2871 * 1e-9);
        Assert.True(root.GetProperty("iterations").GetInt32() > 0);
        Assert.True(root.GetProperty("solve_ms").GetDouble() > 0);
        var lines = await File.ReadAllLinesAsync(flows, TestContext.Current.CancellationToken);
        Assert.StartsWith("From", lines[0], StringComparison.Ordinal);
        Assert.Equal(77, lines.Length);
        var first = lines[1].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["1", "2"], first[..2]);
        Assert.Equal(4494.6576464564205, double.Parse(first[2], CultureInfo.InvariantCulture), 1e-3);
    }

    [Fact]
    public async Task Assign_prints_a_human_table_without_json()
    {
        var folder = ReferenceData.Require("mobility/tntp/Braess-Example");
        var result = await CliRunner.RunAsync("mobility", "assign", folder, "--gap", "1e-12");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("relative gap", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("386.00000008", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assign_on_a_folder_without_tntp_files_is_bad_input()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        var result = await CliRunner.RunAsync("mobility", "assign", temp.Path, "--json");
        Assert.Equal(2, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Contains("_net.tntp", doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assign_reports_a_malformed_network_with_file_and_line()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        await File.WriteAllTextAsync(Path.Combine(temp.Path, "Bad_net.tntp"), "<NUMBER OF ZONES> 1\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n1 2 x 1 1 0.15 4 0 0 1 ;\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(temp.Path, "Bad_trips.tntp"), "<NUMBER OF ZONES> 1\n<END OF METADATA>\n", TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("mobility", "assign", temp.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Bad_net.tntp:6:5", result.StdErr, StringComparison.Ordinal);
    }
}

public class MobilitySignalsCommandTests
{
    [Fact]
    public async Task Signals_with_json_lists_every_controller_on_both_networks()
    {
        var result = await CliRunner.RunAsync("mobility", "signals", "--horizon", "1800", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(12, rows.Count);
        Assert.Contains(rows, r => r.GetProperty("controller").GetString() == "max-pressure" && r.GetProperty("network").GetString() == "grid");
        Assert.All(rows, r => Assert.True(r.GetProperty("average_delay_seconds").GetDouble() >= 0));
    }
}

public class MobilityDarpCommandTests
{
    [Fact]
    public async Task Darp_with_json_reports_a_feasible_solution_no_cheaper_than_best_known()
    {
        var instance = ReferenceData.Require("mobility/darp/a2-16.txt");
        var result = await CliRunner.RunAsync("mobility", "darp", instance, "--iterations", "50", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("feasible").GetBoolean());
        Assert.Equal(16, root.GetProperty("served_requests").GetInt32());
        Assert.InRange(root.GetProperty("vehicles_used").GetInt32(), 1, 2);
        // Best known a2-16 cost 294.25 (Ropke et al. 2007, data README); a heuristic cannot go below it.
        Assert.True(root.GetProperty("cost").GetDouble() >= 294.25 - 0.01);
    }

    [Fact]
    public async Task Assign_with_a_prohibited_turn_reports_the_turn_and_the_two_path_equilibrium()
    {
        var folder = ReferenceData.Require("mobility/tntp/Braess-Example");
        using var temp = RepositoryPaths.CreateTempFolder();
        var turns = Path.Combine(temp.Path, "turns.csv");
        await File.WriteAllTextAsync(turns, "from_node,via_node,to_node,penalty\n1,3,4,prohibited\n", TestContext.Current.CancellationToken);
        var flows = Path.Combine(temp.Path, "flow.tntp");
        var result = await CliRunner.RunAsync("mobility", "assign", folder, "--gap", "1e-12", "--turns", turns, "--flows", flows, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var turn = Assert.Single(doc.RootElement.GetProperty("turns").EnumerateArray());
        Assert.True(turn.GetProperty("prohibited").GetBoolean());
        Assert.Equal(0, turn.GetProperty("flow").GetDouble(), 1e-9);
        // The flow file holds the 5 base links only; each outer path carries 3 of the 6 trips.
        var lines = (await File.ReadAllLinesAsync(flows, TestContext.Current.CancellationToken)).Skip(1)
            .Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(5, lines.Count);
        Assert.Equal(3, double.Parse(lines[0][2], CultureInfo.InvariantCulture), 1e-6);
        Assert.Equal(0, double.Parse(lines[3][2], CultureInfo.InvariantCulture), 1e-6);
    }

    [Fact]
    public async Task Assign_with_classes_reports_each_class_and_rejects_a_bad_class_file_with_its_line()
    {
        var folder = ReferenceData.Require("mobility/tntp/Braess-Example");
        using var temp = RepositoryPaths.CreateTempFolder();
        var classes = Path.Combine(temp.Path, "classes.csv");
        var trips = Path.Combine(folder, "Braess_trips.tntp");
        await File.WriteAllTextAsync(classes, $"name,pce,toll_factor,distance_factor,trips,prohibited_links\ncar,1,,,{trips},\ntruck,2,,,{trips},3-4\n", TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("mobility", "assign", folder, "--gap", "1e-10", "--classes", classes, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var list = doc.RootElement.GetProperty("classes").EnumerateArray().ToList();
        Assert.Equal(["car", "truck"], list.Select(c => c.GetProperty("name").GetString()));
        Assert.All(list, c => Assert.Equal(6, c.GetProperty("trips").GetDouble()));
        Assert.All(list, c => Assert.True(c.GetProperty("vehicle_minutes").GetDouble() > 0));

        await File.WriteAllTextAsync(classes, "name,pce,toll_factor,distance_factor,trips\ncar,-1,,,x.tntp\n", TestContext.Current.CancellationToken);
        var bad = await CliRunner.RunAsync("mobility", "assign", folder, "--classes", classes, "--json");
        Assert.Equal(2, bad.ExitCode);
        using var err = JsonDocument.Parse(bad.StdOut);
        Assert.Contains("classes.csv:2:", err.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Charge_keeps_the_feeder_within_its_headroom_and_reports_fair_shortfall()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        var ct = TestContext.Current.CancellationToken;
        var trips = Path.Combine(temp.Path, "trips.csv");
        var sites = Path.Combine(temp.Path, "sites.csv");
        var feeders = Path.Combine(temp.Path, "feeders.csv");
        // Three vehicles that each need 20 kWh in one hour, behind a feeder that can give 10 kW: only a third is deliverable.
        await File.WriteAllTextAsync(trips, "vehicle,site,arrival_minute,leave_minute,distance_km,departure_soc,battery_kwh,consumption_kwh_per_km,target_soc,max_power_kw\n" +
            "a,s,0,60,0,0.5,40,0.2,1,22\nb,s,0,60,0,0.5,40,0.2,1,22\nc,s,0,60,0,0.5,40,0.2,1,22\n", ct);
        await File.WriteAllTextAsync(sites, "site,feeder,power_limit_kw\ns,f,50\n", ct);
        await File.WriteAllTextAsync(feeders, "feeder,slot,headroom_kw\nf,0,10\nf,1,10\nf,2,10\nf,3,10\n", ct);
        var result = await CliRunner.RunAsync("mobility", "charge", trips, "--sites", sites, "--feeders", feeders, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("vehicles").GetInt32());
        Assert.Equal(10, root.GetProperty("delivered_kwh").GetDouble(), 1e-4);
        Assert.True(root.GetProperty("feeders")[0].GetProperty("peak_kw").GetDouble() <= 10 + 1e-6);
        var shortfalls = root.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("shortfall_kwh").GetDouble()).ToList();
        Assert.All(shortfalls, s => Assert.Equal(shortfalls[0], s, 1e-4));

        await File.WriteAllTextAsync(sites, "site,feeder,power_limit_kw\ns,nowhere,50\n", ct);
        var bad = await CliRunner.RunAsync("mobility", "charge", trips, "--sites", sites, "--feeders", feeders, "--json");
        Assert.Equal(2, bad.ExitCode);
        using var err = JsonDocument.Parse(bad.StdOut);
        Assert.Contains("sites.csv:2:", err.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
