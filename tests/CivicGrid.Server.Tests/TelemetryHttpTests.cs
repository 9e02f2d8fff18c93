using System.Net;
using System.Text;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary><c>/api/telemetry</c>: batches acknowledged after commit, per-reading errors, duplicates, access.</summary>
[Collection(SqliteServerCollection.Name)]
public sealed class TelemetryHttpTests(SqliteServerFixture fixture)
{
    private static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> PostBatchAsync(HttpClient client, string json) =>
        client.PostAsync(new Uri("/api/telemetry/batch", UriKind.Relative), Json(json), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_batch_is_acknowledged_with_202_and_a_resend_counts_as_duplicates()
    {
        var server = await fixture.ServerAsync();
        var gateway = await server.CreateAccountAsync("telemetry-gateway", [PlatformRoles.Operator]);
        using var client = server.CreateApiClient(gateway.ApiKey);
        const string batch = """
            [
              {"deviceId":"http-m1","kind":"meter","time":"2026-11-23T00:15:00Z","powerKw":2.0},
              {"deviceId":"http-m1","kind":"meter","time":"2026-11-23T00:30:00Z","powerKw":3.0},
              {"deviceId":"http-w1","kind":"water","time":"2026-11-23T00:15:00Z","pressureHeadM":30.5,"flowM3PerS":0.02}
            ]
            """;
        var first = await (await PostBatchAsync(client, batch)).JsonAsync();
        Assert.Equal(3, first.GetProperty("accepted").GetInt32());
        Assert.Equal(0, first.GetProperty("duplicates").GetInt32());

        var again = await PostBatchAsync(client, batch);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var second = await again.JsonAsync();
        Assert.Equal(0, second.GetProperty("accepted").GetInt32());
        Assert.Equal(3, second.GetProperty("duplicates").GetInt32());

        // A late reading for an earlier interval is stored and listed in time order.
        await (await PostBatchAsync(client, """[{"deviceId":"http-m1","kind":"meter","time":"2026-11-23T00:00:00Z","powerKw":1.0}]""")).JsonAsync();
        var readings = await (await client.GetAtAsync("/api/telemetry/devices/http-m1/readings")).JsonAsync();
        Assert.Equal([1.0, 2.0, 3.0], readings.EnumerateArray().Select(r => r.GetProperty("powerKw").GetDouble()));
        Assert.Equal("meter", readings[0].GetProperty("kind").GetString());

        var status = await (await client.GetAtAsync("/api/telemetry/status")).JsonAsync();
        Assert.True(status.GetProperty("readingsAccepted").GetInt64() >= 4);
    }

    [Fact]
    public async Task Invalid_readings_refuse_the_batch_with_a_problem_naming_each_reading()
    {
        var server = await fixture.ServerAsync();
        var gateway = await server.CreateAccountAsync("telemetry-gateway-2", [PlatformRoles.Operator]);
        using var client = server.CreateApiClient(gateway.ApiKey);
        var response = await PostBatchAsync(client, """
            [
              {"deviceId":"http-bad-1","kind":"meter","time":"2026-11-23T00:15:00Z","powerKw":2.0},
              {"deviceId":"http-bad-2","kind":"meter","time":"yesterday","powerKw":2.0},
              {"deviceId":"http-bad-3","kind":"water","time":"2026-11-23T00:15:00Z","flowM3PerS":0.1}
            ]
            """);
        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("[1].time", out _));
        Assert.True(errors.TryGetProperty("[2].pressureHeadM", out _));
        Assert.False(errors.TryGetProperty("[0].time", out _));
        // Nothing of a refused batch is stored, not even its valid reading.
        var stored = await (await client.GetAtAsync("/api/telemetry/devices/http-bad-1/readings")).JsonAsync();
        Assert.Equal(0, stored.GetArrayLength());

        var malformed = await HttpAssertions.AssertProblemAsync(await PostBatchAsync(client, "[\n{\"deviceId\": 5}\n]"), HttpStatusCode.BadRequest);
        Assert.Equal(2, malformed.GetProperty("line").GetInt32());

        var plain = await client.PostAsync(new Uri("/api/telemetry/batch", UriKind.Relative),
            new StringContent("[]", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        await HttpAssertions.AssertProblemAsync(plain, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Only_operators_and_administrators_may_send_readings()
    {
        var server = await fixture.ServerAsync();
        var resident = await server.CreateAccountAsync("telemetry-resident", [PlatformRoles.Resident]);
        var auditor = await server.CreateAccountAsync("telemetry-auditor", [PlatformRoles.Auditor]);
        const string one = """[{"deviceId":"http-x","kind":"device","time":"2026-11-23T00:15:00Z","state":"on"}]""";
        using (var anonymous = server.CreateApiClient())
        {
            await HttpAssertions.AssertProblemAsync(await PostBatchAsync(anonymous, one), HttpStatusCode.Unauthorized);
        }
        using (var client = server.CreateApiClient(resident.ApiKey))
        {
            await HttpAssertions.AssertProblemAsync(await PostBatchAsync(client, one), HttpStatusCode.Forbidden);
            await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/telemetry/devices/http-x/readings"), HttpStatusCode.Forbidden);
        }
        using (var client = server.CreateApiClient(auditor.ApiKey))
        {
            await HttpAssertions.AssertProblemAsync(await PostBatchAsync(client, one), HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAtAsync("/api/telemetry/devices/http-x/readings")).StatusCode);
        }
    }
}
