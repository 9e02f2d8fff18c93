using System.Globalization;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Inp;

/// <summary>Reads EPANET 2.3 <c>.inp</c> files. All sections and [OPTIONS] keywords are recognised.</summary>
public static class InpReader
{
    private static readonly string[] SectionNames =
    [
        "TITLE", "JUNCTIONS", "RESERVOIRS", "TANKS", "PIPES", "PUMPS", "VALVES", "CONTROLS", "RULES", "DEMANDS",
        "SOURCES", "EMITTERS", "PATTERNS", "CURVES", "QUALITY", "STATUS", "ROUGHNESS", "ENERGY", "REACTIONS",
        "MIXING", "REPORT", "TIMES", "OPTIONS", "COORDINATES", "VERTICES", "LABELS", "BACKDROP", "TAGS",
        "LEAKAGE", "END",
    ];

    public static WaterNetwork ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            var bytes = File.ReadAllBytes(path);
            text = DecodeText(bytes);
        }
        catch (IOException e)
        {
            throw new InpFormatException(path, 0, 0, 302, $"cannot open input file: {e.Message}");
        }
        return Read(text, Path.GetFileName(path));
    }

    private static string DecodeText(byte[] bytes)
    {
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return System.Text.Encoding.Latin1.GetString(bytes);
        }
    }

    public static WaterNetwork Read(string text, string fileName = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Parser(fileName).Parse(text);
    }

    internal readonly record struct Line(int Number, string[] Tokens, string? Comment, string Raw);

    private sealed class Parser(string file)
    {
        private readonly WaterNetwork _net = new();
        private readonly Dictionary<string, Node> _nodes = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Link> _links = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Pattern> _patterns = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Curve> _curves = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _demandsReplaced = new(StringComparer.OrdinalIgnoreCase);

        private InpFormatException Error(Line line, int code, string reason, int token = -1)
        {
            var column = 0;
            if (token >= 0 && token < line.Tokens.Length)
            {
                var idx = line.Raw.IndexOf(line.Tokens[token], StringComparison.Ordinal);
                column = idx >= 0 ? idx + 1 : 0;
            }
            return new InpFormatException(file, line.Number, column, code, reason);
        }

        public WaterNetwork Parse(string text)
        {
            var sections = new Dictionary<string, List<Line>>(StringComparer.OrdinalIgnoreCase);
            foreach (var s in SectionNames)
            {
                sections[s] = [];
            }
            string? current = null;
            string? pendingComment = null;
            var lines = text.Split('\n');
            var sawEnd = false;
            for (var i = 0; i < lines.Length && !sawEnd; i++)
            {
                var raw = lines[i].TrimEnd('\r');
                var trimmed = raw.Trim();
                if (trimmed.Length == 0)
                {
                    continue;
                }
                if (trimmed.StartsWith('['))
                {
                    var close = trimmed.IndexOf(']', StringComparison.Ordinal);
                    var name = (close > 0 ? trimmed[1..close] : trimmed[1..]).Trim().ToUpperInvariant();
                    var match = SectionNames.FirstOrDefault(s => name.StartsWith(s, StringComparison.Ordinal) && (s.Length >= 4 ? name.Length >= 4 : name == s));
                    if (match is null || close < 0)
                    {
                        throw new InpFormatException(file, i + 1, 1, 201, $"unknown section [{name}]");
                    }
                    current = match;
                    if (current == "END")
                    {
                        sawEnd = true;
                    }
                    pendingComment = null;
                    continue;
                }
                if (current is null)
                {
                    if (trimmed.StartsWith(';'))
                    {
                        continue;
                    }
                    throw new InpFormatException(file, i + 1, 1, 201, "data found before the first [SECTION] heading");
                }
                if (current == "TITLE")
                {
                    sections[current].Add(new Line(i + 1, [raw], null, raw));
                    continue;
                }
                var semicolon = raw.IndexOf(';', StringComparison.Ordinal);
                var body = semicolon >= 0 ? raw[..semicolon] : raw;
                var comment = semicolon >= 0 ? raw[(semicolon + 1)..].Trim() : null;
                var tokens = Tokenize(body, i + 1);
                if (tokens.Length == 0)
                {
                    pendingComment = comment;
                    continue;
                }
                sections[current].Add(new Line(i + 1, tokens, comment ?? pendingComment, raw));
                pendingComment = null;
            }

            foreach (var l in sections["TITLE"])
            {
                _net.Title.Add(l.Raw.Trim());
            }
            // Options first: units decide nothing here (values are stored in file units) but the default pattern does.
            foreach (var l in sections["OPTIONS"]) { ReadOption(l); }
            foreach (var l in sections["TIMES"]) { ReadTime(l); }
            foreach (var l in sections["JUNCTIONS"]) { ReadJunction(l); }
            foreach (var l in sections["RESERVOIRS"]) { ReadReservoir(l); }
            foreach (var l in sections["TANKS"]) { ReadTank(l); }
            foreach (var l in sections["PATTERNS"]) { ReadPattern(l); }
            foreach (var l in sections["CURVES"]) { ReadCurve(l); }
            foreach (var l in sections["PIPES"]) { ReadPipe(l); }
            foreach (var l in sections["PUMPS"]) { ReadPump(l); }
            foreach (var l in sections["VALVES"]) { ReadValve(l); }
            if (_nodes.Count < 2)
            {
                throw new InpFormatException(file, 0, 0, 223, "not enough nodes in the network");
            }
            if (_net.FixedGradeNodes.Count == 0)
            {
                throw new InpFormatException(file, 0, 0, 224, "no tanks or reservoirs in the network");
            }
            CheckReferences(sections);
            foreach (var l in sections["DEMANDS"]) { ReadDemand(l); }
            foreach (var l in sections["STATUS"]) { ReadStatus(l); }
            foreach (var l in sections["ROUGHNESS"]) { _ = l; }
            foreach (var l in sections["EMITTERS"]) { ReadEmitter(l); }
            foreach (var l in sections["LEAKAGE"]) { ReadLeakage(l); }
            foreach (var l in sections["CONTROLS"]) { ReadControl(l); }
            ReadRules(sections["RULES"]);
            foreach (var l in sections["ENERGY"]) { ReadEnergy(l); }
            foreach (var l in sections["REACTIONS"]) { ReadReaction(l); }
            foreach (var l in sections["QUALITY"]) { ReadQuality(l); }
            foreach (var l in sections["SOURCES"]) { ReadSource(l); }
            foreach (var l in sections["MIXING"]) { ReadMixing(l); }
            foreach (var l in sections["TAGS"]) { ReadTag(l); }
            foreach (var l in sections["REPORT"])
            {
                _net.Report.Add(new(l.Tokens[0], string.Join(' ', l.Tokens.Skip(1))));
            }
            foreach (var l in sections["COORDINATES"]) { ReadCoordinate(l); }
            foreach (var l in sections["VERTICES"]) { ReadVertex(l); }
            foreach (var l in sections["LABELS"]) { ReadLabel(l); }
            foreach (var l in sections["BACKDROP"])
            {
                _net.Backdrop.Add(string.Join(' ', l.Tokens));
            }
            return _net;
        }

        private void CheckReferences(Dictionary<string, List<Line>> sections)
        {
            foreach (var l in sections["JUNCTIONS"])
            {
                if (l.Tokens.Length > 3 && l.Tokens[3] != "*" && !_patterns.ContainsKey(l.Tokens[3]))
                {
                    throw Error(l, 205, $"undefined pattern '{l.Tokens[3]}'", 3);
                }
            }
            foreach (var l in sections["RESERVOIRS"])
            {
                if (l.Tokens.Length > 2 && l.Tokens[2] != "*" && !_patterns.ContainsKey(l.Tokens[2]))
                {
                    throw Error(l, 205, $"undefined pattern '{l.Tokens[2]}'", 2);
                }
            }
            foreach (var t in _net.Tanks)
            {
                if (t.VolumeCurveId is not null && !_curves.ContainsKey(t.VolumeCurveId))
                {
                    throw new InpFormatException(file, 0, 0, 206, $"tank {t.Id} refers to undefined curve {t.VolumeCurveId}");
                }
            }
            _ = sections;
        }

        private string[] Tokenize(string body, int lineNumber)
        {
            var result = new List<string>();
            var i = 0;
            while (i < body.Length)
            {
                if (char.IsWhiteSpace(body[i]))
                {
                    i++;
                    continue;
                }
                if (body[i] == '"')
                {
                    var end = body.IndexOf('"', i + 1);
                    if (end < 0)
                    {
                        throw new InpFormatException(file, lineNumber, i + 1, 201, "unterminated quoted string");
                    }
                    result.Add(body[(i + 1)..end]);
                    i = end + 1;
                    continue;
                }
                var start = i;
                while (i < body.Length && !char.IsWhiteSpace(body[i]))
                {
                    i++;
                }
                result.Add(body[start..i]);
            }
            return [.. result];
        }

        private double Number(Line l, int index, string what)
        {
            if (index >= l.Tokens.Length)
            {
                throw Error(l, 201, $"missing {what}");
            }
            var s = l.Tokens[index];
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                throw Error(l, 202, $"illegal numeric value '{s}' for {what}", index);
            }
            return v;
        }

        private double OptionalNumber(Line l, int index, string what, double fallback)
            => index < l.Tokens.Length && l.Tokens[index] != "*" ? Number(l, index, what) : fallback;

        private void Require(Line l, int count, string layout)
        {
            if (l.Tokens.Length < count)
            {
                throw Error(l, 201, $"too few fields; expected {layout}");
            }
        }

        private void CheckId(Line l, string id)
        {
            if (id.Length > 31)
            {
                throw Error(l, 252, $"ID '{id}' is longer than 31 characters", 0);
            }
        }

        private void AddNode(Line l, Node node)
        {
            CheckId(l, node.Id);
            if (!_nodes.TryAdd(node.Id, node))
            {
                throw Error(l, 215, $"duplicate node ID '{node.Id}'", 0);
            }
        }

        private void AddLink(Line l, Link link)
        {
            CheckId(l, link.Id);
            if (_links.ContainsKey(link.Id))
            {
                throw Error(l, 215, $"duplicate link ID '{link.Id}'", 0);
            }
            if (!_nodes.ContainsKey(link.FromNode))
            {
                throw Error(l, 203, $"link {link.Id} refers to undefined node '{link.FromNode}'", 1);
            }
            if (!_nodes.ContainsKey(link.ToNode))
            {
                throw Error(l, 203, $"link {link.Id} refers to undefined node '{link.ToNode}'", 2);
            }
            if (string.Equals(link.FromNode, link.ToNode, StringComparison.OrdinalIgnoreCase))
            {
                throw Error(l, 222, $"link {link.Id} has the same start and end node", 2);
            }
            _links[link.Id] = link;
            _net.Links.Add(link);
        }

        private Node NodeRef(Line l, int index)
        {
            Require(l, index + 1, "a node ID");
            return _nodes.TryGetValue(l.Tokens[index], out var n) ? n : throw Error(l, 203, $"undefined node '{l.Tokens[index]}'", index);
        }

        private Link LinkRef(Line l, int index)
        {
            Require(l, index + 1, "a link ID");
            return _links.TryGetValue(l.Tokens[index], out var k) ? k : throw Error(l, 204, $"undefined link '{l.Tokens[index]}'", index);
        }

        private string PatternRef(Line l, int index)
        {
            var id = l.Tokens[index];
            return _patterns.ContainsKey(id) ? _patterns[id].Id : throw Error(l, 205, $"undefined pattern '{id}'", index);
        }

        private string CurveRef(Line l, int index)
        {
            var id = l.Tokens[index];
            return _curves.ContainsKey(id) ? _curves[id].Id : throw Error(l, 206, $"undefined curve '{id}'", index);
        }

        private string? OptionalPattern(Line l, int index)
            => index < l.Tokens.Length && l.Tokens[index] != "*" ? l.Tokens[index] : null;

        private void ReadJunction(Line l)
        {
            Require(l, 2, "ID elevation [demand] [pattern]");
            var j = new Junction { Id = l.Tokens[0], Elevation = Number(l, 1, "elevation") };
            if (l.Tokens.Length > 2)
            {
                j.Demands.Add(new Demand { BaseDemand = Number(l, 2, "demand"), PatternId = OptionalPattern(l, 3) });
            }
            else
            {
                j.Demands.Add(new Demand());
            }
            AddNode(l, j);
            _net.Junctions.Add(j);
        }

        private void ReadReservoir(Line l)
        {
            Require(l, 2, "ID head [pattern]");
            var r = new Reservoir { Id = l.Tokens[0], Elevation = Number(l, 1, "head"), HeadPatternId = OptionalPattern(l, 2) };
            AddNode(l, r);
            _net.Reservoirs.Add(r);
            _net.FixedGradeNodes.Add(r);
        }

        private void ReadTank(Line l)
        {
            if (l.Tokens.Length is 2 or 3)
            {
                // EPANET reads a [TANKS] line with only an elevation (and head pattern) as a reservoir.
                ReadReservoir(l);
                return;
            }
            Require(l, 6, "ID elevation initlevel minlevel maxlevel diameter [minvol] [volcurve] [overflow]");
            var t = new Tank
            {
                Id = l.Tokens[0],
                Elevation = Number(l, 1, "elevation"),
                InitialLevel = Number(l, 2, "initial level"),
                MinimumLevel = Number(l, 3, "minimum level"),
                MaximumLevel = Number(l, 4, "maximum level"),
                Diameter = Number(l, 5, "diameter"),
                MinimumVolume = OptionalNumber(l, 6, "minimum volume", 0),
            };
            if (l.Tokens.Length > 7 && l.Tokens[7] != "*")
            {
                t.VolumeCurveId = l.Tokens[7];
            }
            if (l.Tokens.Length > 8)
            {
                var o = l.Tokens[8].ToUpperInvariant();
                t.CanOverflow = o == "YES" || o == "TRUE";
            }
            if (t.InitialLevel < t.MinimumLevel || t.InitialLevel > t.MaximumLevel || t.MinimumLevel > t.MaximumLevel)
            {
                throw Error(l, 225, $"tank {t.Id} has inconsistent levels (initial outside [min, max])", 2);
            }
            AddNode(l, t);
            _net.Tanks.Add(t);
            _net.FixedGradeNodes.Add(t);
        }

        private void ReadPattern(Line l)
        {
            var id = l.Tokens[0];
            if (!_patterns.TryGetValue(id, out var p))
            {
                CheckId(l, id);
                p = new Pattern { Id = id };
                _patterns[id] = p;
                _net.Patterns.Add(p);
            }
            for (var i = 1; i < l.Tokens.Length; i++)
            {
                p.Multipliers.Add(Number(l, i, "pattern multiplier"));
            }
        }

        private void ReadCurve(Line l)
        {
            Require(l, 3, "ID x y");
            var id = l.Tokens[0];
            if (!_curves.TryGetValue(id, out var c))
            {
                CheckId(l, id);
                c = new Curve { Id = id, Kind = CurveKindFromComment(l.Comment) };
                _curves[id] = c;
                _net.Curves.Add(c);
            }
            for (var i = 1; i + 1 < l.Tokens.Length; i += 2)
            {
                var x = Number(l, i, "curve x");
                var y = Number(l, i + 1, "curve y");
                if (c.Points.Count > 0 && x <= c.Points[^1].X)
                {
                    throw Error(l, 230, $"curve {id} has x values that do not increase", i);
                }
                c.Points.Add((x, y));
            }
        }

        private static CurveKind CurveKindFromComment(string? comment)
        {
            if (comment is null)
            {
                return CurveKind.Unspecified;
            }
            var c = comment.TrimStart().ToUpperInvariant();
            return c.StartsWith("PUMP", StringComparison.Ordinal) ? CurveKind.Pump
                : c.StartsWith("EFFICIENCY", StringComparison.Ordinal) ? CurveKind.Efficiency
                : c.StartsWith("VOLUME", StringComparison.Ordinal) ? CurveKind.Volume
                : c.StartsWith("HEADLOSS", StringComparison.Ordinal) ? CurveKind.Headloss
                : c.StartsWith("VALVE", StringComparison.Ordinal) ? CurveKind.Valve
                : CurveKind.Unspecified;
        }

        private void ReadPipe(Line l)
        {
            Require(l, 6, "ID node1 node2 length diameter roughness [minorloss] [status]");
            var p = new Pipe
            {
                Id = l.Tokens[0],
                FromNode = l.Tokens[1],
                ToNode = l.Tokens[2],
                Length = Number(l, 3, "length"),
                Diameter = Number(l, 4, "diameter"),
                Roughness = Number(l, 5, "roughness"),
            };
            var next = 6;
            if (l.Tokens.Length > 6 && double.TryParse(l.Tokens[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var ml))
            {
                p.MinorLoss = ml;
                next = 7;
            }
            if (l.Tokens.Length > next)
            {
                p.Status = l.Tokens[next].ToUpperInvariant() switch
                {
                    "OPEN" => InitialLinkStatus.Open,
                    "CLOSED" => InitialLinkStatus.Closed,
                    "CV" => InitialLinkStatus.CheckValve,
                    _ => throw Error(l, 213, $"illegal pipe status '{l.Tokens[next]}'", next),
                };
            }
            if (p.Length <= 0 || p.Diameter <= 0 || p.Roughness <= 0 || p.MinorLoss < 0)
            {
                throw Error(l, 211, $"illegal property value for pipe {p.Id} (length, diameter and roughness must be positive)", 3);
            }
            AddLink(l, p);
            _net.Pipes.Add(p);
        }

        private void ReadPump(Line l)
        {
            Require(l, 4, "ID node1 node2 HEAD curve | POWER value | SPEED value | PATTERN id");
            var p = new Pump { Id = l.Tokens[0], FromNode = l.Tokens[1], ToNode = l.Tokens[2] };
            if (l.Tokens.Length == 4 && double.TryParse(l.Tokens[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var legacyPower))
            {
                p.Power = legacyPower;
            }
            else
            {
                for (var i = 3; i < l.Tokens.Length; i += 2)
                {
                    if (i + 1 >= l.Tokens.Length)
                    {
                        throw Error(l, 201, $"pump keyword '{l.Tokens[i]}' without a value", i);
                    }
                    switch (l.Tokens[i].ToUpperInvariant())
                    {
                        case "HEAD": p.HeadCurveId = CurveRef(l, i + 1); break;
                        case "POWER": p.Power = Number(l, i + 1, "pump power"); break;
                        case "SPEED": p.Speed = Number(l, i + 1, "pump speed"); break;
                        case "PATTERN": p.PatternId = PatternRef(l, i + 1); break;
                        default: throw Error(l, 201, $"unknown pump keyword '{l.Tokens[i]}'", i);
                    }
                }
            }
            if (p.HeadCurveId is null && (p.Power is null || p.Power <= 0))
            {
                throw Error(l, 226, $"pump {p.Id} has no head curve or power", 0);
            }
            if (p.Speed < 0)
            {
                throw Error(l, 211, $"pump {p.Id} has a negative speed", 0);
            }
            AddLink(l, p);
            _net.Pumps.Add(p);
        }

        private void ReadValve(Line l)
        {
            Require(l, 6, "ID node1 node2 diameter type setting [minorloss]");
            var type = l.Tokens[4].ToUpperInvariant() switch
            {
                "PRV" => ValveType.Prv,
                "PSV" => ValveType.Psv,
                "PBV" => ValveType.Pbv,
                "FCV" => ValveType.Fcv,
                "TCV" => ValveType.Tcv,
                "GPV" => ValveType.Gpv,
                "PCV" => ValveType.Pcv,
                _ => throw Error(l, 201, $"unknown valve type '{l.Tokens[4]}'", 4),
            };
            var v = new Valve { Id = l.Tokens[0], FromNode = l.Tokens[1], ToNode = l.Tokens[2], Type = type, Diameter = Number(l, 3, "diameter") };
            if (type == ValveType.Gpv)
            {
                v.CurveId = CurveRef(l, 5);
            }
            else
            {
                v.Setting = Number(l, 5, "valve setting");
            }
            v.MinorLoss = OptionalNumber(l, 6, "minor loss", 0);
            if (type == ValveType.Pcv && l.Tokens.Length > 7)
            {
                v.CurveId = CurveRef(l, 7);
            }
            if (v.Diameter <= 0)
            {
                throw Error(l, 211, $"valve {v.Id} has a non-positive diameter", 3);
            }
            AddLink(l, v);
            var from = _nodes[v.FromNode];
            var to = _nodes[v.ToNode];
            if ((type is ValveType.Prv or ValveType.Psv or ValveType.Fcv) && (from is not Junction || to is not Junction))
            {
                throw Error(l, 219, $"{type.ToString().ToUpperInvariant()} {v.Id} is connected to a tank or reservoir", 1);
            }
            _net.Valves.Add(v);
        }

        private void ReadDemand(Line l)
        {
            Require(l, 2, "junction demand [pattern] [;category]");
            var node = NodeRef(l, 0);
            if (node is not Junction j)
            {
                throw Error(l, 208, $"demand assigned to non-junction node '{node.Id}'", 0);
            }
            var d = new Demand { BaseDemand = Number(l, 1, "demand"), PatternId = OptionalPattern(l, 2) };
            if (d.PatternId is not null)
            {
                d.PatternId = PatternRef(l, 2);
            }
            if (l.Comment is { Length: > 0 } c && l.Raw.Contains(';', StringComparison.Ordinal))
            {
                d.Category = c;
            }
            if (_demandsReplaced.Add(j.Id))
            {
                j.Demands.Clear();
            }
            j.Demands.Add(d);
        }

        private void ReadStatus(Line l)
        {
            Require(l, 2, "link status|setting");
            var link = LinkRef(l, 0);
            var word = l.Tokens[1].ToUpperInvariant();
            switch (word)
            {
                case "OPEN": link.StatusOverride = InitialLinkStatus.Open; link.SettingOverride = null; break;
                case "CLOSED": link.StatusOverride = InitialLinkStatus.Closed; link.SettingOverride = null; break;
                case "ACTIVE": link.StatusOverride = InitialLinkStatus.Active; link.SettingOverride = null; break;
                default:
                    if (link is Pipe)
                    {
                        throw Error(l, 211, $"a numeric status cannot be given to pipe {link.Id}", 1);
                    }
                    link.SettingOverride = Number(l, 1, "link setting");
                    link.StatusOverride = null;
                    break;
            }
            if (link is Pipe { Status: InitialLinkStatus.CheckValve })
            {
                throw Error(l, 207, $"the status of check valve {link.Id} cannot be set", 0);
            }
        }

        private void ReadEmitter(Line l)
        {
            Require(l, 2, "junction coefficient");
            var node = NodeRef(l, 0);
            var k = Number(l, 1, "emitter coefficient");
            if (node is not Junction j || k < 0)
            {
                throw Error(l, 209, $"illegal emitter for node '{node.Id}'", 1);
            }
            j.EmitterCoefficient = k;
        }

        private void ReadLeakage(Line l)
        {
            Require(l, 3, "pipe area expansion");
            var link = LinkRef(l, 0);
            if (link is not Pipe p)
            {
                throw Error(l, 211, $"leakage given for non-pipe link '{link.Id}'", 0);
            }
            p.LeakArea = Number(l, 1, "leak area");
            p.LeakExpansion = Number(l, 2, "leak expansion");
            if (p.LeakArea < 0 || p.LeakExpansion < 0)
            {
                throw Error(l, 211, $"negative leakage parameters for pipe {p.Id}", 1);
            }
        }

        private void ReadControl(Line l)
        {
            // LINK id status IF NODE id ABOVE/BELOW value | AT TIME t | AT CLOCKTIME t [AM/PM]
            Require(l, 6, "LINK id status IF NODE id ABOVE|BELOW value, or LINK id status AT TIME t");
            if (!l.Tokens[0].Equals("LINK", StringComparison.OrdinalIgnoreCase))
            {
                throw Error(l, 201, "a control must start with LINK", 0);
            }
            var link = LinkRef(l, 1);
            if (link is Pipe { Status: InitialLinkStatus.CheckValve })
            {
                throw Error(l, 207, $"check valve {link.Id} cannot be controlled", 1);
            }
            InitialLinkStatus? status = null;
            double? setting = null;
            switch (l.Tokens[2].ToUpperInvariant())
            {
                case "OPEN": status = InitialLinkStatus.Open; break;
                case "CLOSED": status = InitialLinkStatus.Closed; break;
                case "ACTIVE": status = InitialLinkStatus.Active; break;
                default:
                    if (link is Pipe)
                    {
                        throw Error(l, 211, $"a numeric setting cannot be given to pipe {link.Id}", 2);
                    }
                    setting = Number(l, 2, "control setting");
                    if (setting < 0)
                    {
                        throw Error(l, 202, "control setting must not be negative", 2);
                    }
                    break;
            }
            var key = l.Tokens[3].ToUpperInvariant();
            if (key == "IF")
            {
                Require(l, 8, "LINK id status IF NODE id ABOVE|BELOW value");
                var node = NodeRef(l, 5);
                var rel = l.Tokens[6].ToUpperInvariant();
                var type = rel == "ABOVE" ? ControlType.HighLevel : rel == "BELOW" ? ControlType.LowLevel
                    : throw Error(l, 201, $"expected ABOVE or BELOW, found '{l.Tokens[6]}'", 6);
                _net.Controls.Add(new SimpleControl { LinkId = link.Id, Status = status, Setting = setting, Type = type, NodeId = node.Id, Value = Number(l, 7, "control level") });
            }
            else if (key == "AT")
            {
                var what = l.Tokens[4].ToUpperInvariant();
                var rest = l.Tokens.Skip(5).ToArray();
                if (what == "TIME")
                {
                    var t = TimeParser.ParseDuration(rest, out var ok);
                    if (!ok)
                    {
                        throw Error(l, 202, "illegal control time", 5);
                    }
                    _net.Controls.Add(new SimpleControl { LinkId = link.Id, Status = status, Setting = setting, Type = ControlType.Timer, TimeSeconds = t });
                }
                else if (what == "CLOCKTIME")
                {
                    var t = TimeParser.ParseClock(rest, out var ok);
                    if (!ok)
                    {
                        throw Error(l, 202, "illegal control clock time", 5);
                    }
                    _net.Controls.Add(new SimpleControl { LinkId = link.Id, Status = status, Setting = setting, Type = ControlType.TimeOfDay, TimeSeconds = t });
                }
                else
                {
                    throw Error(l, 201, $"expected TIME or CLOCKTIME, found '{l.Tokens[4]}'", 4);
                }
            }
            else
            {
                throw Error(l, 201, $"expected IF or AT, found '{l.Tokens[3]}'", 3);
            }
        }

        private void ReadRules(List<Line> lines)
        {
            Rule? rule = null;
            var clause = "";
            foreach (var l in lines)
            {
                var key = l.Tokens[0].ToUpperInvariant();
                switch (key)
                {
                    case "RULE":
                        Require(l, 2, "RULE label");
                        rule = new Rule { Label = l.Tokens[1] };
                        _net.Rules.Add(rule);
                        clause = "RULE";
                        break;
                    case "IF" or "AND" or "OR" when rule is not null && (key == "IF" ? clause == "RULE" : clause is "IF" or "THEN" or "ELSE"):
                        if (key == "IF" || clause == "IF")
                        {
                            rule.Premises.Add(ReadPremise(l, key));
                            clause = "IF";
                        }
                        else if (key == "AND")
                        {
                            (clause == "THEN" ? rule.ThenActions : rule.ElseActions).Add(ReadAction(l));
                        }
                        else
                        {
                            throw Error(l, 201, "OR is not allowed among rule actions", 0);
                        }
                        break;
                    case "THEN" when rule is not null && clause == "IF":
                        rule.ThenActions.Add(ReadAction(l));
                        clause = "THEN";
                        break;
                    case "ELSE" when rule is not null && clause == "THEN":
                        rule.ElseActions.Add(ReadAction(l));
                        clause = "ELSE";
                        break;
                    case "PRIORITY" when rule is not null && clause is "THEN" or "ELSE":
                        rule.Priority = Number(l, 1, "rule priority");
                        clause = "PRIORITY";
                        break;
                    default:
                        throw Error(l, 201, $"unexpected '{l.Tokens[0]}' in rule {(rule?.Label ?? "")}".TrimEnd(), 0);
                }
            }
            foreach (var r in _net.Rules)
            {
                if (r.Premises.Count == 0 || r.ThenActions.Count == 0)
                {
                    throw new InpFormatException(file, lines.FirstOrDefault().Number, 0, 201, $"rule {r.Label} lacks an IF or THEN clause");
                }
            }
        }

        private static readonly HashSet<string> NodeObjects = new(StringComparer.OrdinalIgnoreCase) { "NODE", "JUNCTION", "TANK", "RESERVOIR" };
        private static readonly HashSet<string> LinkObjects = new(StringComparer.OrdinalIgnoreCase) { "LINK", "PIPE", "PUMP", "VALVE" };

        private RulePremise ReadPremise(Line l, string conjunction)
        {
            var obj = l.Tokens.Length > 1 ? l.Tokens[1].ToUpperInvariant() : "";
            if (obj == "SYSTEM")
            {
                Require(l, 5, "IF SYSTEM variable relation value");
                return new RulePremise { Conjunction = conjunction, ObjectType = obj, Variable = l.Tokens[2].ToUpperInvariant(), Relation = l.Tokens[3].ToUpperInvariant(), Value = string.Join(' ', l.Tokens.Skip(4)) };
            }
            Require(l, 6, "IF object id variable relation value");
            if (NodeObjects.Contains(obj))
            {
                NodeRef(l, 2);
            }
            else if (LinkObjects.Contains(obj))
            {
                LinkRef(l, 2);
            }
            else
            {
                throw Error(l, 201, $"unknown rule object '{l.Tokens[1]}'", 1);
            }
            var relation = l.Tokens[4].ToUpperInvariant();
            if (relation is not ("=" or "<>" or "<" or ">" or "<=" or ">=" or "IS" or "NOT" or "BELOW" or "ABOVE"))
            {
                throw Error(l, 201, $"unknown relation '{l.Tokens[4]}'", 4);
            }
            var value = string.Join(' ', l.Tokens.Skip(5));
            var variable = l.Tokens[3].ToUpperInvariant();
            if (variable is not ("STATUS") && !double.TryParse(l.Tokens[5], NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                && variable is not ("TIME" or "CLOCKTIME"))
            {
                throw Error(l, 202, $"illegal numeric value '{l.Tokens[5]}' in rule premise", 5);
            }
            return new RulePremise { Conjunction = conjunction, ObjectType = obj, ObjectId = l.Tokens[2], Variable = variable, Relation = relation, Value = value };
        }

        private RuleAction ReadAction(Line l)
        {
            Require(l, 6, "THEN|ELSE|AND object id STATUS|SETTING IS value");
            var link = LinkRef(l, 2);
            var attr = l.Tokens[3].ToUpperInvariant();
            if (attr is not ("STATUS" or "SETTING"))
            {
                throw Error(l, 201, $"rule actions set STATUS or SETTING, not '{l.Tokens[3]}'", 3);
            }
            var value = l.Tokens[5];
            if (attr == "SETTING" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw Error(l, 202, $"illegal setting '{value}' in rule action", 5);
            }
            if (attr == "STATUS" && value.ToUpperInvariant() is not ("OPEN" or "CLOSED" or "ACTIVE"))
            {
                throw Error(l, 201, $"illegal status '{value}' in rule action", 5);
            }
            return new RuleAction { LinkId = link.Id, LinkType = l.Tokens[1].ToUpperInvariant(), Attribute = attr, Value = value.ToUpperInvariant() };
        }

        private void ReadEnergy(Line l)
        {
            Require(l, 2, "GLOBAL|PUMP|DEMAND ... value");
            var key = l.Tokens[0].ToUpperInvariant();
            if (key == "DEMAND")
            {
                _net.Energy.DemandCharge = Number(l, l.Tokens.Length - 1, "demand charge");
                return;
            }
            if (key == "GLOBAL")
            {
                Require(l, 3, "GLOBAL EFFIC|PRICE|PATTERN value");
                var what = l.Tokens[1].ToUpperInvariant();
                if (what.StartsWith("EFFI", StringComparison.Ordinal)) { _net.Energy.GlobalEfficiency = Number(l, 2, "efficiency"); }
                else if (what.StartsWith("PRICE", StringComparison.Ordinal)) { _net.Energy.GlobalPrice = Number(l, 2, "price"); }
                else if (what.StartsWith("PATT", StringComparison.Ordinal)) { _net.Energy.GlobalPatternId = PatternRef(l, 2); }
                else { throw Error(l, 213, $"unknown energy keyword '{l.Tokens[1]}'", 1); }
                return;
            }
            if (key == "PUMP")
            {
                Require(l, 4, "PUMP id EFFIC|PRICE|PATTERN value");
                var link = LinkRef(l, 1);
                if (link is not Pump p)
                {
                    throw Error(l, 217, $"energy data for non-pump link '{link.Id}'", 1);
                }
                var what = l.Tokens[2].ToUpperInvariant();
                if (what.StartsWith("EFFI", StringComparison.Ordinal)) { p.EfficiencyCurveId = CurveRef(l, 3); }
                else if (what.StartsWith("PRICE", StringComparison.Ordinal)) { p.EnergyPrice = Number(l, 3, "price"); }
                else if (what.StartsWith("PATT", StringComparison.Ordinal)) { p.PricePatternId = PatternRef(l, 3); }
                else { throw Error(l, 217, $"unknown pump energy keyword '{l.Tokens[2]}'", 2); }
                return;
            }
            throw Error(l, 201, $"unknown energy keyword '{l.Tokens[0]}'", 0);
        }

        private void ReadReaction(Line l)
        {
            Require(l, 2, "keyword [id] value");
            var key = l.Tokens[0].ToUpperInvariant();
            var r = _net.Reactions;
            switch (key)
            {
                case "ORDER":
                    Require(l, 3, "ORDER BULK|WALL|TANK value");
                    var which = l.Tokens[1].ToUpperInvariant();
                    var v = Number(l, 2, "reaction order");
                    if (which == "BULK") { r.BulkOrder = v; }
                    else if (which == "WALL") { r.WallOrder = v; }
                    else if (which == "TANK") { r.TankOrder = v; }
                    else { throw Error(l, 213, $"unknown reaction order '{l.Tokens[1]}'", 1); }
                    break;
                case "GLOBAL":
                    Require(l, 3, "GLOBAL BULK|WALL value");
                    var g = l.Tokens[1].ToUpperInvariant();
                    if (g == "BULK") { r.GlobalBulk = Number(l, 2, "bulk coefficient"); }
                    else if (g == "WALL") { r.GlobalWall = Number(l, 2, "wall coefficient"); }
                    else { throw Error(l, 213, $"unknown global reaction '{l.Tokens[1]}'", 1); }
                    break;
                case "LIMITING":
                    r.LimitingPotential = Number(l, l.Tokens.Length - 1, "limiting potential");
                    break;
                case "ROUGHNESS":
                    r.RoughnessCorrelation = Number(l, l.Tokens.Length - 1, "roughness correlation");
                    break;
                case "BULK" or "WALL":
                    Require(l, 3, "BULK|WALL pipe value");
                    var link = LinkRef(l, 1);
                    if (link is not Pipe pipe)
                    {
                        throw Error(l, 211, $"reaction coefficient for non-pipe link '{link.Id}'", 1);
                    }
                    if (key == "BULK") { pipe.BulkCoefficient = Number(l, 2, "bulk coefficient"); }
                    else { pipe.WallCoefficient = Number(l, 2, "wall coefficient"); }
                    break;
                case "TANK":
                    Require(l, 3, "TANK id value");
                    var node = NodeRef(l, 1);
                    r.TankBulk[node.Id] = Number(l, 2, "tank reaction coefficient");
                    break;
                default:
                    throw Error(l, 213, $"unknown reaction keyword '{l.Tokens[0]}'", 0);
            }
        }

        private void ReadQuality(Line l)
        {
            Require(l, 2, "node initial-quality");
            NodeRef(l, 0).InitialQuality = Number(l, 1, "initial quality");
        }

        private void ReadSource(Line l)
        {
            Require(l, 3, "node type strength [pattern]");
            var node = NodeRef(l, 0);
            var type = l.Tokens[1].ToUpperInvariant() switch
            {
                "CONCEN" => SourceType.Concen,
                "MASS" => SourceType.Mass,
                "SETPOINT" => SourceType.Setpoint,
                "FLOWPACED" => SourceType.FlowPaced,
                _ => throw Error(l, 213, $"unknown source type '{l.Tokens[1]}'", 1),
            };
            _net.Sources.Add(new QualitySource { NodeId = node.Id, Type = type, Strength = Number(l, 2, "source strength"), PatternId = l.Tokens.Length > 3 ? PatternRef(l, 3) : null });
        }

        private void ReadMixing(Line l)
        {
            Require(l, 2, "tank model [fraction]");
            var node = NodeRef(l, 0);
            if (node is not Tank)
            {
                throw Error(l, 209, $"mixing model given for non-tank node '{node.Id}'", 0);
            }
            var model = l.Tokens[1].ToUpperInvariant() switch
            {
                "MIXED" => MixingModel.Mixed,
                "2COMP" => MixingModel.TwoCompartment,
                "FIFO" => MixingModel.Fifo,
                "LIFO" => MixingModel.Lifo,
                _ => throw Error(l, 213, $"unknown mixing model '{l.Tokens[1]}'", 1),
            };
            _net.Mixing.Add(new TankMixing { TankId = node.Id, Model = model, Fraction = OptionalNumber(l, 2, "mixing fraction", 1) });
        }

        private void ReadTag(Line l)
        {
            Require(l, 3, "NODE|LINK id tag");
            var kind = l.Tokens[0].ToUpperInvariant();
            if (kind == "NODE")
            {
                NodeRef(l, 1).Tag = l.Tokens[2];
            }
            else if (kind == "LINK")
            {
                LinkRef(l, 1).Tag = l.Tokens[2];
            }
            else
            {
                throw Error(l, 201, $"tags are for NODE or LINK, not '{l.Tokens[0]}'", 0);
            }
            _net.Tags.Add(new Tag { ObjectType = kind, ObjectId = l.Tokens[1], Value = l.Tokens[2] });
        }

        private void ReadCoordinate(Line l)
        {
            Require(l, 3, "node x y");
            var node = NodeRef(l, 0);
            _net.Coordinates[node.Id] = (Number(l, 1, "x"), Number(l, 2, "y"));
        }

        private void ReadVertex(Line l)
        {
            Require(l, 3, "link x y");
            var link = LinkRef(l, 0);
            if (!_net.Vertices.TryGetValue(link.Id, out var list))
            {
                list = [];
                _net.Vertices[link.Id] = list;
            }
            list.Add((Number(l, 1, "x"), Number(l, 2, "y")));
        }

        private void ReadLabel(Line l)
        {
            Require(l, 3, "x y \"text\" [anchor]");
            _net.Labels.Add(new MapLabel { X = Number(l, 0, "x"), Y = Number(l, 1, "y"), Text = l.Tokens[2], AnchorNode = l.Tokens.Length > 3 ? l.Tokens[3] : null });
        }

        private void ReadTime(Line l)
        {
            Require(l, 2, "keyword value");
            var key = l.Tokens[0].ToUpperInvariant();
            var t = _net.Times;
            if (key == "STATISTIC")
            {
                t.Statistic = l.Tokens[^1].ToUpperInvariant();
                return;
            }
            // Multi-word keywords: HYDRAULIC TIMESTEP, PATTERN START, START CLOCKTIME, ...
            var second = l.Tokens.Length > 2 ? l.Tokens[1].ToUpperInvariant() : "";
            var valueIndex = key is "DURATION" ? 1 : 2;
            if (l.Tokens.Length <= valueIndex)
            {
                throw Error(l, 201, $"missing value for time option '{key}'");
            }
            var rest = l.Tokens.Skip(valueIndex).ToArray();
            bool ok;
            if (key == "START" && second.StartsWith("CLOCK", StringComparison.Ordinal))
            {
                t.StartClockTime = TimeParser.ParseClock(rest, out ok);
            }
            else
            {
                var v = TimeParser.ParseDuration(rest, out ok);
                switch (key)
                {
                    case "DURATION": t.Duration = v; break;
                    case "HYDRAULIC": t.HydraulicStep = v; break;
                    case "QUALITY": t.QualityStep = v; t.QualityStepGiven = true; break;
                    case "RULE": t.RuleStep = v; t.RuleStepGiven = true; break;
                    case "PATTERN" when second == "TIMESTEP": t.PatternStep = v; break;
                    case "PATTERN" when second == "START": t.PatternStart = v; break;
                    case "REPORT" when second == "TIMESTEP": t.ReportStep = v; break;
                    case "REPORT" when second == "START": t.ReportStart = v; break;
                    default: throw Error(l, 213, $"unknown time option '{string.Join(' ', l.Tokens.Take(valueIndex))}'", 0);
                }
            }
            if (!ok)
            {
                throw Error(l, 213, $"illegal time value '{string.Join(' ', rest)}'", valueIndex);
            }
        }

        private void ReadOption(Line l)
        {
            var o = _net.Options;
            var key = l.Tokens[0].ToUpperInvariant();
            string Value(int i = 1) => i < l.Tokens.Length ? l.Tokens[i] : throw Error(l, 201, $"missing value for option '{l.Tokens[0]}'");
            int Int(int i)
            {
                var v = Number(l, i, key);
                return v >= 0 && v <= int.MaxValue && v == Math.Floor(v) ? (int)v : throw Error(l, 213, $"option {key} needs a non-negative integer", i);
            }
            switch (key)
            {
                case "UNITS":
                    o.Units = Value().ToUpperInvariant() switch
                    {
                        "CFS" => FlowUnits.Cfs, "GPM" => FlowUnits.Gpm, "MGD" => FlowUnits.Mgd, "IMGD" => FlowUnits.Imgd,
                        "AFD" => FlowUnits.Afd, "LPS" => FlowUnits.Lps, "LPM" => FlowUnits.Lpm, "MLD" => FlowUnits.Mld,
                        "CMH" => FlowUnits.Cmh, "CMD" => FlowUnits.Cmd, "CMS" => FlowUnits.Cms,
                        "SI" => FlowUnits.Lps, // legacy EPANET keyword for SI units in litres per second
                        _ => throw Error(l, 213, $"illegal flow units '{Value()}'", 1),
                    };
                    break;
                case "PRESSURE" when l.Tokens.Length > 1 && !double.TryParse(l.Tokens[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                    o.Pressure = Value().ToUpperInvariant() switch
                    {
                        "PSI" => PressureUnits.Psi, "KPA" => PressureUnits.Kpa, "METERS" => PressureUnits.Meters,
                        "BAR" => PressureUnits.Bar, "FEET" => PressureUnits.Feet,
                        "EXPONENT" => SetPressureExponent(l),
                        _ => throw Error(l, 213, $"illegal pressure units '{Value()}'", 1),
                    };
                    break;
                case "HEADLOSS":
                    o.Headloss = Value().ToUpperInvariant() switch
                    {
                        "H-W" => HeadlossFormula.HazenWilliams, "D-W" => HeadlossFormula.DarcyWeisbach, "C-M" => HeadlossFormula.ChezyManning,
                        _ => throw Error(l, 213, $"illegal headloss formula '{Value()}'", 1),
                    };
                    break;
                case "HYDRAULICS":
                    o.HydraulicsFileMode = Value().ToUpperInvariant();
                    o.HydraulicsFile = Value(2);
                    break;
                case "QUALITY":
                    var q = Value().ToUpperInvariant();
                    o.ChemicalName = null;
                    o.ChemicalUnits = null;
                    o.TraceNode = null;
                    if (q == "NONE") { o.Quality = QualityType.None; }
                    else if (q == "AGE") { o.Quality = QualityType.Age; }
                    else if (q == "TRACE") { o.Quality = QualityType.Trace; o.TraceNode = Value(2); }
                    else
                    {
                        o.Quality = QualityType.Chemical;
                        o.ChemicalName = l.Tokens[1];
                        o.ChemicalUnits = l.Tokens.Length > 2 ? l.Tokens[2] : "MG/L";
                    }
                    break;
                case "VISCOSITY": o.Viscosity = Number(l, 1, key); break;
                case "DIFFUSIVITY": o.Diffusivity = Number(l, 1, key); break;
                case "SPECIFIC": o.SpecificGravity = Number(l, l.Tokens.Length - 1, "specific gravity"); break;
                case "TRIALS": o.Trials = Int(1); break;
                case "ACCURACY": o.Accuracy = Number(l, 1, key); break;
                case "HEADERROR": o.HeadError = Number(l, 1, key); break;
                case "FLOWCHANGE": o.FlowChange = Number(l, 1, key); break;
                case "UNBALANCED":
                    var u = Value().ToUpperInvariant();
                    if (u == "STOP") { o.UnbalancedExtraTrials = -1; }
                    else if (u == "CONTINUE") { o.UnbalancedExtraTrials = l.Tokens.Length > 2 ? Int(2) : 0; }
                    else { throw Error(l, 213, $"illegal UNBALANCED option '{Value()}'", 1); }
                    break;
                case "PATTERN": o.DefaultPatternId = Value(); break;
                case "DEMAND" when l.Tokens.Length > 1 && l.Tokens[1].Equals("MODEL", StringComparison.OrdinalIgnoreCase):
                    o.DemandModel = Value(2).ToUpperInvariant() switch
                    {
                        "DDA" => DemandModel.DemandDriven, "PDA" => DemandModel.PressureDriven,
                        _ => throw Error(l, 213, $"illegal demand model '{Value(2)}'", 2),
                    };
                    break;
                case "DEMAND": o.DemandMultiplier = Number(l, l.Tokens.Length - 1, "demand multiplier"); break;
                case "MULTIPLIER": o.DemandMultiplier = Number(l, 1, key); break;
                case "EMITTER" when l.Tokens.Length > 1 && l.Tokens[1].StartsWith("BACK", StringComparison.OrdinalIgnoreCase):
                    o.EmitterBackflow = Value(2).ToUpperInvariant() is "YES" or "TRUE";
                    break;
                case "EMITTER": o.EmitterExponent = Number(l, l.Tokens.Length - 1, "emitter exponent"); break;
                case "BACKFLOW": o.EmitterBackflow = l.Tokens[^1].ToUpperInvariant() is "YES" or "TRUE"; break;
                case "TOLERANCE": o.QualityTolerance = Number(l, 1, key); break;
                case "MAP": o.MapFile = Value(); break;
                case "CHECKFREQ": o.CheckFrequency = Int(1); break;
                case "MAXCHECK": o.MaxCheck = Int(1); break;
                case "DAMPLIMIT": o.DampLimit = Number(l, 1, key); break;
                case "MINIMUM": o.MinimumPressure = Number(l, l.Tokens.Length - 1, "minimum pressure"); break;
                case "REQUIRED": o.RequiredPressure = Number(l, l.Tokens.Length - 1, "required pressure"); break;
                case "PRESSURE": o.PressureExponent = Number(l, l.Tokens.Length - 1, "pressure exponent"); break;
                case "SEGMENTS": o.Segments = Int(1); break;
                default:
                    throw Error(l, 213, $"unknown option '{l.Tokens[0]}'", 0);
            }
            if (o.Trials < 1 || o.Accuracy <= 0 || o.SpecificGravity <= 0 || o.Viscosity <= 0 || o.EmitterExponent <= 0 || o.DemandMultiplier < 0)
            {
                throw Error(l, 213, $"illegal value for option '{l.Tokens[0]}'", 1);
            }
        }

        private PressureUnits SetPressureExponent(Line l)
        {
            _net.Options.PressureExponent = Number(l, 2, "pressure exponent");
            return _net.Options.Pressure;
        }
    }
}

/// <summary>EPANET's time formats: decimal hours, h:mm[:ss], a value with SEC/MIN/HOURS/DAYS, or a clock time with AM/PM.</summary>
public static class TimeParser
{
    public static long ParseDuration(string[] tokens, out bool ok)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ok = false;
        if (tokens.Length == 0)
        {
            return 0;
        }
        var unit = tokens.Length > 1 ? tokens[1].ToUpperInvariant() : "";
        if (unit is "AM" or "PM")
        {
            return ParseClock(tokens, out ok);
        }
        if (!TryHours(tokens[0], out var hours))
        {
            return 0;
        }
        double seconds;
        if (tokens[0].Contains(':', StringComparison.Ordinal) || unit.Length == 0)
        {
            seconds = hours * 3600;
        }
        else if (unit.StartsWith("SEC", StringComparison.Ordinal))
        {
            seconds = hours;
        }
        else if (unit.StartsWith("MIN", StringComparison.Ordinal))
        {
            seconds = hours * 60;
        }
        else if (unit.StartsWith("HOUR", StringComparison.Ordinal))
        {
            seconds = hours * 3600;
        }
        else if (unit.StartsWith("DAY", StringComparison.Ordinal))
        {
            seconds = hours * 86400;
        }
        else
        {
            return 0;
        }
        if (seconds < 0)
        {
            return 0;
        }
        ok = true;
        return (long)Math.Round(seconds);
    }

    public static long ParseClock(string[] tokens, out bool ok)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ok = false;
        if (tokens.Length == 0 || !TryHours(tokens[0], out var hours) || hours < 0)
        {
            return 0;
        }
        if (tokens.Length > 1 && tokens[1].ToUpperInvariant() is not ("AM" or "PM"))
        {
            var d = ParseDuration(tokens, out ok);
            return d % 86400;
        }
        if (tokens.Length > 1)
        {
            var ampm = tokens[1].ToUpperInvariant();
            if (hours >= 13 || hours < 1 && ampm is "AM" or "PM" && hours < 0)
            {
                return 0;
            }
            if (ampm == "AM")
            {
                if (hours >= 12)
                {
                    hours -= 12;
                }
            }
            else if (ampm == "PM")
            {
                if (hours < 12)
                {
                    hours += 12;
                }
            }
            else
            {
                return 0;
            }
        }
        ok = true;
        return (long)Math.Round(hours * 3600) % 86400;
    }

    private static bool TryHours(string s, out double hours)
    {
        hours = 0;
        // EPANET reads at most hours, minutes and seconds; further fields are ignored as its sscanf does.
        var parts = s.Split(':').Take(3).ToArray();
        var factor = 1.0;
        foreach (var p in parts)
        {
            if (!double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                return false;
            }
            hours += v / factor;
            factor *= 60;
        }
        return true;
    }
}
