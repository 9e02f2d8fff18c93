using System.Text.Json;
using System.Text.Json.Serialization;

namespace CivicGrid.Supply.Provenance;

/// <summary>
/// A supply chain as a file: the organisations with their public keys, and the signed events in order.
/// Loading replays every event through a <see cref="ProvenanceRegistry"/>, so a file whose history was altered
/// does not load.
/// </summary>
public sealed record SupplyChainDocument(IReadOnlyList<Organisation> Organisations, IReadOnlyList<SignedSupplyEvent> Events)
{
    private static readonly JsonSerializerOptions Options = new(EventSigning.SerializerOptions)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The document of everything a registry holds.</summary>
    public static SupplyChainDocument From(ProvenanceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new SupplyChainDocument(registry.Organisations.Values.ToList(), registry.Events.ToList());
    }

    private static readonly JsonSerializerOptions CompactOptions = new(Options) { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>One signed event as compact JSON, the same shape as in a chain file's <c>events</c> array.</summary>
    public static string EventToJson(SignedSupplyEvent signed) => JsonSerializer.Serialize(signed, CompactOptions);

    /// <summary>Parses one signed event written by <see cref="EventToJson"/>; <paramref name="source"/> names it in errors.</summary>
    public static SignedSupplyEvent EventFromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<SignedSupplyEvent>(json, CompactOptions)
                ?? throw new SupplyChainFormatException(source, null, "the signed event is null");
        }
        catch (JsonException ex)
        {
            throw new SupplyChainFormatException(source, ex.LineNumber + 1, ex.Message);
        }
    }

    /// <summary>An organisation as compact JSON (public key in base64).</summary>
    public static Organisation OrganisationFromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<Organisation>(json, CompactOptions)
                ?? throw new SupplyChainFormatException(source, null, "the organisation is null");
        }
        catch (JsonException ex)
        {
            throw new SupplyChainFormatException(source, ex.LineNumber + 1, ex.Message);
        }
    }

    /// <summary>Parses a document; <paramref name="source"/> names the file in errors.</summary>
    public static SupplyChainDocument Parse(string json, string source)
    {
        try
        {
            var document = JsonSerializer.Deserialize<SupplyChainDocument>(json, Options);
            if (document?.Organisations is null || document.Events is null)
            {
                throw new SupplyChainFormatException(source, null, "the document needs 'organisations' and 'events' arrays");
            }
            return document;
        }
        catch (JsonException ex)
        {
            throw new SupplyChainFormatException(source, ex.LineNumber + 1, ex.Message);
        }
    }

    /// <summary>Replays the events into a new registry; an event that breaks a rule is reported with its position.</summary>
    public ProvenanceRegistry Replay(string source)
    {
        var registry = new ProvenanceRegistry();
        foreach (var organisation in Organisations)
        {
            try
            {
                registry.AddOrganisation(organisation);
            }
            catch (ArgumentException ex)
            {
                throw new SupplyChainFormatException(source, null, ex.Message);
            }
        }
        for (var i = 0; i < Events.Count; i++)
        {
            try
            {
                registry.Apply(Events[i]);
            }
            catch (ProvenanceViolationException ex)
            {
                throw new SupplyChainFormatException(source, null, $"event {i + 1} ({ex.Violation}): {ex.Message}", ex);
            }
        }
        return registry;
    }
}

/// <summary>A supply-chain file that cannot be read or whose history does not verify.</summary>
public sealed class SupplyChainFormatException : Exception
{
    public SupplyChainFormatException(string source, long? line, string reason, Exception? inner = null)
        : base(line is null ? $"{source}: {reason}" : $"{source}:{line}: {reason}", inner)
    {
        Source = source;
        Line = line;
        Reason = reason;
    }

    public SupplyChainFormatException()
    {
        Reason = "";
    }

    public SupplyChainFormatException(string message)
        : base(message)
    {
        Reason = message;
    }

    public SupplyChainFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>The file (or other source) that failed.</summary>
    public new string? Source { get; }

    /// <summary>1-based line of a syntax error, when known.</summary>
    public long? Line { get; }

    public string Reason { get; }
}
