using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CivicGrid.LoadTest;

/// <summary>
/// Builds batches the way a head-end system sends them: a group of meters, each with a run of consecutive 15-minute
/// readings. Every meter's clock only moves forward, so nothing sent is a duplicate.
/// </summary>
internal sealed class BatchGenerator(int devices, int readingsPerDevice, int batchReadings)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly int[] _nextInterval = new int[devices];
    private readonly int _metersPerBatch = batchReadings / readingsPerDevice;
    private int _nextMeter;

    public int ReadingsPerBatch => _metersPerBatch * readingsPerDevice;

    public byte[] Next()
    {
        var buffer = new ArrayBufferWriter<byte>(ReadingsPerBatch * 110);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            for (var m = 0; m < _metersPerBatch; m++)
            {
                var meter = (Interlocked.Increment(ref _nextMeter) & int.MaxValue) % _nextInterval.Length;
                var first = Interlocked.Add(ref _nextInterval[meter], readingsPerDevice) - readingsPerDevice;
                var id = "load-m" + meter.ToString(CultureInfo.InvariantCulture);
                for (var k = 0; k < readingsPerDevice; k++)
                {
                    var interval = first + k;
                    json.WriteStartObject();
                    json.WriteString("deviceId", id);
                    json.WriteString("kind", "meter");
                    json.WriteString("time", Start.AddMinutes(15.0 * interval));
                    json.WriteNumber("powerKw", 0.2 + ((meter * 31 + interval) % 50) / 10.0);
                    json.WriteEndObject();
                }
            }
            json.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>What one measured run observed.</summary>
internal sealed record LoadResult(double Seconds, long Readings, long Batches, long Refused, long Errors, IReadOnlyList<double> LatenciesMs, string? FirstError)
{
    public object ToReport(LoadTestSettings settings, IReadOnlyList<long> peakServerBytes)
    {
        var sorted = LatenciesMs.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new
        {
            storage = settings.Postgres is null ? "sqlite" : "postgresql",
            silos = settings.Silos,
            seconds = Math.Round(Seconds, 1),
            senders = settings.Concurrency,
            batch_readings = settings.BatchReadings,
            devices = settings.Devices,
            readings_acknowledged = Readings,
            batches_acknowledged = Batches,
            readings_per_second = Math.Round(Readings / Seconds),
            batch_latency_ms_p50 = Math.Round(Percentile(0.50), 1),
            batch_latency_ms_p99 = Math.Round(Percentile(0.99), 1),
            batch_latency_ms_max = sorted.Length == 0 ? double.NaN : Math.Round(sorted[^1], 1),
            refused_busy_503 = Refused,
            errors = Errors,
            first_error = FirstError,
            server_peak_resident_mib = Math.Round(peakServerBytes.Sum() / 1048576.0, 1),
            silo_peak_resident_mib = peakServerBytes.Select(b => Math.Round(b / 1048576.0, 1)).ToArray(),
        };
    }
}

/// <summary>
/// Several senders posting batches back to back for a fixed time; a 503 waits Retry-After and resends. With several
/// servers (silos of one cluster) each batch goes to the next server in turn, as a round-robin load balancer sends it.
/// </summary>
internal sealed class LoadRun(IReadOnlyList<HttpClient> servers, BatchGenerator generator, int senders)
{
    private readonly List<double> _latencies = [];
    private long _readings, _batches, _refused, _errors, _sent;
    private string? _firstError;

    public async Task<LoadResult> RunAsync(TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var end = clock.Elapsed + duration;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(() => SendAsync(clock, end))));
        return new LoadResult(clock.Elapsed.TotalSeconds, _readings, _batches, _refused, _errors, _latencies, _firstError);
    }

    private async Task SendAsync(Stopwatch clock, TimeSpan end)
    {
        while (clock.Elapsed < end)
        {
            var body = generator.Next();
            while (clock.Elapsed < end)
            {
                var started = clock.Elapsed;
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                HttpResponseMessage response;
                try
                {
                    var http = servers[(int)((Interlocked.Increment(ref _sent) & long.MaxValue) % servers.Count)];
                    response = await http.PostAsync(new Uri("/api/telemetry/batch", UriKind.Relative), content);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Fail(ex.Message);
                    break;
                }
                using (response)
                {
                    var latency = (clock.Elapsed - started).TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        lock (_latencies)
                        {
                            _latencies.Add(latency);
                        }
                        Interlocked.Add(ref _readings, generator.ReadingsPerBatch);
                        Interlocked.Increment(ref _batches);
                        break;
                    }
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref _refused);
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                        continue;
                    }
                    Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    break;
                }
            }
        }
    }

    private void Fail(string message)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, message, null);
    }
}

internal static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
}
