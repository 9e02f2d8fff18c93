using CivicGrid.Water.Model;

namespace CivicGrid.Water.Synthetic;

/// <summary>
/// Generates test networks for benchmarking: a "realistic" layout (a looped trunk grid whose cells are filled with
/// branched service streets, about 1.18 links per node, like a real city) and a "full mesh" grid (every junction
/// joined to its four neighbours, about 2 links per node, where fill-in during factorisation is largest).
/// Deterministic for a given seed. Units GPM, Hazen–Williams, 24 h with a daily demand pattern.
/// </summary>
public static class SyntheticNetworkGenerator
{
    public static WaterNetwork Realistic(int junctions, int seed = 1)
    {
        var rng = new Random(seed);
        var net = NewNetwork($"synthetic realistic network, {junctions} junctions");
        // Trunk grid of side s carrying ~15 % of the junctions; the rest hang off trunk nodes as short branches
        // with an occasional loop back to a neighbour.
        var side = Math.Max(2, (int)Math.Sqrt(junctions * 0.15));
        var trunk = side * side;
        for (var i = 0; i < trunk; i++)
        {
            AddJunction(net, $"T{i}", rng, (i % side) * 100.0, (i / side) * 100.0);
        }
        for (var r = 0; r < side; r++)
        {
            for (var c = 0; c < side; c++)
            {
                var i = (r * side) + c;
                if (c + 1 < side)
                {
                    AddPipe(net, $"PT{i}h", $"T{i}", $"T{i + 1}", 1000, 16, rng);
                }
                if (r + 1 < side)
                {
                    AddPipe(net, $"PT{i}v", $"T{i}", $"T{i + side}", 1000, 16, rng);
                }
            }
        }
        var made = trunk;
        var b = 0;
        while (made < junctions)
        {
            var anchor = rng.Next(trunk);
            var prev = $"T{anchor}";
            var length = 3 + rng.Next(8);
            for (var k = 0; k < length && made < junctions; k++, made++, b++)
            {
                var id = $"J{b}";
                AddJunction(net, id, rng, rng.NextDouble() * side * 100, rng.NextDouble() * side * 100);
                AddPipe(net, $"P{b}", prev, id, 200 + (rng.NextDouble() * 300), k < 3 ? 8 : 6, rng);
                prev = id;
            }
            if (rng.NextDouble() < 0.5)
            {
                var other = $"T{Math.Min(trunk - 1, anchor + 1)}";
                AddPipe(net, $"PL{b}", prev, other, 400, 6, rng);
            }
        }
        AddSources(net, side, trunk);
        return net;
    }

    public static WaterNetwork FullMesh(int side, int seed = 1)
    {
        var rng = new Random(seed);
        var net = NewNetwork($"synthetic full-mesh grid {side}x{side}");
        for (var i = 0; i < side * side; i++)
        {
            AddJunction(net, $"T{i}", rng, (i % side) * 100.0, (i / side) * 100.0);
        }
        for (var r = 0; r < side; r++)
        {
            for (var c = 0; c < side; c++)
            {
                var i = (r * side) + c;
                if (c + 1 < side)
                {
                    AddPipe(net, $"PT{i}h", $"T{i}", $"T{i + 1}", 500, 12, rng);
                }
                if (r + 1 < side)
                {
                    AddPipe(net, $"PT{i}v", $"T{i}", $"T{i + side}", 500, 12, rng);
                }
            }
        }
        AddSources(net, side, side * side);
        return net;
    }

    private static WaterNetwork NewNetwork(string title)
    {
        var net = new WaterNetwork();
        net.Title.Add(title);
        var p = new Pattern { Id = "1" };
        p.Multipliers.AddRange([0.6, 0.5, 0.5, 0.6, 0.8, 1.1, 1.4, 1.3, 1.2, 1.1, 1.0, 1.1, 1.2, 1.1, 1.0, 1.0, 1.1, 1.3, 1.5, 1.4, 1.2, 1.0, 0.8, 0.7]);
        net.Patterns.Add(p);
        net.Times.Duration = 24 * 3600;
        net.Times.HydraulicStep = 3600;
        net.Times.PatternStep = 3600;
        net.Times.ReportStep = 3600;
        net.Options.Units = FlowUnits.Gpm;
        net.Options.Trials = 40;
        net.Options.UnbalancedExtraTrials = 10;
        return net;
    }

    private static void AddJunction(WaterNetwork net, string id, Random rng, double x, double y)
    {
        var j = new Junction { Id = id, Elevation = 100 + (rng.NextDouble() * 20) };
        j.Demands.Add(new Demand { BaseDemand = 2 + (rng.NextDouble() * 6), PatternId = "1" });
        net.Junctions.Add(j);
        net.Coordinates[id] = (x, y);
    }

    private static void AddPipe(WaterNetwork net, string id, string from, string to, double length, double diameter, Random rng)
    {
        var p = new Pipe { Id = id, FromNode = from, ToNode = to, Length = length, Diameter = diameter, Roughness = 100 + (rng.NextDouble() * 40) };
        net.Pipes.Add(p);
        net.Links.Add(p);
    }

    private static void AddSources(WaterNetwork net, int side, int trunk)
    {
        // Reservoirs at two corners of the trunk grid and a tank in the middle, with enough head for the demand.
        var totalDemand = net.Junctions.Sum(j => j.Demands[0].BaseDemand) * 1.5;
        var mainDiameter = Math.Clamp(Math.Sqrt(totalDemand / 2 / 449 / 5 / Math.PI * 4) * 12, 24, 96);
        string[] corners = ["T0", $"T{trunk - 1}"];
        for (var i = 0; i < corners.Length; i++)
        {
            var r = new Reservoir { Id = $"R{i}", Elevation = 260 };
            net.Reservoirs.Add(r);
            net.FixedGradeNodes.Add(r);
            var p = new Pipe { Id = $"PR{i}", FromNode = r.Id, ToNode = corners[i], Length = 100, Diameter = mainDiameter, Roughness = 130 };
            net.Pipes.Add(p);
            net.Links.Add(p);
        }
        var t = new Tank { Id = "TK", Elevation = 200, InitialLevel = 20, MinimumLevel = 2, MaximumLevel = 40, Diameter = 80 };
        net.Tanks.Add(t);
        net.FixedGradeNodes.Add(t);
        var mid = $"T{(side / 2 * side) + (side / 2)}";
        var tp = new Pipe { Id = "PTK", FromNode = t.Id, ToNode = mid, Length = 100, Diameter = mainDiameter / 2, Roughness = 130 };
        net.Pipes.Add(tp);
        net.Links.Add(tp);
    }
}
