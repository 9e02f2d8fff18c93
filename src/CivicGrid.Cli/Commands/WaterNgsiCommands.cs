using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicGrid.Water.Fiware;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary>
/// <c>civicgrid water export-ngsi NET.inp</c>: an EPANET network as NGSI-LD entities of the FIWARE Smart Data Models
/// dataModel.WaterDistributionManagementEPANET (Junction, Reservoir, Tank, Pipe, Pump, Valve), checked against the
/// models' property names and types (<see cref="SmartDataModels"/>, the catalogue the platform's broker uses too)
/// before it is written.
/// </summary>
public static class WaterNgsiCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Build()
    {
        var input = new Argument<FileInfo>("network") { Description = "EPANET .inp file" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the entities (a JSON array) to this file instead of standard output" };
        var origin = new Option<string>("--origin")
        {
            Description = "Latitude,longitude (WGS 84) the file's map coordinates are placed around",
            DefaultValueFactory = _ => "35.0116,135.7681",
        };
        var scale = new Option<double>("--scale") { Description = "Metres per map unit of the file's [COORDINATES]", DefaultValueFactory = _ => 1.0 };
        var wgs84 = new Option<bool>("--wgs84") { Description = "The file's coordinates already are longitude,latitude in degrees" };
        var name = new Option<string?>("--name") { Description = "Network name used in entity ids (default: the file name)" };
        var keyValues = new Option<bool>("--key-values") { Description = "Write the simplified (keyValues) representation instead of normalized" };
        var cmd = new Command("export-ngsi", "Export a network as NGSI-LD entities (FIWARE Smart Data Models, WaterDistributionManagementEPANET)");
        cmd.Arguments.Add(input);
        cmd.Options.Add(output);
        cmd.Options.Add(origin);
        cmd.Options.Add(scale);
        cmd.Options.Add(wgs84);
        cmd.Options.Add(name);
        cmd.Options.Add(keyValues);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                return CliOutput.Error(parse, $"{file.FullName}: file not found");
            }
            if (!TryParseOrigin(parse.GetValue(origin)!, out var latitude, out var longitude))
            {
                return CliOutput.Error(parse, "--origin must be latitude,longitude in degrees, e.g. 35.0116,135.7681");
            }
            var metres = parse.GetValue(scale);
            if (!(metres > 0) || !double.IsFinite(metres))
            {
                return CliOutput.Error(parse, "--scale must be a positive number of metres per map unit");
            }
            WaterNetwork network;
            try
            {
                network = InpReader.ReadFile(file.FullName);
            }
            catch (InpFormatException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
            var placement = new MapPlacement(latitude, longitude, metres, parse.GetValue(wgs84));
            if (placement.IsGeographic && network.Coordinates.Values.Any(c => Math.Abs(c.X) > 180 || Math.Abs(c.Y) > 90))
            {
                return CliOutput.Error(parse, $"{file.Name}: --wgs84 given but some coordinates are outside longitude -180..180 / latitude -90..90");
            }
            var networkName = parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(file.Name);
            var entities = WaterNgsiExport.Map(network, networkName, placement);
            var problems = entities.SelectMany(SmartDataModels.Check).ToList();
            if (problems.Count > 0)
            {
                return CliOutput.Error(parse, "the export does not match the Smart Data Models: " + string.Join("; ", problems.Take(10)), CliOutput.Failed);
            }
            var written = parse.GetValue(keyValues) ? new JsonArray([.. entities.Select(e => (JsonNode?)WaterNgsiExport.KeyValues(e))]) : new JsonArray([.. entities.Select(e => (JsonNode?)e)]);
            var text = written.ToJsonString(Indented);
            var outFile = parse.GetValue(output);
            var counts = entities.GroupBy(e => e["type"]!.GetValue<string>()).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
            if (outFile is null)
            {
                Console.Out.WriteLine(text);
            }
            else
            {
                File.WriteAllText(outFile.FullName, text + "\n");
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new { network = networkName, file = outFile.FullName, entities = entities.Count, types = counts, checkedAgainst = SmartDataModels.WaterDistributionEpanet });
                }
            }
            var human = CliOutput.Human(parse);
            if (outFile is not null && !parse.GetValue(CliOutput.Json))
            {
                var table = new Table().AddColumn("NGSI-LD type").AddColumn(new TableColumn("entities").RightAligned());
                foreach (var (type, count) in counts)
                {
                    table.AddRow(type, count.ToString(CultureInfo.InvariantCulture));
                }
                human.Write(table);
                human.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[green]{entities.Count}[/] entities written to {Markup.Escape(outFile.FullName)}, checked against {SmartDataModels.WaterDistributionEpanet}"));
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    private static bool TryParseOrigin(string text, out double latitude, out double longitude)
    {
        latitude = longitude = 0;
        var parts = text.Split(',');
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out latitude)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out longitude)
            && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180;
    }
}

/// <summary>How a file's map coordinates become WGS 84 positions: local metres (times a scale) around an origin, or already degrees.</summary>
public sealed record MapPlacement(double OriginLatitude, double OriginLongitude, double MetresPerUnit, bool IsGeographic)
{
    private const double EarthRadiusMeters = 6_371_008.8;

    public JsonArray Position(double x, double y)
    {
        if (IsGeographic)
        {
            return [Math.Round(x, 9), Math.Round(y, 9)];
        }
        var east = x * MetresPerUnit;
        var north = y * MetresPerUnit;
        var lon = OriginLongitude + east / (EarthRadiusMeters * Math.Cos(OriginLatitude * Math.PI / 180)) * 180 / Math.PI;
        var lat = OriginLatitude + north / EarthRadiusMeters * 180 / Math.PI;
        return [Math.Round(lon, 9), Math.Round(lat, 9)];
    }
}

/// <summary>The mapping of an EPANET network to dataModel.WaterDistributionManagementEPANET entities (normalized NGSI-LD).</summary>
public static class WaterNgsiExport
{
    public static IReadOnlyList<JsonObject> Map(WaterNetwork network, string networkName, MapPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(placement);
        var us = network.Options.Units is FlowUnits.Cfs or FlowUnits.Gpm or FlowUnits.Mgd or FlowUnits.Imgd or FlowUnits.Afd;
        var length = us ? "FOT" : "MTR";
        var diameter = us ? "INH" : "MMT";
        string Id(string type, string id) => $"urn:ngsi-ld:{type}:{Uri.EscapeDataString(networkName)}:{Uri.EscapeDataString(id)}";
        var nodeIds = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var j in network.Junctions)
        {
            nodeIds[j.Id] = Id("Junction", j.Id);
        }
        foreach (var r in network.Reservoirs)
        {
            nodeIds[r.Id] = Id("Reservoir", r.Id);
        }
        foreach (var t in network.Tanks)
        {
            nodeIds[t.Id] = Id("Tank", t.Id);
        }
        JsonArray? At(string nodeId) => network.Coordinates.TryGetValue(nodeId, out var c) ? placement.Position(c.X, c.Y) : null;

        var entities = new List<JsonObject>();
        void AddNode(Node node, string type, Action<JsonObject> fill)
        {
            var e = new JsonObject { ["id"] = nodeIds[node.Id], ["type"] = type, ["name"] = Prop(node.Id) };
            if (At(node.Id) is { } p)
            {
                e["location"] = Geo("Point", p);
            }
            if (node.Tag is { Length: > 0 } tag)
            {
                e["tag"] = Prop(tag);
            }
            if (node.InitialQuality != 0)
            {
                e["initialQuality"] = Num(node.InitialQuality);
            }
            fill(e);
            entities.Add(e);
        }
        foreach (var j in network.Junctions)
        {
            AddNode(j, "Junction", e =>
            {
                e["elevation"] = Num(j.Elevation, length);
                if (j.Demands.Count > 0)
                {
                    var demand = new JsonObject { ["baseDemand"] = Math.Round(j.Demands.Sum(d => d.BaseDemand), 9), ["flowUnits"] = network.Options.Units.ToString().ToUpperInvariant() };
                    if (j.Demands.FirstOrDefault(d => d.PatternId is not null)?.PatternId is { } pattern)
                    {
                        demand["demandPattern"] = Id("Pattern", pattern);
                    }
                    e["demandCategory"] = Prop(demand);
                }
                if (j.EmitterCoefficient > 0)
                {
                    e["emitterCoefficient"] = Num(j.EmitterCoefficient);
                }
            });
        }
        foreach (var r in network.Reservoirs)
        {
            AddNode(r, "Reservoir", e =>
            {
                e["reservoirHead"] = Num(r.Elevation, length);
                if (r.HeadPatternId is { } pattern)
                {
                    e["headPattern"] = Rel(Id("Pattern", pattern));
                }
            });
        }
        foreach (var t in network.Tanks)
        {
            AddNode(t, "Tank", e =>
            {
                e["elevation"] = Num(t.Elevation, length);
                e["initLevel"] = Num(t.InitialLevel, length);
                e["minLevel"] = Num(t.MinimumLevel, length);
                e["maxLevel"] = Num(t.MaximumLevel, length);
                e["nominalDiameter"] = Num(t.Diameter, length);
                e["minVolume"] = Num(t.MinimumVolume, us ? "FTQ" : "MTQ");
                if (t.VolumeCurveId is { } curve)
                {
                    e["volumeCurve"] = Rel(Id("Curve", curve));
                }
                if (network.Mixing.FirstOrDefault(m => string.Equals(m.TankId, t.Id, StringComparison.OrdinalIgnoreCase)) is { } mixing)
                {
                    e["mixingModel"] = Prop(mixing.Model switch
                    {
                        MixingModel.TwoCompartment => "2COMP",
                        MixingModel.Fifo => "FIFO",
                        MixingModel.Lifo => "LIFO",
                        _ => "MIXED",
                    });
                    e["mixingFraction"] = Num(mixing.Fraction);
                }
            });
        }
        foreach (var link in network.Links)
        {
            var type = link.Kind switch { LinkKind.Pump => "Pump", LinkKind.Valve => "Valve", _ => "Pipe" };
            var e = new JsonObject { ["id"] = Id(type, link.Id), ["type"] = type, ["name"] = Prop(link.Id) };
            if (nodeIds.TryGetValue(link.FromNode, out var from))
            {
                e["startsAt"] = Rel(from);
            }
            if (nodeIds.TryGetValue(link.ToNode, out var to))
            {
                e["endsAt"] = Rel(to);
            }
            var line = new List<JsonArray>();
            if (At(link.FromNode) is { } a)
            {
                line.Add(a);
            }
            if (network.Vertices.TryGetValue(link.Id, out var vertices))
            {
                line.AddRange(vertices.Select(v => placement.Position(v.X, v.Y)));
                e["vertices"] = Geo("MultiPoint", new JsonArray([.. vertices.Select(v => (JsonNode?)placement.Position(v.X, v.Y))]));
            }
            if (At(link.ToNode) is { } b)
            {
                line.Add(b);
            }
            if (line.Count >= 2)
            {
                e["location"] = Geo("LineString", new JsonArray([.. line.Select(p => (JsonNode?)p)]));
            }
            if (link.Tag is { Length: > 0 } tag)
            {
                e["tag"] = Prop(tag);
            }
            switch (link)
            {
                case Pipe pipe:
                    e["length"] = Num(pipe.Length, length);
                    e["diameter"] = Num(pipe.Diameter, diameter);
                    e["roughness"] = Num(pipe.Roughness);
                    e["minorLoss"] = Num(pipe.MinorLoss);
                    e["initialStatus"] = Prop(Status(link.StatusOverride ?? pipe.Status));
                    if (pipe.BulkCoefficient is { } bulk)
                    {
                        e["bulkCoeff"] = Num(bulk);
                    }
                    if (pipe.WallCoefficient is { } wall)
                    {
                        e["wallCoeff"] = Num(wall);
                    }
                    break;
                case Pump pump:
                    if (pump.HeadCurveId is { } head)
                    {
                        e["headCurve"] = Rel(Id("Curve", head));
                    }
                    if (pump.Power is { } power)
                    {
                        e["power"] = Num(power, us ? "HP" : "KWT");
                    }
                    e["speed"] = Num(link.SettingOverride ?? pump.Speed);
                    if (pump.PatternId is { } pattern)
                    {
                        e["pumpPattern"] = Rel(Id("Pattern", pattern));
                    }
                    if (pump.EfficiencyCurveId is { } efficiency)
                    {
                        e["efficCurve"] = Rel(Id("Curve", efficiency));
                    }
                    if (pump.EnergyPrice is { } price)
                    {
                        e["energyPrice"] = Num(price);
                    }
                    if (pump.PricePatternId is { } pricePattern)
                    {
                        e["energyPattern"] = Rel(Id("Pattern", pricePattern));
                    }
                    e["initialStatus"] = Prop(Status(link.StatusOverride ?? InitialLinkStatus.Open));
                    break;
                case Valve valve:
                    // The model's valveType enumeration predates EPANET 2.3's PCV: a PCV keeps its type in the description.
                    if (valve.Type != ValveType.Pcv)
                    {
                        e["valveType"] = Prop(valve.Type.ToString().ToUpperInvariant());
                    }
                    else
                    {
                        e["description"] = Prop("EPANET PCV (position control valve)");
                    }
                    e["diameter"] = Num(valve.Diameter, diameter);
                    e["setting"] = Num(link.SettingOverride ?? valve.Setting);
                    e["minorLoss"] = Num(valve.MinorLoss);
                    if (valve.CurveId is { } curve)
                    {
                        e["valveCurve"] = Rel(Id("Curve", curve));
                    }
                    if (link.StatusOverride is { } status && status != InitialLinkStatus.Active)
                    {
                        e["initialStatus"] = Prop(Status(status));
                    }
                    break;
            }
            entities.Add(e);
        }
        return entities;
    }

    /// <summary>The simplified representation: each attribute's value (or a relationship's object).</summary>
    public static JsonObject KeyValues(JsonObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var result = new JsonObject();
        foreach (var (key, value) in entity)
        {
            result[key] = value is JsonObject a && a["type"] is JsonValue t
                ? (t.GetValue<string>() == "Relationship" ? a["object"] : a["value"])?.DeepClone()
                : value?.DeepClone();
        }
        return result;
    }

    private static string Status(InitialLinkStatus status) => status switch
    {
        InitialLinkStatus.Closed => "CLOSED",
        InitialLinkStatus.CheckValve => "CV",
        _ => "OPEN",
    };

    private static JsonObject Prop(JsonNode? value) => new() { ["type"] = "Property", ["value"] = value };

    private static JsonObject Num(double value, string? unitCode = null)
    {
        var p = Prop(JsonValue.Create(Math.Round(value, 9)));
        if (unitCode is not null)
        {
            p["unitCode"] = unitCode;
        }
        return p;
    }

    private static JsonObject Rel(string id) => new() { ["type"] = "Relationship", ["object"] = id };

    private static JsonObject Geo(string type, JsonArray coordinates) =>
        new() { ["type"] = "GeoProperty", ["value"] = new JsonObject { ["type"] = type, ["coordinates"] = coordinates } };
}
