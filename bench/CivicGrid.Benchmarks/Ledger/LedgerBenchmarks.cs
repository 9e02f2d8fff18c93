using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Storage;

namespace CivicGrid.Benchmarks.Ledger;

/// <summary>
/// Durable, batched appends to the file-system log (each acknowledged after fsync), per append.
/// Peer: Tessera POSIX ~10,000/s on 7 cores NVMe, >1,500/s on a free-tier VM; Trillian v1 60–100/s (PEERS.md).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LedgerBenchConfig.Monitoring))]
public class LedgerAppendBenchmarks
{
    private const int PerInvoke = 20_000;
    private string _dir = string.Empty;
    private NoteSigner _signer = null!;
    private TransparencyLog _log = null!;
    private byte[][] _entries = [];

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "civicgrid-bench-append-" + Guid.NewGuid().ToString("N"));
        _signer = NoteSigner.Generate("civicgrid.bench/append");
        _log = TransparencyLog.Open(new FileSystemLogStorage(_dir), _signer);
        // A typical canonical DecisionRecord is a few hundred bytes.
        _entries = [.. Enumerable.Range(0, PerInvoke).Select(i => Encoding.UTF8.GetBytes(
            "{\"algorithm\":\"equal-shares\",\"asset\":\"feeder-" + i + "\",\"kind\":\"curtailment\",\"outcome\":{\"kw\":12.5},\"reason\":\"thermal limit on transformer T4\",\"region\":\"north\"}"))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _signer.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "durable append (batched, fsync)")]
    public async Task<long> DurableAppend()
    {
        var tasks = new Task<long>[PerInvoke];
        for (var i = 0; i < PerInvoke; i++)
        {
            tasks[i] = _log.AppendAsync(_entries[i]);
        }
        var indexes = await Task.WhenAll(tasks);
        return indexes[^1];
    }
}

/// <summary>Proof generation (from tiles on disk, cached) and verification in a log of 1,000,000 entries.</summary>
[MemoryDiagnoser]
[Config(typeof(LedgerBenchConfig.Throughput))]
public class LedgerProofBenchmarks
{
    private const long Size = 1_000_000;
    private static readonly string Dir = Path.Combine(Path.GetTempPath(), "civicgrid-bench-ledger-1m");
    private FileSystemLogStorage _storage = null!;
    private INodeHashSource _nodes = null!;
    private byte[] _root = [];
    private byte[] _oldRoot = [];
    private byte[] _leaf = [];
    private IReadOnlyList<byte[]> _inclusion = [];
    private IReadOnlyList<byte[]> _consistency = [];
    private long _index;

    [GlobalSetup]
    public void Setup()
    {
        _storage = new FileSystemLogStorage(Dir);
        if (_storage.DurableSize < Size)
        {
            var batch = new List<byte[]>(10_000);
            for (var i = _storage.DurableSize; i < Size; i++)
            {
                batch.Add(Encoding.UTF8.GetBytes("decision " + i));
                if (batch.Count == 10_000)
                {
                    _storage.AppendDurable(batch);
                    _storage.Integrate();
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                _storage.AppendDurable(batch);
            }
        }
        _storage.Integrate();
        _nodes = _storage.Nodes(Size);
        _root = MerkleProofs.Root(_nodes, Size);
        _oldRoot = MerkleProofs.Root(_nodes, 654_321);
        _index = 765_432;
        _leaf = MerkleHash.Leaf(_storage.ReadEntry(_index));
        _inclusion = MerkleProofs.Inclusion(_nodes, _index, Size);
        _consistency = MerkleProofs.Consistency(_nodes, 654_321, Size);
    }

    [GlobalCleanup]
    public void Cleanup() => _storage.Dispose();

    [Benchmark(Description = "inclusion proof, generate @1M")]
    public int GenerateInclusion() => MerkleProofs.Inclusion(_nodes, _index++ % Size, Size).Count;

    [Benchmark(Description = "inclusion proof, verify @1M")]
    public bool VerifyInclusion() => ProofVerifier.VerifyInclusion(765_432, Size, _leaf, _inclusion, _root);

    [Benchmark(Description = "consistency proof, generate 654,321→1M")]
    public int GenerateConsistency() => MerkleProofs.Consistency(_nodes, 654_321, Size).Count;

    [Benchmark(Description = "consistency proof, verify 654,321→1M")]
    public bool VerifyConsistency() => ProofVerifier.VerifyConsistency(654_321, Size, _oldRoot, _root, _consistency);
}

/// <summary>Short in-process jobs: the machine is small and shared, and the runs must stay within minutes.</summary>
public static class LedgerBenchConfig
{
    public sealed class Monitoring : ManualConfig
    {
        public Monitoring() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(5));
    }

    public sealed class Throughput : ManualConfig
    {
        public Throughput() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Throughput)
            .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5));
    }
}
