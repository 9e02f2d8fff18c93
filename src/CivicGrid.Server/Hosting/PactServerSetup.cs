using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CivicGrid.Platform.Supply;

namespace CivicGrid.Server.Hosting;

/// <summary>A data recipient allowed to call the PACT API: its OAuth2 client credentials and what it may see.</summary>
/// <param name="ClientId">The OAuth2 client id.</param>
/// <param name="SecretSha256">SHA-256 of the client secret (the secret itself is not kept).</param>
/// <param name="Organisations">Supply organisations whose footprints it may read; empty means all.</param>
/// <param name="Scopes">Granted scopes: <c>footprint:list</c>, <c>footprint:read</c>, <c>events:write</c>.</param>
public sealed record PactClientRegistration(string ClientId, byte[] SecretSha256, IReadOnlyList<string> Organisations, IReadOnlyList<string> Scopes)
{
    public static IReadOnlyList<string> AllScopes { get; } = ["footprint:list", "footprint:read", "events:write"];

    public bool Allows(string organisationId) => Organisations.Count == 0 || Organisations.Contains(organisationId, StringComparer.Ordinal);
}

/// <summary>A host system this node answers PACT requests to: its base URL, auth base URL and the credentials it issued to this node.</summary>
public sealed record PactPartner(string Name, Uri BaseUrl, Uri? AuthBaseUrl, string ClientId, string ClientSecret)
{
    /// <summary>The partner's Action Events endpoint, <c>$base-url$/3/events</c>.</summary>
    public Uri EventsEndpoint => new(new Uri(BaseUrl.AbsoluteUri.EndsWith('/') ? BaseUrl.AbsoluteUri : BaseUrl.AbsoluteUri + "/"), "3/events");
}

/// <summary>
/// PACT API settings from <c>CivicGrid:Pact</c>: <c>TokenLifetimeSeconds</c> and <c>Clients:&lt;id&gt;:Secret</c>
/// (or <c>SecretSha256</c> as hex), optional <c>Organisations</c> (comma-separated) and <c>Scopes</c> (space-separated);
/// <c>Partners:&lt;name&gt;:BaseUrl</c>, <c>AuthBaseUrl</c>, <c>ClientId</c> and <c>ClientSecret</c> for the hosts whose
/// requests this node answers; <c>PublicBaseUrl</c> (this node's own base URL, the <c>source</c> of its answers);
/// <c>DeliveryAttempts</c> and <c>RetryDelayMilliseconds</c> for delivering answers.
/// </summary>
public sealed class PactOptions
{
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public Dictionary<string, PactClientRegistration> Clients { get; } = new(StringComparer.Ordinal);

    /// <summary>Hosts whose RequestCreatedEvents this node answers, by name (thread-safe: tests add partners at run time).</summary>
    public ConcurrentDictionary<string, PactPartner> Partners { get; } = new(StringComparer.Ordinal);

    /// <summary>This node's base URL as partners reach it; null: taken from each request's host.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How often an answer is tried before it is given up (exponential back-off in between).</summary>
    public int DeliveryAttempts { get; set; } = 6;

    /// <summary>The first back-off; each further attempt waits twice as long.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public static PactOptions Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("CivicGrid:Pact");
        var options = new PactOptions();
        if (section["TokenLifetimeSeconds"] is { Length: > 0 } lifetime)
        {
            options.TokenLifetime = TimeSpan.FromSeconds(int.Parse(lifetime, NumberStyles.Integer, CultureInfo.InvariantCulture));
        }
        foreach (var client in section.GetSection("Clients").GetChildren())
        {
            var hash = client["SecretSha256"] is { Length: 64 } hex
                ? Convert.FromHexString(hex)
                : client["Secret"] is { Length: > 0 } secret ? SHA256.HashData(Encoding.UTF8.GetBytes(secret)) : null;
            if (hash is null)
            {
                continue;
            }
            var organisations = (client["Organisations"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var scopes = client["Scopes"] is { Length: > 0 } s ? s.Split(' ', StringSplitOptions.RemoveEmptyEntries) : PactClientRegistration.AllScopes;
            options.Clients[client.Key] = new PactClientRegistration(client.Key, hash, organisations, [.. scopes]);
        }
        foreach (var partner in section.GetSection("Partners").GetChildren())
        {
            if (partner["BaseUrl"] is not { Length: > 0 } baseUrl || partner["ClientId"] is not { Length: > 0 } clientId || partner["ClientSecret"] is not { Length: > 0 } clientSecret)
            {
                throw new InvalidOperationException($"CivicGrid:Pact:Partners:{partner.Key} needs BaseUrl, ClientId and ClientSecret.");
            }
            options.Partners[partner.Key] = new PactPartner(partner.Key, new Uri(baseUrl, UriKind.Absolute),
                partner["AuthBaseUrl"] is { Length: > 0 } auth ? new Uri(auth, UriKind.Absolute) : null, clientId, clientSecret);
        }
        if (section["PublicBaseUrl"] is { Length: > 0 } publicBase)
        {
            options.PublicBaseUrl = new Uri(publicBase, UriKind.Absolute);
        }
        if (section["DeliveryAttempts"] is { Length: > 0 } attempts)
        {
            options.DeliveryAttempts = Math.Max(1, int.Parse(attempts, NumberStyles.Integer, CultureInfo.InvariantCulture));
        }
        if (section["RetryDelayMilliseconds"] is { Length: > 0 } delay)
        {
            options.RetryDelay = TimeSpan.FromMilliseconds(int.Parse(delay, NumberStyles.Integer, CultureInfo.InvariantCulture));
        }
        return options;
    }
}

/// <summary>What a presented bearer token turned out to be.</summary>
public enum PactTokenState
{
    Valid,
    Invalid,
    Expired,
}

/// <summary>
/// Issues and checks the PACT API's own opaque bearer tokens (random 256-bit values; only their SHA-256 is kept, in
/// memory, with the client and expiry). They are separate from the platform's cookies and API keys and grant nothing
/// outside the PACT endpoints.
/// </summary>
public sealed class PactTokenService(PactOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string ClientId, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    public PactOptions Options => options;

    /// <summary>The client whose id and secret match, or null (constant-time comparison of the secret hash).</summary>
    public PactClientRegistration? Authenticate(string clientId, string secret)
    {
        if (!options.Clients.TryGetValue(clientId, out var client))
        {
            // Spend the same work as a real check so unknown ids are not told apart by timing.
            _ = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), new byte[32]);
            return null;
        }
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), client.SecretSha256) ? client : null;
    }

    /// <summary>Issues a token for <paramref name="client"/>, valid for the configured lifetime.</summary>
    public (string Token, TimeSpan Lifetime) Issue(PactClientRegistration client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        foreach (var (key, value) in _tokens)
        {
            if (value.Expires < now - TimeSpan.FromHours(1))
            {
                _tokens.TryRemove(key, out _);
            }
        }
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        _tokens[Hash(token)] = (client.ClientId, now + options.TokenLifetime);
        return (token, options.TokenLifetime);
    }

    /// <summary>Checks a presented token; an expired one is told apart so the API can answer TokenExpired.</summary>
    public (PactTokenState State, PactClientRegistration? Client) Check(string token)
    {
        if (!_tokens.TryGetValue(Hash(token), out var entry) || !options.Clients.TryGetValue(entry.ClientId, out var client))
        {
            return (PactTokenState.Invalid, null);
        }
        return entry.Expires <= time.GetUtcNow() ? (PactTokenState.Expired, client) : (PactTokenState.Valid, client);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Server-side registrations of the supply module: the platform services and the PACT API.</summary>
public static class SupplyServerSetup
{
    /// <summary>Adds the supply platform (tables, chain service) and the PACT API's options and token service.</summary>
    public static IServiceCollection AddSupplyServer(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSupplyPlatform();
        // Read when first resolved, from the host's final configuration (test hosts add settings late).
        services.AddSingleton(sp => PactOptions.Read(sp.GetService<IConfiguration>() ?? configuration));
        services.AddSingleton<PactTokenService>();
        services.AddHostedService<SupplySeedService>();
        services.AddSingleton<PactEventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PactEventDispatcher>());
        return services;
    }
}
