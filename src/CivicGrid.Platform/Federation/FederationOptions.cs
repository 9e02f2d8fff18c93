using System.Collections.ObjectModel;

namespace CivicGrid.Platform.Federation;

/// <summary>
/// This deployment's place in the federation, bound from <c>CivicGrid:Federation</c>: the region it is
/// authoritative for, and the peer regions it trades with (their URL and the verifier key of their region log).
/// Witnessing itself is configured under <c>CivicGrid:Ledger</c>.
/// </summary>
public sealed class FederationOptions
{
    public const string SectionName = "CivicGrid:Federation";

    /// <summary>The region this deployment runs (its log is the one this node signs for the federation).</summary>
    public string? Region { get; set; }

    /// <summary>The other regions' deployments.</summary>
    public Collection<FederationPeerOptions> Peers { get; } = [];

    /// <summary>Timeout of one request to a peer.</summary>
    public int RequestTimeoutMilliseconds { get; set; } = 10_000;
}

/// <summary>Another region's deployment.</summary>
public sealed class FederationPeerOptions
{
    /// <summary>The peer's region id.</summary>
    public string Region { get; set; } = "";

    /// <summary>The peer server's base URL, e.g. <c>https://north.example.org</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>The verifier key of the peer's region log (<c>name+hex8+base64</c>, name <c>civicgrid/&lt;region&gt;</c>).</summary>
    public string LogVerifierKey { get; set; } = "";
}
