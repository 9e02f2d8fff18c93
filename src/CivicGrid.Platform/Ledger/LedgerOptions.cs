using System.Collections.ObjectModel;

namespace CivicGrid.Platform.Ledger;

/// <summary>
/// Federation settings of the transparency logs, bound from <c>CivicGrid:Ledger</c>: which other logs this node
/// witnesses, and which witnesses must cosign this node's checkpoints before they are published.
/// </summary>
public sealed class LedgerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CivicGrid:Ledger";

    /// <summary>This node as a witness of other logs.</summary>
    public LedgerWitnessOptions Witness { get; set; } = new();

    /// <summary>When this node's region checkpoints are published.</summary>
    public LedgerPublicationOptions Publication { get; set; } = new();
}

/// <summary>This node's witness (c2sp.org/tlog-witness) and the logs it cosigns.</summary>
public sealed class LedgerWitnessOptions
{
    /// <summary>The witness's key name (its cosignature lines carry it); the key is kept in <c>&lt;data&gt;/ledger/keys/witness.key</c>.</summary>
    public string Name { get; set; } = "civicgrid-witness";

    /// <summary>The logs this witness cosigns; submissions for any other origin get 404.</summary>
    public Collection<WitnessedLogOptions> Logs { get; } = [];

    /// <summary>How often the monitor fetches the published checkpoints of logs that have a <see cref="WitnessedLogOptions.Url"/>.</summary>
    public int MonitorIntervalMilliseconds { get; set; } = 60_000;
}

/// <summary>A log this node witnesses.</summary>
public sealed class WitnessedLogOptions
{
    /// <summary>The log's checkpoint origin, e.g. <c>civicgrid/north</c> (must equal the verifier key's name).</summary>
    public string Origin { get; set; } = "";

    /// <summary>The log's verifier key, <c>name+hex8+base64</c>.</summary>
    public string VerifierKey { get; set; } = "";

    /// <summary>
    /// Where the log is fetched from: its tlog-tiles prefix (the URL under which <c>checkpoint</c> and <c>tile/</c>
    /// are served). Optional. When set, the witness monitor fetches the published checkpoint there and checks,
    /// from the log's own tiles, that it is consistent with the tree this witness last cosigned (no split view).
    /// </summary>
    public string? Url { get; set; }
}

/// <summary>The k-of-n witness policy of this node's region logs.</summary>
public sealed class LedgerPublicationOptions
{
    /// <summary>Cosignatures (k) a checkpoint needs before it is published; 0 publishes every checkpoint at once.</summary>
    public int RequiredCosignatures { get; set; }

    /// <summary>The witnesses (n) asked to cosign each new checkpoint.</summary>
    public Collection<PublicationWitnessOptions> Witnesses { get; } = [];

    /// <summary>How often new checkpoints are sent to the witnesses.</summary>
    public int IntervalMilliseconds { get; set; } = 2000;

    /// <summary>Timeout of one request to a witness.</summary>
    public int RequestTimeoutMilliseconds { get; set; } = 10_000;

    /// <summary>True when checkpoints go through witnesses before being published.</summary>
    public bool RequiresWitnessing => RequiredCosignatures > 0 || Witnesses.Count > 0;
}

/// <summary>A witness asked to cosign this node's checkpoints.</summary>
public sealed class PublicationWitnessOptions
{
    /// <summary>The witness's cosigner verifier key (type 0x04), <c>name+hex8+base64</c>.</summary>
    public string VerifierKey { get; set; } = "";

    /// <summary>The witness's URL prefix; requests go to <c>&lt;Url&gt;/add-checkpoint</c>.</summary>
    public string Url { get; set; } = "";
}
