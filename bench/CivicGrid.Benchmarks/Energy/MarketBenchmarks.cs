using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CivicGrid.Energy.Market;
using CivicGrid.Energy.Shedding;
using Google.OrTools.LinearSolver;

namespace CivicGrid.Benchmarks.Energy;

/// <summary>
/// Clearing 100,000 random bids of one interval: the project's merit-order uniform-price auction, the continuous
/// double auction (order book), and as the peer the same welfare-maximising LP solved by COIN-OR CLP through OR-Tools
/// (what a generic optimisation-model market does); both give the same welfare and price.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class MarketClearingBenchmarks
{
    private List<Bid> _bids = [];

    [Params(100_000)]
    public int Bids { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _bids = Enumerable.Range(0, Bids).Select(k =>
        {
            var buy = rng.NextDouble() < 0.5;
            return new Bid("b" + k, "p" + k, buy ? BidSide.Buy : BidSide.Sell, 0.1 + 10 * rng.NextDouble(),
                buy ? 0.05 + 0.35 * rng.NextDouble() : 0.30 * rng.NextDouble(), null, 0, k);
        }).ToList();
    }

    [Benchmark(Baseline = true)]
    public double UniformPriceAuction100k() => UniformPriceAuction.Clear(_bids).PriceEurPerKWh;

    [Benchmark]
    public double ContinuousDoubleAuction100k()
    {
        var cda = new ContinuousDoubleAuction();
        foreach (var b in _bids)
        {
            cda.Submit(b);
        }
        return cda.Trades.Count;
    }

    [Benchmark]
    public double WelfareLpClp100k()
    {
        using var solver = Solver.CreateSolver("CLP")!;
        var balance = solver.MakeConstraint(0, 0);
        var objective = solver.Objective();
        foreach (var b in _bids)
        {
            var x = solver.MakeNumVar(0, b.QuantityKWh, "");
            balance.SetCoefficient(x, b.Side == BidSide.Sell ? 1 : -1);
            objective.SetCoefficient(x, b.Side == BidSide.Sell ? b.PriceEurPerKWh : -b.PriceEurPerKWh);
        }
        objective.SetMinimization();
        solver.Solve();
        return balance.DualValue();
    }
}

/// <summary>Rotating load shedding: 1,000 blocks (≈15,000 households) over three days of quarter hours.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 3)]
public class MarketSheddingBenchmarks
{
    private List<SheddingBlock> _blocks = [];
    private double[] _shortfall = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        var h = 0;
        _blocks = Enumerable.Range(0, 1000).Select(b => new SheddingBlock("B" + b, "D" + (b % 20),
            Enumerable.Range(0, 5 + rng.Next(20)).Select(_ => new Household("H" + h++, "D" + (b % 20), "g", 0.3 + 2 * rng.NextDouble(), rng.NextDouble() < 0.02)).ToList())).ToList();
        var total = _blocks.Sum(b => b.SheddableKW);
        _shortfall = Enumerable.Range(0, 288).Select(_ => total * (0.1 + 0.2 * rng.NextDouble())).ToArray();
    }

    [Benchmark]
    public int Shed1000Blocks288Intervals() => new RotatingBlockShedder(_blocks).Plan(_shortfall).Count;
}
