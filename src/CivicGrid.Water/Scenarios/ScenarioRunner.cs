using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Scenarios;

/// <summary>
/// Runs many what-if variants of one network across cores. The network is loaded once; each worker owns one
/// <see cref="HydraulicSimulation"/> that it reuses for every variant it takes, so the per-variant cost is only the
/// solve. Results come back in the order of the variants, whatever the number of workers.
/// </summary>
public sealed class ScenarioRunner
{
    private readonly HydraulicSimulation[] _simulations;

    /// <param name="network">The network every variant starts from.</param>
    /// <param name="workers">Number of parallel workers; 0 or less uses one per core.</param>
    public ScenarioRunner(WaterNetwork network, int workers = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        var count = workers > 0 ? workers : Environment.ProcessorCount;
        _simulations = new HydraulicSimulation[count];
        for (var w = 0; w < count; w++)
        {
            _simulations[w] = new HydraulicSimulation(network);
        }
    }

    /// <summary>Number of workers (and simulations) this runner uses.</summary>
    public int Workers => _simulations.Length;

    /// <summary>
    /// Evaluates every variant and returns the results in variant order. <paramref name="evaluate"/> receives a
    /// worker's simulation and must undo the what-if overrides it sets before returning (the simulation is reused).
    /// <paramref name="progress"/> receives the number of variants finished so far.
    /// </summary>
    public TResult[] Run<TVariant, TResult>(
        IReadOnlyList<TVariant> variants,
        Func<HydraulicSimulation, TVariant, TResult> evaluate,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variants);
        ArgumentNullException.ThrowIfNull(evaluate);
        var results = new TResult[variants.Count];
        var next = -1;
        var done = 0;
        var workers = Math.Min(_simulations.Length, Math.Max(1, variants.Count));
        void Work(int w)
        {
            var sim = _simulations[w];
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var i = Interlocked.Increment(ref next);
                if (i >= variants.Count)
                {
                    return;
                }
                results[i] = evaluate(sim, variants[i]);
                var finished = Interlocked.Increment(ref done);
                progress?.Report(finished);
            }
        }
        if (workers == 1)
        {
            Work(0);
        }
        else
        {
            var threads = new Thread[workers];
            Exception? failure = null;
            for (var w = 0; w < workers; w++)
            {
                var id = w;
                threads[w] = new Thread(() =>
                {
                    try
                    {
                        Work(id);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                        Interlocked.Exchange(ref next, int.MaxValue - workers - 1);
                    }
                }) { IsBackground = true, Name = $"water-scenario-{id}" };
                threads[w].Start();
            }
            foreach (var t in threads)
            {
                t.Join();
            }
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }

    /// <summary>Resets <paramref name="sim"/> and runs it (with its own controls) up to the first hydraulic time at or
    /// after <paramref name="timeSeconds"/>; <paramref name="atTime"/> is applied just before that last solve (e.g. a
    /// fire flow that starts then). Returns whether that last solve converged.</summary>
    internal static bool SolveAt(HydraulicSimulation sim, long timeSeconds, Action? atTime = null)
    {
        sim.Reset();
        while (sim.TimeSeconds < timeSeconds)
        {
            sim.SolveCurrent();
            if (sim.Advance() == 0)
            {
                return false;
            }
        }
        atTime?.Invoke();
        return sim.SolveCurrent().Converged;
    }
}
