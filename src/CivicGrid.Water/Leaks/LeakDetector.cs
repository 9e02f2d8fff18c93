using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Leaks;

/// <summary>Detection methods: a per-sensor threshold baseline, model-based residuals, a data-driven regression,
/// and the combination of the last two.</summary>
public enum LeakDetectionMethod
{
    Threshold,
    ModelResidual,
    DataDriven,
    Combined,
}

/// <summary>Settings of <see cref="LeakDetector"/>.</summary>
public sealed record LeakDetectorOptions
{
    /// <summary>Leak-free period at the start of the data used for training, seconds.</summary>
    public long TrainingSeconds { get; init; } = 5 * 86400;

    /// <summary>CUSUM drift k (in standard deviations) subtracted at every sample.</summary>
    public double CusumDrift { get; init; } = 0.5;

    /// <summary>The alarm threshold is this factor times the largest CUSUM statistic seen on the training data ...</summary>
    public double ThresholdMargin { get; init; } = 1.5;

    /// <summary>... and never lower than this (standard deviations).</summary>
    public double MinimumThreshold { get; init; } = 10.0;

    /// <summary>After an alarm, no new alarm for this long; the residual baseline is then re-estimated over it.</summary>
    public long HoldOffSeconds { get; init; } = 86400;

    /// <summary>Window after the alarm over which the residual signature is averaged for localisation, seconds.</summary>
    public long SignatureWindowSeconds { get; init; } = 43200;

    /// <summary>An alarm localised within this pipe distance of an earlier alarm's best pipe is the same leak (m).</summary>
    public double MergeDistanceMeters { get; init; } = 300;

    /// <summary>Threshold baseline: alarm when a pressure is this far (m) below its training minimum for the same hour of day.</summary>
    public double BaselineMarginMeters { get; init; } = 0.1;

    /// <summary>Snapshots of the leak-free model (over the first day) averaged in the sensitivity matrix.</summary>
    public int SensitivitySnapshots { get; init; } = 24;
}

/// <summary>One raised alarm with its localisation.</summary>
public sealed record LeakAlarm(string Method, long TimeSeconds, long ChangeStartSeconds, double Statistic, double Threshold, string TriggerSensor, LeakLocalisation Localisation);

/// <summary>The alarms of one method over a data set.</summary>
public sealed record LeakDetectionResult(string Method, double Threshold, IReadOnlyList<LeakAlarm> Alarms);

/// <summary>
/// Leak detection and localisation over pressure-sensor data. Built once per data set: runs the leak-free model at
/// the data's sample times (nominal demands), computes the model residuals, trains the per-sensor regressions on the
/// leak-free training period and the leak sensitivity matrix; <see cref="Detect"/> then runs any method.
/// Detection is a one-sided CUSUM on normalised residuals (pressure lower than expected) per sensor; its threshold
/// is calibrated on the training period. Localisation correlates the model-residual signature after the alarm
/// with the sensitivity matrix (<see cref="LeakSensitivityMatrix.Localise"/>).
/// </summary>
public sealed class LeakDetector
{
    private readonly WaterNetwork _network;
    private readonly SensorData _data;
    private readonly LeakDetectorOptions _options;
    private readonly List<SensorChannel> _sensors;
    private readonly List<SensorChannel> _levels;
    private readonly int _training;
    private readonly double[][] _modelResidual; // [sensor][t], m
    private readonly double[][] _zModel;
    private readonly double[][] _zData;
    private readonly double[][] _zCombined;
    private readonly double[] _sigmaModel;
    private readonly double[][] _centredModel; // model residual minus its hour-of-day training mean, m
    private readonly LeakSensitivityMatrix _sensitivity;
    private readonly List<(long Time, LeakSensitivityMatrix Matrix)> _snapshots;
    private readonly List<(SensorChannel Channel, double Sign)> _supplyChannels = [];
    private readonly double[]? _centredSupply; // measured minus modelled total supply, minus its hour-of-day mean, L/s
    private readonly double _sigmaSupply;

    public LeakDetector(WaterNetwork network, SensorData data, LeakDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        _network = network;
        _data = data;
        _options = options ?? new LeakDetectorOptions();
        _sensors = [.. data.Pressures];
        _levels = [.. data.Levels.Where(l => network.Tanks.Any(t => string.Equals(t.Id, l.ElementId, StringComparison.OrdinalIgnoreCase)))];
        if (_sensors.Count == 0)
        {
            throw new ArgumentException("the data has no pressure sensor (P:<node> column)");
        }
        foreach (var s in _sensors)
        {
            if (network.Junctions.All(j => !string.Equals(j.Id, s.ElementId, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"pressure sensor node '{s.ElementId}' is not a junction of the network");
            }
        }
        // The water balance: when every link leaving a reservoir or tank has a flow sensor, their sum is the total
        // supply (consumption + leakage).
        var fixedGrade = new HashSet<string>(network.FixedGradeNodes.Select(n => n.Id), StringComparer.OrdinalIgnoreCase);
        var flows = data.Channels.Where(c => c.Kind == SensorKind.Flow).ToDictionary(c => c.ElementId, StringComparer.OrdinalIgnoreCase);
        foreach (var link in network.Links.Where(l => fixedGrade.Contains(l.FromNode) ^ fixedGrade.Contains(l.ToNode)))
        {
            if (!flows.TryGetValue(link.Id, out var channel))
            {
                _supplyChannels.Clear();
                break;
            }
            _supplyChannels.Add((channel, fixedGrade.Contains(link.FromNode) ? 1.0 : -1.0));
        }
        _training = data.TimesSeconds.Count(t => t < _options.TrainingSeconds);
        if (_training < 8)
        {
            throw new ArgumentException($"the training period ({_options.TrainingSeconds} s) holds only {_training} samples; at least 8 are needed");
        }
        (var simulated, var simulatedSupply, _snapshots) = RunModel();
        _sensitivity = LeakSensitivityMatrix.Average([.. _snapshots.Where(x => x.Time < 86400).Select(x => x.Matrix)]);
        var n = data.TimesSeconds.Count;
        var m = _sensors.Count;
        _modelResidual = new double[m][];
        _sigmaModel = new double[m];
        for (var s = 0; s < m; s++)
        {
            _modelResidual[s] = new double[n];
            for (var t = 0; t < n; t++)
            {
                _modelResidual[s][t] = _sensors[s].Values[t] - simulated[s][t];
            }
        }
        _centredModel = new double[m][];
        _zModel = Normalise(_modelResidual, _sigmaModel, _centredModel);
        _zData = Normalise(RegressionResiduals(), new double[m]);
        var sum = _zModel.Select((row, s) => row.Select((v, t) => v + _zData[s][t]).ToArray()).ToArray();
        _zCombined = Normalise(sum, new double[m]);
        if (_supplyChannels.Count > 0)
        {
            // Extra row, sign flipped so that "lower than expected" means a leak like the pressures: more supply
            // than the model (model-based) or than the training profile for that hour (data-driven).
            var measured = Enumerable.Range(0, n).Select(t => _supplyChannels.Sum(c => c.Sign * c.Channel.Values[t])).ToArray();
            var sigma = new double[1];
            var centred = new double[1][];
            var zm = Normalise([measured.Select((v, t) => simulatedSupply[t] - v).ToArray()], sigma, centred)[0];
            _sigmaSupply = sigma[0];
            _centredSupply = centred[0].Select(v => -v).ToArray();
            var zd = Normalise([measured.Select(v => -v).ToArray()], new double[1])[0];
            _zModel = [.. _zModel, zm];
            _zData = [.. _zData, zd];
            _zCombined = [.. _zCombined, Normalise([zm.Select((v, t) => v + zd[t]).ToArray()], new double[1])[0]];
        }
    }

    /// <summary>The sensitivity matrix over the candidate pipes at the data's pressure sensors.</summary>
    public LeakSensitivityMatrix Sensitivity => _sensitivity;

    public LeakDetectionResult Detect(LeakDetectionMethod method) => method switch
    {
        LeakDetectionMethod.Threshold => DetectThreshold(),
        LeakDetectionMethod.ModelResidual => DetectCusum("model", _zModel),
        LeakDetectionMethod.DataDriven => DetectCusum("data", _zData),
        _ => DetectCusum("combined", _zCombined),
    };

    /// <summary>Short method names as used in the CLI and reports.</summary>
    public static string Name(LeakDetectionMethod method) => method switch
    {
        LeakDetectionMethod.Threshold => "threshold",
        LeakDetectionMethod.ModelResidual => "model",
        LeakDetectionMethod.DataDriven => "data",
        _ => "combined",
    };

    public static bool TryParse(string name, out LeakDetectionMethod method)
    {
        foreach (var m in Enum.GetValues<LeakDetectionMethod>())
        {
            if (string.Equals(Name(m), name, StringComparison.OrdinalIgnoreCase))
            {
                method = m;
                return true;
            }
        }
        method = LeakDetectionMethod.Combined;
        return false;
    }

    private (double[][] Simulated, double[] Supply, List<(long, LeakSensitivityMatrix)> Snapshots) RunModel()
    {
        var times = _data.TimesSeconds;
        var step = _data.SampleStepSeconds;
        var model = LeakNetworkTools.Clone(_network);
        LeakNetworkTools.ConfigureRun(model, times[^1], step);
        var sim = new HydraulicSimulation(model);
        var index = new Dictionary<long, int>();
        for (var i = 0; i < times.Count; i++)
        {
            index.TryAdd(times[i], i);
        }
        var nodes = _sensors.Select(s => sim.NodeIndexOf(s.ElementId)).ToArray();
        var simulated = _sensors.Select(_ => new double[times.Count]).ToArray();
        var supply = new double[times.Count];
        var supplyLinks = _supplyChannels.Select(c => (sim.LinkIndexOf(c.Channel.ElementId), c.Sign)).ToArray();
        var litersPerSecondPerFileFlow = UnitSystem.CubicMetersPerCubicFoot * 1000.0 / sim.Network.Units.Flow;
        var sensorIds = _sensors.Select(s => s.ElementId).ToList();
        var snapshots = new List<(long, LeakSensitivityMatrix)>();
        // Snapshots of the linearised model through the whole run (localisation uses those of the alarm's window),
        // thinned on large networks to bound memory.
        var snapshotStep = Math.Max(86400 / Math.Max(1, _options.SensitivitySnapshots), step);
        var candidates = LeakNetworkTools.CandidatePipes(_network).Count;
        while ((double)times[^1] / snapshotStep * candidates * _sensors.Count > 4e6)
        {
            snapshotStep *= 2;
        }
        snapshotStep = Math.Max(step, snapshotStep / step * step);
        sim.Reset();
        do
        {
            var t = sim.TimeSeconds;
            var known = index.TryGetValue(t, out var i);
            if (known)
            {
                // Measured tank levels are boundary conditions of the model (state estimation), as in SCADA practice.
                foreach (var level in _levels)
                {
                    sim.SetTankLevel(level.ElementId, level.Values[i]);
                }
            }
            sim.SolveCurrent();
            if (known)
            {
                for (var s = 0; s < nodes.Length; s++)
                {
                    simulated[s][i] = sim.PressureMeters(nodes[s]);
                }
                foreach (var (link, sign) in supplyLinks)
                {
                    supply[i] += sign * sim.FlowFileUnits(link) * litersPerSecondPerFileFlow;
                }
            }
            if (t % snapshotStep == 0)
            {
                var acc = new LeakSensitivityMatrix.Accumulator(_network, sensorIds);
                acc.Add(sim);
                snapshots.Add((t, acc.Build()));
            }
        }
        while (sim.Advance() > 0);
        return (simulated, supply, snapshots);
    }

    // Each pressure predicted from the other pressures (plus a constant) by ridge regression on the training period.
    private double[][] RegressionResiduals()
    {
        var m = _sensors.Count;
        var n = _data.TimesSeconds.Count;
        var result = new double[m][];
        for (var s = 0; s < m; s++)
        {
            var inputs = _sensors.Where((_, o) => o != s).Concat(_levels).Select(c => c.Values).ToArray();
            var mean = inputs.Select(v => v.Take(_training).Average()).ToArray();
            var sd = inputs.Select((v, i) => Math.Max(1e-6, StdDev(v.Take(_training), mean[i]))).ToArray();
            var y = _sensors[s].Values;
            var yMean = y.Take(_training).Average();
            var p = inputs.Length;
            var ata = new double[p, p];
            var aty = new double[p];
            for (var t = 0; t < _training; t++)
            {
                for (var i = 0; i < p; i++)
                {
                    var xi = (inputs[i][t] - mean[i]) / sd[i];
                    aty[i] += xi * (y[t] - yMean);
                    for (var j = 0; j <= i; j++)
                    {
                        ata[i, j] += xi * ((inputs[j][t] - mean[j]) / sd[j]);
                    }
                }
            }
            for (var i = 0; i < p; i++)
            {
                ata[i, i] += 1e-3 * _training;
                for (var j = 0; j < i; j++)
                {
                    ata[j, i] = ata[i, j];
                }
            }
            var beta = DenseSolve(ata, aty);
            result[s] = new double[n];
            for (var t = 0; t < n; t++)
            {
                var pred = yMean;
                for (var i = 0; i < p; i++)
                {
                    pred += beta[i] * ((inputs[i][t] - mean[i]) / sd[i]);
                }
                result[s][t] = y[t] - pred;
            }
        }
        return result;
    }

    // Residuals minus their training mean for the same hour of day (a model error that follows the demand cycle),
    // divided by the training standard deviation.
    private double[][] Normalise(double[][] residual, double[] sigmaOut, double[][]? centredOut = null)
    {
        var slot = _data.TimesSeconds.Select(t => (int)(t % 86400 / 3600)).ToArray();
        var z = new double[residual.Length][];
        for (var s = 0; s < residual.Length; s++)
        {
            var r = residual[s];
            var overall = r.Take(_training).Average();
            var sum = new double[24];
            var count = new int[24];
            for (var t = 0; t < _training; t++)
            {
                sum[slot[t]] += r[t];
                count[slot[t]]++;
            }
            var mean = Enumerable.Range(0, 24).Select(h => count[h] > 0 ? sum[h] / count[h] : overall).ToArray();
            var centred = r.Select((v, t) => v - mean[slot[t]]).ToArray();
            if (centredOut is not null)
            {
                centredOut[s] = centred;
            }
            // Robust spread (1.4826 × median absolute deviation): pump switchings that the model times a little
            // differently give short spikes that would otherwise inflate it; the floor keeps a noise-free series
            // from turning round-off into alarms. z is clipped at ±ZClip for the same reason.
            var sd = Math.Max(1e-3, 1.4826 * Median(centred.Take(_training).Select(Math.Abs)));
            sigmaOut[s] = sd;
            z[s] = centred.Select(v => Math.Clamp(v / sd, -ZClip, ZClip)).ToArray();
        }
        return z;
    }

    private LeakDetectionResult DetectCusum(string name, double[][] z)
    {
        var m = z.Length;
        var n = _data.TimesSeconds.Count;
        var k = _options.CusumDrift;
        // Calibrate the threshold on the training period.
        var cusum = new double[m];
        var maxTraining = 0.0;
        for (var t = 0; t < _training; t++)
        {
            for (var s = 0; s < m; s++)
            {
                cusum[s] = Math.Max(0, cusum[s] - z[s][t] - k);
                maxTraining = Math.Max(maxTraining, cusum[s]);
            }
        }
        var h = Math.Max(_options.MinimumThreshold, _options.ThresholdMargin * maxTraining);
        var offset = new double[m];         // re-estimated baseline (z units) after each alarm
        var offsetMeters = new double[m + 1]; // the same for the model residuals (m; last: supply, L/s), for localisation
        var lastZero = new int[m];
        Array.Clear(cusum);
        var alarms = new List<LeakAlarm>();
        var t0 = _training;
        Array.Fill(lastZero, t0);
        for (var t = t0; t < n; t++)
        {
            var trigger = -1;
            for (var s = 0; s < m; s++)
            {
                cusum[s] = Math.Max(0, cusum[s] - (z[s][t] - offset[s]) - k);
                if (cusum[s] == 0)
                {
                    lastZero[s] = t;
                }
                if (cusum[s] > h && (trigger < 0 || cusum[s] > cusum[trigger]))
                {
                    trigger = s;
                }
            }
            if (trigger < 0)
            {
                continue;
            }
            var localisation = LocaliseAt(t, offsetMeters);
            var sensor = trigger < _sensors.Count ? _sensors[trigger].ElementId : "supply";
            var alarm = new LeakAlarm(name, _data.TimesSeconds[t], _data.TimesSeconds[lastZero[trigger]], Math.Round(cusum[trigger], 3), Math.Round(h, 3), sensor, localisation);
            if (!IsRepeat(alarms, alarm))
            {
                alarms.Add(alarm);
            }
            // Hold off, then absorb the change into the baseline so that a further leak shows as a new change.
            var end = Math.Min(n, t + Samples(_options.HoldOffSeconds));
            for (var s = 0; s < m; s++)
            {
                offset[s] = Mean(z[s], t, end);
                cusum[s] = 0;
                lastZero[s] = end;
            }
            for (var s = 0; s < _sensors.Count; s++)
            {
                offsetMeters[s] = TrimmedMean(_centredModel[s], t, end);
            }
            if (_centredSupply is not null)
            {
                offsetMeters[_sensors.Count] = TrimmedMean(_centredSupply, t, end);
            }
            t = end - 1;
        }
        return new LeakDetectionResult(name, h, alarms);
    }

    private LeakLocalisation LocaliseAt(int t, double[] offsetMeters)
    {
        var n = _data.TimesSeconds.Count;
        var end = Math.Min(n, t + Math.Max(1, Samples(_options.SignatureWindowSeconds)));
        var signature = new double[_sensors.Count];
        for (var s = 0; s < _sensors.Count; s++)
        {
            signature[s] = offsetMeters[s] - TrimmedMean(_centredModel[s], t, end);
        }
        // Averages over the window: the noise of each mean shrinks with the number of samples.
        var root = Math.Sqrt(end - t);
        var sigma = _sigmaModel.Select(v => v / root).ToArray();
        (double, double)? leak = _centredSupply is null ? null : (TrimmedMean(_centredSupply, t, end) - offsetMeters[_sensors.Count], _sigmaSupply / root);
        var t0 = _data.TimesSeconds[t];
        var t1 = _data.TimesSeconds[end - 1];
        var window = _snapshots.Where(x => x.Time >= t0 && x.Time <= t1).Select(x => x.Matrix).ToList();
        var matrix = window.Count > 0 ? LeakSensitivityMatrix.Average(window) : _sensitivity;
        return matrix.Localise(signature, sigma, leakEstimate: leak);
    }

    private LeakDetectionResult DetectThreshold()
    {
        var m = _sensors.Count;
        var n = _data.TimesSeconds.Count;
        var slot = _data.TimesSeconds.Select(t => (int)(t % 86400 / 3600)).ToArray();
        var low = new double[m, 24];
        for (var s = 0; s < m; s++)
        {
            for (var h = 0; h < 24; h++)
            {
                low[s, h] = double.PositiveInfinity;
            }
            for (var t = 0; t < _training; t++)
            {
                low[s, slot[t]] = Math.Min(low[s, slot[t]], _sensors[s].Values[t]);
            }
        }
        var alarms = new List<LeakAlarm>();
        var below = new int[m];
        for (var t = _training; t < n; t++)
        {
            var trigger = -1;
            var worst = 0.0;
            for (var s = 0; s < m; s++)
            {
                var limit = low[s, slot[t]] - _options.BaselineMarginMeters;
                var v = _sensors[s].Values[t];
                below[s] = double.IsFinite(limit) && v < limit ? below[s] + 1 : 0;
                if (below[s] >= 2 && limit - v > worst)
                {
                    worst = limit - v;
                    trigger = s;
                }
            }
            if (trigger < 0)
            {
                continue;
            }
            // The naive localisation: a pipe at the sensor that tripped.
            var node = _sensors[trigger].ElementId;
            var pipe = LeakNetworkTools.CandidatePipes(_network).FirstOrDefault(p => string.Equals(p.FromNode, node, StringComparison.OrdinalIgnoreCase) || string.Equals(p.ToNode, node, StringComparison.OrdinalIgnoreCase));
            var ranked = pipe is null ? [] : new List<PipeCandidate> { new(pipe.Id, 1.0, 0.0, 0.0) };
            var at = _network.Coordinates.TryGetValue(node, out var c) ? c : ((double, double)?)null;
            var localisation = new LeakLocalisation(ranked, at?.Item1, at?.Item2, at is null ? null : 0.0, [.. ranked.Select(r => r.PipeId)]);
            var alarm = new LeakAlarm("threshold", _data.TimesSeconds[t], _data.TimesSeconds[t - 1], Math.Round(worst, 3), _options.BaselineMarginMeters, node, localisation);
            if (alarms.All(a => a.TriggerSensor != node))
            {
                alarms.Add(alarm);
            }
            var end = Math.Min(n, t + Samples(_options.HoldOffSeconds));
            Array.Clear(below);
            t = end - 1;
        }
        return new LeakDetectionResult("threshold", _options.BaselineMarginMeters, alarms);
    }

    private bool IsRepeat(List<LeakAlarm> earlier, LeakAlarm alarm)
    {
        if (alarm.Localisation.BestPipeId is not { } best)
        {
            return false;
        }
        _mergeDistance ??= new NetworkDistance(_network);
        return earlier.Any(e => e.Localisation.BestPipeId is { } other && _mergeDistance.BetweenLinks(best, other) <= _options.MergeDistanceMeters);
    }

    private NetworkDistance? _mergeDistance;

    private int Samples(long seconds) => (int)Math.Max(1, seconds / Math.Max(1, _data.SampleStepSeconds));

    private static double Mean(double[] v, int from, int to)
    {
        if (to <= from)
        {
            return 0.0;
        }
        var sum = 0.0;
        for (var i = from; i < to; i++)
        {
            sum += v[i];
        }
        return sum / (to - from);
    }

    private const double ZClip = 4.0;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0.0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }

    // Mean of the middle 80 % of the values in [from, to): a few mismatched pump switchings do not move it.
    private static double TrimmedMean(double[] v, int from, int to)
    {
        if (to <= from)
        {
            return 0.0;
        }
        var sorted = v[from..to];
        Array.Sort(sorted);
        var cut = sorted.Length / 10;
        return sorted[cut..(sorted.Length - cut)].Average();
    }

    private static double StdDev(IEnumerable<double> values, double mean)
    {
        var list = values as IList<double> ?? [.. values];
        return list.Count < 2 ? 0.0 : Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }

    // Gaussian elimination with partial pivoting for the small normal-equation systems.
    private static double[] DenseSolve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var c = 0; c < n; c++)
        {
            var piv = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[piv, c]))
                {
                    piv = r;
                }
            }
            if (Math.Abs(m[piv, c]) < 1e-12)
            {
                continue;
            }
            if (piv != c)
            {
                for (var j = 0; j < n; j++)
                {
                    (m[c, j], m[piv, j]) = (m[piv, j], m[c, j]);
                }
                (x[c], x[piv]) = (x[piv], x[c]);
            }
            for (var r = c + 1; r < n; r++)
            {
                var f = m[r, c] / m[c, c];
                for (var j = c; j < n; j++)
                {
                    m[r, j] -= f * m[c, j];
                }
                x[r] -= f * x[c];
            }
        }
        for (var c = n - 1; c >= 0; c--)
        {
            if (Math.Abs(m[c, c]) < 1e-12)
            {
                x[c] = 0;
                continue;
            }
            for (var j = c + 1; j < n; j++)
            {
                x[c] -= m[c, j] * x[j];
            }
            x[c] /= m[c, c];
        }
        return x;
    }
}
