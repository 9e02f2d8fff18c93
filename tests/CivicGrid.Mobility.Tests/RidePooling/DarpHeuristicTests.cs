using System.Globalization;
using CivicGrid.Mobility.RidePooling;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Mobility.Tests.RidePooling;

public class DarpHeuristicTests
{
    [Theory]
    [InlineData("a2-16", 294.25)]
    [InlineData("a2-20", 344.83)]
    [InlineData("a2-24", 431.12)]
    [InlineData("a3-30", 494.85)]
    [InlineData("a4-48", 668.82)]
    public void Insertion_and_improvement_give_feasible_solutions_no_cheaper_than_best_known(string name, double bestKnown)
    {
        // Best-known costs: Ropke et al. (2007) as listed in the data README; ε = 0.01 for their 2-decimal rounding.
        var instance = DarpReader.Read(ReferenceData.Require($"mobility/darp/{name}.txt"));
        var result = new DarpInsertionHeuristic(instance).Solve(improvementIterations: 300, seed: 1);
        var check = DarpChecker.Check(instance, result.Solution, requireAllServed: false);
        Assert.True(check.Feasible, string.Join("; ", check.Violations));
        Assert.Equal(instance.Requests - result.Unserved.Count, check.ServedRequests);
        Assert.True(check.VehiclesUsed <= instance.Vehicles);
        // Every request is served on these instances (a partial solution would fail here, and be reported honestly).
        Assert.Empty(result.Unserved);
        Assert.True(DarpChecker.Check(instance, result.Solution).Feasible);
        Assert.True(check.Cost >= bestKnown - 0.01, string.Create(CultureInfo.InvariantCulture, $"cost {check.Cost} below best known {bestKnown}"));
        TestContext.Current.SendDiagnosticMessage(string.Create(CultureInfo.InvariantCulture,
            $"{name}: cost {check.Cost:F2}, best known {bestKnown}, gap {(check.Cost / bestKnown - 1) * 100:F1}%"));
    }

    [Fact]
    public void Real_time_request_is_inserted_into_existing_routes_feasibly()
    {
        var instance = DarpReader.Read(ReferenceData.Require("mobility/darp/a2-16.txt"));
        var heuristic = new DarpInsertionHeuristic(instance);
        var routes = Enumerable.Range(0, instance.Vehicles).Select(_ => new List<int>()).ToList();
        for (var r = 1; r < instance.Requests; r++)
        {
            heuristic.Insert(routes, r);
        }
        var before = DarpChecker.Check(instance, new DarpSolution(routes.Select(r => (IReadOnlyList<int>)r.ToArray()).ToArray()), requireAllServed: false);
        var insertion = heuristic.FindBestInsertion(routes, instance.Requests);
        Assert.NotNull(insertion);
        Assert.True(heuristic.Insert(routes, instance.Requests));
        var after = DarpChecker.Check(instance, new DarpSolution(routes.Select(r => (IReadOnlyList<int>)r.ToArray()).ToArray()), requireAllServed: false);
        Assert.True(after.Feasible, string.Join("; ", after.Violations));
        Assert.Equal(before.ServedRequests + 1, after.ServedRequests);
        Assert.Equal(before.Cost + insertion.Value.AddedDistance, after.Cost, 6);
    }

    [Fact]
    public void Real_time_insertion_keeps_the_driven_part_of_a_route_and_obeys_the_acceptance_test()
    {
        // Depot at 0; request 1 from x=1 to x=5, request 2 from x=2 to x=6 (one vehicle, two seats, no service time).
        var text = "1 4 480 2 30\n0 0 0 0 0 0 1440\n1 1 0 0 1 0 1440\n2 2 0 0 1 0 1440\n3 5 0 0 -1 0 1440\n4 6 0 0 -1 0 1440\n";
        var instance = DarpReader.Read(new StringReader(text), "line.txt");
        var heuristic = new DarpInsertionHeuristic(instance);
        var route = new List<int> { 1, 3 };
        // Unconstrained, request 2 rides along with request 1: 0→1→2→6→5→0, two more than 0→1→5→0.
        var free = heuristic.FindBestInsertion([route], 2, null, null);
        Assert.Equal(1, free!.Value.PickupPosition);
        Assert.Equal(2, free.Value.AddedDistance, 9);
        // With both stops of request 1 already driven, request 2 can only follow them: 5→2→6 instead of 5→0.
        var frozen = heuristic.FindBestInsertion([route], 2, [2], null);
        Assert.Equal(2, frozen!.Value.PickupPosition);
        Assert.Equal(3, frozen.Value.DropoffPosition);
        Assert.Equal(3 + 4 + 6 - 5, frozen.Value.AddedDistance, 9);
        // The acceptance test sees each candidate's schedule and can refuse all of them.
        var seen = 0;
        Assert.Null(heuristic.FindBestInsertion([route], 2, [2], (vehicle, schedule) =>
        {
            seen++;
            Assert.Equal(0, vehicle);
            Assert.Equal([0, 1, 3, 2, 4, 5], schedule.Vertices);
            return false;
        }));
        Assert.Equal(1, seen);
        Assert.Throws<ArgumentException>(() => heuristic.FindBestInsertion([route], 2, [0, 0], null));
    }

    [Fact]
    public void Improvement_never_makes_the_constructed_solution_worse()
    {
        var instance = DarpReader.Read(ReferenceData.Require("mobility/darp/a2-20.txt"));
        var heuristic = new DarpInsertionHeuristic(instance);
        var built = heuristic.Construct();
        var improved = heuristic.Solve(improvementIterations: 100, seed: 3);
        Assert.True(improved.Unserved.Count <= built.Unserved.Count);
        if (improved.Unserved.Count == built.Unserved.Count)
        {
            Assert.True(improved.Check.Cost <= built.Check.Cost + 1e-9);
        }
        Assert.True(improved.Check.Feasible);
    }
}
