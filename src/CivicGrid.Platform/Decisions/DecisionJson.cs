using System.Globalization;
using System.Text.Json.Nodes;

namespace CivicGrid.Platform.Decisions;

/// <summary>The JSON shape of a decision record as it is logged (snake_case keys, RFC 3339 UTC time).</summary>
public static class DecisionJson
{
    /// <summary>Identifies the record layout inside the log entry so readers can evolve.</summary>
    public const string Schema = "civicgrid.decision/v1";

    /// <summary>snake_case name of a kind, e.g. <c>load_shedding</c>.</summary>
    public static string KindName(DecisionKind kind) => kind switch
    {
        DecisionKind.LoadShedding => "load_shedding",
        DecisionKind.Curtailment => "curtailment",
        DecisionKind.WaterRestriction => "water_restriction",
        DecisionKind.MarketClearing => "market_clearing",
        DecisionKind.SignalPriorityChange => "signal_priority_change",
        DecisionKind.MaterialAllocation => "material_allocation",
        DecisionKind.VoteTally => "vote_tally",
        DecisionKind.DispatchSchedule => "dispatch_schedule",
        DecisionKind.DemandResponse => "demand_response",
        DecisionKind.LeakAlarm => "leak_alarm",
        DecisionKind.WaterSourceAllocation => "water_source_allocation",
        DecisionKind.FleetAllocation => "fleet_allocation",
        DecisionKind.ChargingAllocation => "charging_allocation",
        DecisionKind.ModerationAction => "moderation_action",
        DecisionKind.BallotCast => "ballot_cast",
        DecisionKind.CrossRegionTrade => "cross_region_trade",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown decision kind."),
    };

    /// <summary>The kind named <paramref name="name"/> (inverse of <see cref="KindName"/>).</summary>
    public static DecisionKind ParseKind(string name) =>
        Enum.GetValues<DecisionKind>().FirstOrDefault(k => KindName(k) == name, (DecisionKind)(-1)) is var k && Enum.IsDefined(k)
            ? k
            : throw new FormatException($"'{name}' is not a decision kind.");

    /// <summary>Time as logged: UTC, millisecond precision, e.g. <c>2026-11-22T21:20:00.000Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Builds the JSON tree of a record (not yet canonical: use a canonicalizer to serialise).</summary>
    public static JsonObject ToJson(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var actor = new JsonObject { ["kind"] = record.Actor.Kind };
        if (record.Actor.OperatorId is not null)
        {
            actor["operator_id"] = record.Actor.OperatorId;
        }
        var parameters = new JsonObject();
        foreach (var (key, value) in record.Algorithm.Parameters)
        {
            parameters[key] = value;
        }
        return new JsonObject
        {
            ["schema"] = Schema,
            ["id"] = record.Id.ToString("D"),
            ["kind"] = KindName(record.Kind),
            ["region_id"] = record.RegionId,
            ["asset_ids"] = new JsonArray(record.AssetIds.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["actor"] = actor,
            ["algorithm"] = new JsonObject
            {
                ["name"] = record.Algorithm.Name,
                ["version"] = record.Algorithm.Version,
                ["parameters"] = parameters,
            },
            ["input_digest"] = record.InputDigest,
            ["outcome"] = record.Outcome,
            ["reason"] = record.Reason,
            ["decided_at"] = FormatTime(record.DecidedAt),
        };
    }
}
