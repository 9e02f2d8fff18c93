using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>Checks on HTTP responses shared by the server tests.</summary>
public static class HttpAssertions
{
    /// <summary>Asserts an RFC 9457 problem details response with <paramref name="status"/>; returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.True(problem.TryGetProperty("traceId", out _), "problem details carry a traceId");
        return problem;
    }

    public static Task<HttpResponseMessage> GetAtAsync(this HttpClient client, string path) =>
        client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostJsonAtAsync<T>(this HttpClient client, string path, T body) =>
        client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PutJsonAtAsync<T>(this HttpClient client, string path, T body) =>
        client.PutAsJsonAsync(new Uri(path, UriKind.Relative), body, TestContext.Current.CancellationToken);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
