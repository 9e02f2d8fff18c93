using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Leaks;

/// <summary>A candidate leak pipe with its match to a residual signature.</summary>
/// <param name="PipeId">The pipe.</param>
/// <param name="Score">Share of the candidates' likelihood within the search radius (300 m) of this pipe.</param>
/// <param name="EstimatedLeakLitersPerSecond">Least-squares leak size that best explains the signature at this pipe.</param>
/// <param name="DistanceMeters">Pipe-length distance from the best candidate (0 for it).</param>
public sealed record PipeCandidate(string PipeId, double Score, double EstimatedLeakLitersPerSecond, double DistanceMeters);

/// <summary>Where a leak is suspected: candidates best first, and a map area (centre and radius in the network's
/// coordinate units) covering the top ones; the area is absent when the network has no coordinates.</summary>
public sealed record LeakLocalisation(IReadOnlyList<PipeCandidate> Ranked, double? CentreX, double? CentreY, double? RadiusCoordinateUnits, IReadOnlyList<string> AreaPipes)
{
    public string? BestPipeId => Ranked.Count > 0 ? Ranked[0].PipeId : null;
}

/// <summary>
/// Leak sensitivity matrix: for each candidate pipe, the pressure drop (m) at each sensor per m³/s leaking at the
/// pipe's middle (half of the flow drawn at each end node), linearised from the Jacobian the hydraulic solver factors
/// (<see cref="HydraulicSimulation.HeadDropPerWithdrawal"/>; by symmetry one triangular solve per sensor gives a whole
/// row), averaged over several snapshots of the leak-free model. Localisation correlates a residual signature with
/// its columns.
/// </summary>
public sealed class LeakSensitivityMatrix
{
    private readonly WaterNetwork _network;
    private readonly double[][] _columns; // [pipe][sensor]
    private readonly Dictionary<string, Pipe> _pipes;
    private NetworkDistance? _distance;

    private LeakSensitivityMatrix(WaterNetwork network, IReadOnlyList<string> sensors, IReadOnlyList<string> pipes, double[][] columns)
    {
        _network = network;
        SensorNodes = sensors;
        CandidatePipes = pipes;
        _columns = columns;
        _pipes = network.Pipes.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<string> SensorNodes { get; }

    public IReadOnlyList<string> CandidatePipes { get; }

    /// <summary>Pressure drop (m) at sensor <paramref name="sensor"/> per m³/s leaking from candidate <paramref name="pipe"/>.</summary>
    public double this[int pipe, int sensor] => _columns[pipe][sensor];

    /// <summary>Accumulates sensor rows of the linearised model at the simulation's current solution.</summary>
    public sealed class Accumulator
    {
        private readonly WaterNetwork _network;
        private readonly IReadOnlyList<string> _sensors;
        private readonly List<Pipe> _candidates;
        private readonly double[][] _sum;
        private int _count;

        public Accumulator(WaterNetwork network, IReadOnlyList<string> sensorNodes)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(sensorNodes);
            _network = network;
            _sensors = sensorNodes;
            _candidates = LeakNetworkTools.CandidatePipes(network);
            _sum = [.. _candidates.Select(_ => new double[sensorNodes.Count])];
        }

        public void Add(HydraulicSimulation sim)
        {
            ArgumentNullException.ThrowIfNull(sim);
            var ends = _candidates.Select(p => (sim.NodeIndexOf(p.FromNode), sim.NodeIndexOf(p.ToNode))).ToArray();
            for (var s = 0; s < _sensors.Count; s++)
            {
                var row = sim.HeadDropPerWithdrawal(sim.NodeIndexOf(_sensors[s]));
                for (var c = 0; c < ends.Length; c++)
                {
                    _sum[c][s] += 0.5 * (row[ends[c].Item1] + row[ends[c].Item2]);
                }
            }
            _count++;
        }

        public LeakSensitivityMatrix Build()
        {
            var n = Math.Max(1, _count);
            var columns = _sum.Select(col => col.Select(v => v / n).ToArray()).ToArray();
            return new LeakSensitivityMatrix(_network, _sensors, [.. _candidates.Select(p => p.Id)], columns);
        }
    }

    /// <summary>The element-wise mean of several matrices over the same sensors and candidates (e.g. snapshots over a
    /// time window).</summary>
    public static LeakSensitivityMatrix Average(IReadOnlyList<LeakSensitivityMatrix> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0)
        {
            throw new ArgumentException("no matrix to average", nameof(matrices));
        }
        var first = matrices[0];
        var columns = first._columns.Select((col, c) => col.Select((_, s) => matrices.Average(mx => mx._columns[c][s])).ToArray()).ToArray();
        return new LeakSensitivityMatrix(first._network, first.SensorNodes, first.CandidatePipes, columns) { _distance = first._distance };
    }

    /// <summary>
    /// Computes the matrix on the leak-free model at <paramref name="snapshots"/> times spread over the first day
    /// (or the network's duration if shorter), with the file's own demand patterns.
    /// </summary>
    public static LeakSensitivityMatrix Compute(WaterNetwork network, IReadOnlyList<string> sensorNodes, int snapshots = 24)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(sensorNodes);
        var model = LeakNetworkTools.Clone(network);
        var day = 86400L;
        var step = Math.Max(1, day / Math.Max(1, snapshots));
        LeakNetworkTools.ConfigureRun(model, step * (Math.Max(1, snapshots) - 1), step);
        var sim = new HydraulicSimulation(model);
        var acc = new Accumulator(network, sensorNodes);
        sim.Reset();
        do
        {
            sim.SolveCurrent();
            if (sim.TimeSeconds % step == 0)
            {
                acc.Add(sim);
            }
        }
        while (sim.Advance() > 0);
        return acc.Build();
    }

    /// <summary>
    /// Ranks candidate pipes by how well their sensitivity column explains a signature of pressure drops
    /// (m, positive = lower than the leak-free model) at the sensors, each sensor weighted by 1/σ: for each pipe the
    /// leak size q minimising ‖(drop − q·column)/σ‖² (plus ((q − q̂)/σq)² when an estimate q̂ ± σq of the leak flow is
    /// known, e.g. from the water balance of the inlet flows) is found, giving a likelihood exp(−J/2) per pipe.
    /// Pipes are ranked by the share of likelihood within <paramref name="radiusMeters"/> of them along the pipes
    /// (the chance that a crew sent there finds the leak within that distance), which is the reported score.
    /// </summary>
    public LeakLocalisation Localise(IReadOnlyList<double> dropMeters, IReadOnlyList<double>? sensorSigmaMeters = null, int areaSize = 5, (double LitersPerSecond, double SigmaLitersPerSecond)? leakEstimate = null, double radiusMeters = 300)
    {
        ArgumentNullException.ThrowIfNull(dropMeters);
        if (dropMeters.Count != SensorNodes.Count)
        {
            throw new ArgumentException($"signature has {dropMeters.Count} values for {SensorNodes.Count} sensors", nameof(dropMeters));
        }
        var m = SensorNodes.Count;
        var w = Enumerable.Range(0, m).Select(s => sensorSigmaMeters is null || sensorSigmaMeters[s] <= 0 ? 1.0 : 1.0 / sensorSigmaMeters[s]).ToArray();
        var r = Enumerable.Range(0, m).Select(s => dropMeters[s] * w[s]).ToArray();
        var rr = r.Sum(v => v * v);
        // prior on q in m³/s
        var hasPrior = leakEstimate is { SigmaLitersPerSecond: > 0 };
        var q0 = hasPrior ? Math.Max(0, leakEstimate!.Value.LitersPerSecond) / 1000.0 : 0.0;
        var lambda = hasPrior ? 1.0 / Math.Pow(leakEstimate!.Value.SigmaLitersPerSecond / 1000.0, 2) : 0.0;
        var scored = new List<(int Pipe, double Score, double Q)>(_columns.Length);
        for (var c = 0; c < _columns.Length; c++)
        {
            double dot = 0, ss = 0;
            for (var s = 0; s < m; s++)
            {
                var v = _columns[c][s] * w[s];
                dot += v * r[s];
                ss += v * v;
            }
            var q = ss + lambda > 0 ? Math.Max(0, (dot + (lambda * q0)) / (ss + lambda)) : 0.0;
            var misfit = rr - (2 * q * dot) + (q * q * ss) + (lambda * (q - q0) * (q - q0));
            scored.Add((c, -misfit, q * 1000.0));
        }
        scored.Sort((a, b) => b.Score.CompareTo(a.Score));
        _distance ??= new NetworkDistance(_network);
        // Likelihood of each of the best candidates, tempered by the best fit's reduced chi-square so that a model
        // error larger than the assumed noise does not make one pipe look certain.
        var top = scored.Take(Math.Min(scored.Count, 40)).ToList();
        var jBest = top.Count > 0 ? -top[0].Score : 0.0;
        var dof = Math.Max(1, m - 1 + (hasPrior ? 1 : 0));
        var temper = Math.Max(1.0, jBest / dof / 4);
        var likelihood = top.Select(t => Math.Exp(Math.Max(-700, (t.Score + jBest) / (2 * temper)))).ToArray();
        var total = likelihood.Sum();
        // Leaks that no sensor can tell apart (e.g. anywhere along a branch beyond the last sensor) fit equally well;
        // report the pipe with the most likelihood within the scoring radius, the best bet for a crew.
        var ids = top.Select(t => CandidatePipes[t.Pipe]).ToArray();
        var coverage = new double[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            for (var j = 0; j < top.Count; j++)
            {
                if (i == j || _distance.BetweenLinks(ids[i], ids[j]) <= radiusMeters)
                {
                    coverage[i] += likelihood[j] / total;
                }
            }
        }
        var order = Enumerable.Range(0, top.Count).OrderByDescending(i => coverage[i]).ThenByDescending(i => likelihood[i]).ToList();
        var bestId = order.Count > 0 ? ids[order[0]] : null;
        var ranked = order.Select(i => new PipeCandidate(ids[i], Math.Round(coverage[i], 4), Math.Round(top[i].Q, 4), bestId is null ? 0 : Math.Round(_distance.BetweenLinks(bestId, ids[i]), 1))).ToList();
        var area = ranked.Take(Math.Max(1, areaSize)).Select(c => c.PipeId).ToList();
        var points = area.Select(id => LeakNetworkTools.Midpoint(_network, _pipes[id])).Where(p => p is not null).Select(p => p!.Value).ToList();
        if (points.Count == 0)
        {
            return new LeakLocalisation(ranked, null, null, null, area);
        }
        var cx = points.Average(p => p.X);
        var cy = points.Average(p => p.Y);
        var radius = points.Max(p => Math.Sqrt(((p.X - cx) * (p.X - cx)) + ((p.Y - cy) * (p.Y - cy))));
        var firstPipe = _pipes[area[0]];
        if (_network.Coordinates.TryGetValue(firstPipe.FromNode, out var a) && _network.Coordinates.TryGetValue(firstPipe.ToNode, out var b))
        {
            // never smaller than half the best pipe's drawn length, so a single candidate still shows as an area
            radius = Math.Max(radius, 0.5 * Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y))));
        }
        return new LeakLocalisation(ranked, cx, cy, radius, area);
    }
}
