using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Leaks;

/// <summary>
/// Generates leak scenarios on any network in the manner of LeakDB and BattLeDIM: demand uncertainty (a fixed
/// per-junction base-demand error plus network-wide and per-junction multiplicative noise on the patterns at every
/// sample), leaks on random pipes as emitters at the pipe's middle (abrupt or incipient, with start, peak and end
/// times), and sensors with Gaussian noise rounded to their resolution. The first
/// <see cref="LeakScenarioOptions.TrainingSeconds"/> are leak-free. Deterministic for a given seed.
/// </summary>
public static class LeakScenarioGenerator
{
    /// <summary>Discharge coefficient of a leak orifice.</summary>
    public const double DischargeCoefficient = 0.75;

    private const double Gravity = 9.81;

    /// <summary>Emitter coefficient K (m³/s per m^0.5) of a round orifice of the given diameter.</summary>
    public static double OrificeCoefficient(double diameterMillimetres)
    {
        var d = diameterMillimetres / 1000.0;
        return DischargeCoefficient * Math.PI * d * d / 4.0 * Math.Sqrt(2 * Gravity);
    }

    public static LeakScenario Generate(WaterNetwork network, LeakScenarioOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var rng = new Random(seed);
        var noiseRng = new Random(unchecked((seed * 7919) + 17));
        var model = LeakNetworkTools.Clone(network);
        var step = options.SampleStepSeconds;
        var duration = options.DurationSeconds / step * step;
        LeakNetworkTools.ConfigureRun(model, duration, step);

        var junctionIds = model.Junctions.Select(j => j.Id).ToList();
        var sensorNodes = ChooseSensors(options, junctionIds, rng);
        var fixedGrade = new HashSet<string>(model.FixedGradeNodes.Select(n => n.Id), StringComparer.OrdinalIgnoreCase);
        var flowLinks = options.InletFlowSensors
            ? model.Links.Where(l => fixedGrade.Contains(l.FromNode) ^ fixedGrade.Contains(l.ToNode)).Select(l => l.Id).ToList()
            : [];
        var amrNodes = model.Junctions.Where(j => j.Demands.Any(d => d.BaseDemand > 0)).Select(j => j.Id)
            .OrderBy(_ => rng.Next()).Take(options.AmrMeterCount).ToList();

        var tankIds = options.TankLevelSensors ? model.Tanks.Select(t => t.Id).ToList() : [];
        var leaks = ChooseLeaks(model, options, duration, rng);
        var leakNodes = leaks.Select(l => LeakNetworkTools.SplitPipe(model, l.PipeId)).ToList();

        var baseFactor = junctionIds.Select(_ => 1.0 + (options.BaseDemandUncertainty * ((2 * rng.NextDouble()) - 1))).ToArray();

        var sim = new HydraulicSimulation(model);
        var units = sim.Network.Units;
        var sensorIndex = sensorNodes.Select(sim.NodeIndexOf).ToArray();
        var flowIndex = flowLinks.Select(sim.LinkIndexOf).ToArray();
        var amrIndex = amrNodes.Select(sim.NodeIndexOf).ToArray();
        var leakIndex = leakNodes.Select(sim.NodeIndexOf).ToArray();

        var samples = (int)(duration / step) + 1;
        var times = Enumerable.Range(0, samples).Select(i => i * step).ToArray();
        var pressure = sensorNodes.Select(_ => new double[samples]).ToArray();
        var flow = flowLinks.Select(_ => new double[samples]).ToArray();
        var amr = amrNodes.Select(_ => new double[samples]).ToArray();
        var leakFlow = leaks.Select(_ => new double[samples]).ToArray();
        var tankIndex = tankIds.Select(sim.NodeIndexOf).ToArray();
        var tankElevation = tankIds.Select(id => model.FindNode(id)!.Elevation * LeakNetworkTools.MetersPerLengthUnit(model)).ToArray();
        var level = tankIds.Select(_ => new double[samples]).ToArray();
        var litersPerSecondPerFileFlow = UnitSystem.CubicMetersPerCubicFoot * 1000.0 / units.Flow;

        sim.Reset();
        var drawn = -1L;
        do
        {
            var t = sim.TimeSeconds;
            var idx = t / step;
            while (drawn < idx)
            {
                drawn++;
                var common = 1.0 + (options.CommonDemandNoise * Gaussian(rng));
                for (var j = 0; j < junctionIds.Count; j++)
                {
                    var f = baseFactor[j] * common * (1.0 + (options.NodalDemandNoise * Gaussian(rng)));
                    sim.SetJunctionDemandFactor(junctionIds[j], Math.Max(0.0, f));
                }
            }
            for (var l = 0; l < leaks.Count; l++)
            {
                sim.SetEmitterCoefficientSI(leakNodes[l], leaks[l].CoefficientAt(t));
            }
            sim.SolveCurrent();
            if (t != idx * step || idx >= samples)
            {
                continue;
            }
            for (var s = 0; s < sensorIndex.Length; s++)
            {
                var p = sim.PressureMeters(sensorIndex[s]) + (options.PressureNoiseMeters * Gaussian(noiseRng));
                pressure[s][idx] = Quantise(p, options.PressureResolutionMeters);
            }
            for (var s = 0; s < flowIndex.Length; s++)
            {
                var q = sim.FlowFileUnits(flowIndex[s]) * litersPerSecondPerFileFlow;
                flow[s][idx] = Quantise(q * (1.0 + (options.FlowNoiseRelative * Gaussian(noiseRng))), 0.001);
            }
            for (var s = 0; s < amrIndex.Length; s++)
            {
                amr[s][idx] = Quantise(sim.DemandFileUnits(amrIndex[s]) * litersPerSecondPerFileFlow, 0.001);
            }
            for (var s = 0; s < tankIndex.Length; s++)
            {
                var h = sim.HeadMeters(tankIndex[s]) - tankElevation[s] + (options.LevelNoiseMeters * Gaussian(noiseRng));
                level[s][idx] = Quantise(h, 0.01);
            }
            for (var l = 0; l < leakIndex.Length; l++)
            {
                leakFlow[l][idx] = sim.EmitterFlowFileUnits(leakIndex[l]) * litersPerSecondPerFileFlow;
            }
        }
        while (sim.Advance() > 0);

        var channels = new List<SensorChannel>();
        channels.AddRange(sensorNodes.Select((id, s) => new SensorChannel(SensorKind.Pressure, id, pressure[s])));
        channels.AddRange(flowLinks.Select((id, s) => new SensorChannel(SensorKind.Flow, id, flow[s])));
        channels.AddRange(amrNodes.Select((id, s) => new SensorChannel(SensorKind.Demand, id, amr[s])));
        channels.AddRange(tankIds.Select((id, s) => new SensorChannel(SensorKind.Level, id, level[s])));
        var truth = leaks.Select((l, i) => l with
        {
            FlowLitersPerSecond = leakFlow[i],
            VolumeCubicMeters = leakFlow[i].Sum() * step / 1000.0,
        }).ToList();
        return new LeakScenario(new SensorData(times, channels), truth, seed, options.TrainingSeconds);
    }

    private static List<string> ChooseSensors(LeakScenarioOptions options, List<string> junctionIds, Random rng)
    {
        if (options.PressureSensorNodes.Count > 0)
        {
            var known = new HashSet<string>(junctionIds, StringComparer.OrdinalIgnoreCase);
            foreach (var id in options.PressureSensorNodes.Where(id => !known.Contains(id)))
            {
                throw new ArgumentException($"pressure sensor node '{id}' is not a junction of the network");
            }
            return [.. options.PressureSensorNodes];
        }
        return [.. junctionIds.OrderBy(_ => rng.Next()).Take(Math.Min(options.PressureSensorCount, junctionIds.Count))];
    }

    private static List<LeakEvent> ChooseLeaks(WaterNetwork model, LeakScenarioOptions options, long duration, Random rng)
    {
        var candidates = LeakNetworkTools.CandidatePipes(model);
        if (options.LeakCount > candidates.Count)
        {
            throw new ArgumentException($"the network has only {candidates.Count} pipes between junctions for {options.LeakCount} leaks");
        }
        var step = options.SampleStepSeconds;
        var first = (options.TrainingSeconds + step - 1) / step;
        var last = Math.Max(first, (duration - 86400) / step);
        var leaks = new List<LeakEvent>();
        foreach (var pipe in candidates.OrderBy(_ => rng.Next()).Take(options.LeakCount))
        {
            var start = (first + rng.NextInt64(last - first + 1)) * step;
            var incipient = rng.NextDouble() < options.IncipientProbability;
            var peak = incipient ? Math.Min(duration, start + ((long)((0.5 + (2.5 * rng.NextDouble())) * 86400) / step * step)) : start;
            var repaired = rng.NextDouble() < options.RepairProbability;
            var end = repaired ? Math.Min(duration, peak + ((long)((1 + (3 * rng.NextDouble())) * 86400) / step * step)) : duration;
            var diameter = options.MinLeakDiameterMillimetres + ((options.MaxLeakDiameterMillimetres - options.MinLeakDiameterMillimetres) * rng.NextDouble());
            diameter = Math.Round(diameter, 2);
            leaks.Add(new LeakEvent(pipe.Id, incipient ? LeakProfile.Incipient : LeakProfile.Abrupt, start, peak, end, diameter, OrificeCoefficient(diameter)));
        }
        return leaks;
    }

    private static double Quantise(double value, double resolution) => resolution > 0 ? Math.Round(value / resolution) * resolution : value;

    /// <summary>Standard normal deviate (Box–Muller).</summary>
    internal static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
