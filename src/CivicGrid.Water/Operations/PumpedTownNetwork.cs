using CivicGrid.Water.Model;
using CivicGrid.Water.Synthetic;

namespace CivicGrid.Water.Operations;

/// <summary>
/// A generated town supplied by pumping: <see cref="SyntheticNetworkGenerator.Realistic"/> with both reservoirs
/// lowered to intake level and each feeding the network through a pump station, so that the town's elevated tank is
/// what carries the demand while pumps are off. Its own operation is typical of small utilities: pump PU0 follows the
/// tank level (on below 12 ft, off above 36 ft) and pump PU1 runs on a fixed clock schedule (06:00–22:00).
/// </summary>
public static class PumpedTownNetwork
{
    public static WaterNetwork Create(int junctions = 300, int seed = 7)
    {
        var net = SyntheticNetworkGenerator.Realistic(junctions, seed);
        net.Title.Clear();
        net.Title.Add("CivicGrid pumped town (generated): two pump stations and an elevated tank");
        var total = net.Junctions.Sum(j => j.Demands.Sum(d => d.BaseDemand));
        var curve = new Curve { Id = "PS", Kind = CurveKind.Pump };
        // One-point curve: each station delivers 0.9 × the mean demand against 100 ft, so both together refill the tank.
        curve.Points.Add((Math.Round(total * 0.9), 100));
        net.Curves.Add(curve);
        for (var i = 0; i < net.Reservoirs.Count; i++)
        {
            var r = net.Reservoirs[i];
            r.Elevation = 140;
            var pipe = net.Pipes.First(p => p.FromNode == r.Id);
            var pump = new Pump { Id = $"PU{i}", FromNode = r.Id, ToNode = pipe.ToNode, HeadCurveId = curve.Id };
            net.Pipes.Remove(pipe);
            net.Links[net.Links.IndexOf(pipe)] = pump;
            net.Pumps.Add(pump);
        }
        var tank = net.Tanks[0];
        tank.InitialLevel = 20;
        tank.MinimumLevel = 2;
        tank.MaximumLevel = 40;
        net.Controls.Add(new SimpleControl { LinkId = "PU0", Status = InitialLinkStatus.Open, Type = ControlType.LowLevel, NodeId = tank.Id, Value = 12 });
        net.Controls.Add(new SimpleControl { LinkId = "PU0", Status = InitialLinkStatus.Closed, Type = ControlType.HighLevel, NodeId = tank.Id, Value = 36 });
        net.Controls.Add(new SimpleControl { LinkId = "PU1", Status = InitialLinkStatus.Open, Type = ControlType.TimeOfDay, TimeSeconds = 6 * 3600 });
        net.Controls.Add(new SimpleControl { LinkId = "PU1", Status = InitialLinkStatus.Closed, Type = ControlType.TimeOfDay, TimeSeconds = 22 * 3600 });
        net.Pumps[1].StatusOverride = InitialLinkStatus.Closed;
        return net;
    }
}
