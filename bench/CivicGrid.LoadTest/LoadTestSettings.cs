using System.Globalization;

namespace CivicGrid.LoadTest;

/// <summary>Command-line settings of the load test.</summary>
internal sealed class LoadTestSettings
{
    public const string Usage = """
        usage: CivicGrid.LoadTest --server <path/to/CivicGrid.Server.dll> [options]
          --seconds N        measured duration (default 60)
          --warmup N         warm-up seconds before measuring (default 5)
          --devices N        simulated meters (default 2000)
          --per-device N     consecutive readings per meter in one batch (default 20)
          --batch N          readings per HTTP batch (default 1000)
          --concurrency N    concurrent senders (default 8)
          --postgres CS      use PostgreSQL at this connection string instead of SQLite
          --silos N          server processes forming one Orleans cluster (ADO.NET membership; N > 1 needs
                             --postgres); batches are spread round-robin over their HTTP endpoints (default 1)
          --data DIR         data directory (default: a new temporary folder)
          --port N           HTTP port of the (first) server (default: a free port)
        """;

    public required string ServerDll { get; init; }

    public int Seconds { get; init; } = 60;

    public int WarmupSeconds { get; init; } = 5;

    public int Devices { get; init; } = 2000;

    public int ReadingsPerDevice { get; init; } = 20;

    public int BatchReadings { get; init; } = 1000;

    public int Concurrency { get; init; } = 8;

    public string? Postgres { get; init; }

    /// <summary>How many server processes (silos of one cluster) receive the load.</summary>
    public int Silos { get; init; } = 1;

    public string? DataDirectory { get; init; }

    public int Port { get; init; }

    public static LoadTestSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }
            values[args[i][2..]] = args[++i];
        }
        int Int(string key, int fallback, int minimum)
        {
            if (!values.TryGetValue(key, out var raw))
            {
                return fallback;
            }
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= minimum
                ? v
                : throw new ArgumentException($"--{key} must be an integer of at least {minimum.ToString(CultureInfo.InvariantCulture)}, not '{raw}'");
        }
        var server = values.GetValueOrDefault("server") ?? throw new ArgumentException("--server is required");
        if (!File.Exists(server))
        {
            throw new ArgumentException($"--server: {server} does not exist (build src/CivicGrid.Server first)");
        }
        var known = new HashSet<string> { "server", "seconds", "warmup", "devices", "per-device", "batch", "concurrency", "postgres", "silos", "data", "port" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"unknown option --{unknown}");
        }
        var settings = new LoadTestSettings
        {
            ServerDll = Path.GetFullPath(server),
            Seconds = Int("seconds", 60, 1),
            WarmupSeconds = Int("warmup", 5, 0),
            Devices = Int("devices", 2000, 1),
            ReadingsPerDevice = Int("per-device", 20, 1),
            BatchReadings = Int("batch", 1000, 1),
            Concurrency = Int("concurrency", 8, 1),
            Postgres = values.GetValueOrDefault("postgres"),
            Silos = Int("silos", 1, 1),
            DataDirectory = values.GetValueOrDefault("data"),
            Port = Int("port", 0, 0) is var port and > 0 ? port : LoadTestProgram.FreeTcpPort(),
        };
        if (settings.Silos > 1 && settings.Postgres is null)
        {
            throw new ArgumentException("--silos above 1 needs --postgres: the silos share membership, grain state and readings in PostgreSQL");
        }
        return settings.BatchReadings % settings.ReadingsPerDevice != 0 || settings.BatchReadings / settings.ReadingsPerDevice > settings.Devices
            ? throw new ArgumentException("--batch must be a multiple of --per-device and cover at most --devices meters")
            : settings;
    }
}
