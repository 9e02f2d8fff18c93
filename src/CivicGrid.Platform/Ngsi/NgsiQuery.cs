using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CivicGrid.Platform.Ngsi;

/// <summary>
/// A parsed NGSI-LD query-language expression (the <c>q</c> parameter, ETSI GS CIM 009 clause 4.9): comparisons
/// (<c>== != &gt; &gt;= &lt; &lt;=</c>), value lists (<c>a==1,2</c>), ranges (<c>a==1..5</c>), patterns
/// (<c>~=</c>, <c>!~=</c>), existence (<c>a</c>, <c>!a</c>), sub-attributes (<c>a.observedAt</c>), compound
/// members (<c>a[b.c]</c>), <c>;</c> (and, binds tighter), <c>|</c> (or) and parentheses.
/// </summary>
public sealed class NgsiQuery
{
    private readonly Node _root;

    private NgsiQuery(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }

    /// <summary>The attribute names the expression refers to (first path segment).</summary>
    public IReadOnlySet<string> Attributes => _root.Attributes().ToHashSet(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="text"/>; throws <see cref="NgsiQueryException"/> naming the column and reason.</summary>
    public static NgsiQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        return new NgsiQuery(text, parser.ParseAll());
    }

    /// <summary>True if the entity (normalized NGSI-LD) satisfies the expression.</summary>
    public bool Matches(JsonObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return _root.Matches(entity);
    }

    /// <summary>Comparison operators of the query language.</summary>
    internal enum Op
    {
        Equal,
        NotEqual,
        Greater,
        GreaterOrEqual,
        Less,
        LessOrEqual,
        Pattern,
        NotPattern,
    }

    private abstract class Node
    {
        public abstract bool Matches(JsonObject entity);

        public abstract IEnumerable<string> Attributes();
    }

    private sealed class AndNode(IReadOnlyList<Node> parts) : Node
    {
        public override bool Matches(JsonObject entity) => parts.All(p => p.Matches(entity));

        public override IEnumerable<string> Attributes() => parts.SelectMany(p => p.Attributes());
    }

    private sealed class OrNode(IReadOnlyList<Node> parts) : Node
    {
        public override bool Matches(JsonObject entity) => parts.Any(p => p.Matches(entity));

        public override IEnumerable<string> Attributes() => parts.SelectMany(p => p.Attributes());
    }

    private sealed class ExistsNode(AttributePath path, bool negated) : Node
    {
        public override bool Matches(JsonObject entity) => path.Resolve(entity).Any() != negated;

        public override IEnumerable<string> Attributes() => [path.Attribute];
    }

    private sealed class ComparisonNode(AttributePath path, Op op, IReadOnlyList<QueryValue> values, (QueryValue Min, QueryValue Max)? range, Regex? pattern) : Node
    {
        public override IEnumerable<string> Attributes() => [path.Attribute];

        public override bool Matches(JsonObject entity)
        {
            var candidates = path.Resolve(entity).ToList();
            if (candidates.Count == 0)
            {
                return false;
            }
            switch (op)
            {
                case Op.Pattern:
                    return candidates.Any(c => c is JsonValue v && v.TryGetValue<string>(out var s) && pattern!.IsMatch(s));
                case Op.NotPattern:
                    return candidates.Any(c => c is JsonValue v && v.TryGetValue<string>(out _))
                        && !candidates.Any(c => c is JsonValue v && v.TryGetValue<string>(out var s) && pattern!.IsMatch(s));
                case Op.Equal when range is { } r:
                    return candidates.Any(c => Compare(c, r.Min) is >= 0 && Compare(c, r.Max) is <= 0);
                case Op.NotEqual when range is { } r:
                    return !candidates.Any(c => Compare(c, r.Min) is >= 0 && Compare(c, r.Max) is <= 0);
                case Op.Equal:
                    return candidates.Any(c => values.Any(v => Compare(c, v) == 0));
                case Op.NotEqual:
                    return !candidates.Any(c => values.Any(v => Compare(c, v) == 0));
                default:
                    var value = values[0];
                    return candidates.Any(c => Compare(c, value) is { } cmp && op switch
                    {
                        Op.Greater => cmp > 0,
                        Op.GreaterOrEqual => cmp >= 0,
                        Op.Less => cmp < 0,
                        _ => cmp <= 0,
                    });
            }
        }

        // Null when the two are not comparable (different kinds): such a comparison is false.
        private static int? Compare(JsonNode candidate, QueryValue value)
        {
            if (candidate is not JsonValue v)
            {
                return null;
            }
            if (value.Number is { } number)
            {
                return v.TryGetValue<double>(out var d) ? d.CompareTo(number)
                    : v.TryGetValue<long>(out var l) ? ((double)l).CompareTo(number)
                    : v.TryGetValue<int>(out var i) ? ((double)i).CompareTo(number)
                    : v.TryGetValue<decimal>(out var m) ? ((double)m).CompareTo(number) : null;
            }
            if (value.Boolean is { } boolean)
            {
                return v.TryGetValue<bool>(out var b) ? (b == boolean ? 0 : (b ? 1 : -1)) : null;
            }
            if (!v.TryGetValue<string>(out var s))
            {
                return null;
            }
            if (value.Time is { } time && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                return t.CompareTo(time);
            }
            return string.CompareOrdinal(s, value.Text);
        }
    }

    /// <summary>A literal of the query language.</summary>
    private sealed record QueryValue(string Text, double? Number, bool? Boolean, DateTimeOffset? Time);

    /// <summary><c>attr(.sub)*([member(.member)*])?</c>.</summary>
    private sealed record AttributePath(string Attribute, IReadOnlyList<string> SubAttributes, IReadOnlyList<string> Members)
    {
        public IEnumerable<JsonNode> Resolve(JsonObject entity)
        {
            if (!entity.TryGetPropertyValue(Attribute, out var attribute) || attribute is null)
            {
                yield break;
            }
            IEnumerable<JsonNode> instances = attribute is JsonArray many ? many.Where(x => x is not null).Select(x => x!) : [attribute];
            foreach (var instance in instances)
            {
                JsonNode? current = instance;
                foreach (var sub in SubAttributes)
                {
                    current = current is JsonObject o && o.TryGetPropertyValue(sub, out var next) ? next : null;
                }
                current = ValueOf(current);
                foreach (var member in Members)
                {
                    current = current is JsonObject o && o.TryGetPropertyValue(member, out var next) ? next : null;
                }
                if (current is JsonArray array)
                {
                    foreach (var item in array)
                    {
                        if (item is not null)
                        {
                            yield return item;
                        }
                    }
                }
                else if (current is not null)
                {
                    yield return current;
                }
            }
        }

        private static JsonNode? ValueOf(JsonNode? node) => node is JsonObject o && o["type"] is JsonValue type && type.TryGetValue<string>(out var kind)
            ? kind switch
            {
                NgsiAttributeKinds.Relationship => o["object"],
                NgsiAttributeKinds.LanguageProperty => o["languageMap"],
                _ => o["value"],
            }
            : node;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public Node ParseAll()
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw Error(0, "the expression is empty");
            }
            var node = ParseOr(0);
            if (_pos < text.Length)
            {
                throw Error(_pos, text[_pos] == ')' ? "unbalanced ')'" : $"unexpected '{text[_pos]}'");
            }
            return node;
        }

        private Node ParseOr(int depth)
        {
            if (depth > 32)
            {
                throw Error(_pos, "the expression nests parentheses deeper than 32");
            }
            var parts = new List<Node> { ParseAnd(depth) };
            while (Peek('|'))
            {
                _pos++;
                parts.Add(ParseAnd(depth));
            }
            return parts.Count == 1 ? parts[0] : new OrNode(parts);
        }

        private Node ParseAnd(int depth)
        {
            var parts = new List<Node> { ParseTerm(depth) };
            while (Peek(';'))
            {
                _pos++;
                parts.Add(ParseTerm(depth));
            }
            return parts.Count == 1 ? parts[0] : new AndNode(parts);
        }

        private Node ParseTerm(int depth)
        {
            if (_pos >= text.Length)
            {
                throw Error(_pos, "expected an attribute or '(' but the expression ended");
            }
            if (Peek('('))
            {
                var open = _pos++;
                var inner = ParseOr(depth + 1);
                if (!Peek(')'))
                {
                    throw Error(open, "'(' is never closed");
                }
                _pos++;
                return inner;
            }
            if (Peek('!') && !At("!=") && !At("!~="))
            {
                _pos++;
                return new ExistsNode(ParsePath(), negated: true);
            }
            var path = ParsePath();
            if (_pos >= text.Length || text[_pos] is ';' or '|' or ')')
            {
                return new ExistsNode(path, negated: false);
            }
            var opStart = _pos;
            var op = ParseOperator();
            if (op is Op.Pattern or Op.NotPattern)
            {
                var patternStart = _pos;
                var source = Peek('"') ? ParseQuoted() : ReadUntil(";|)");
                if (source.Length == 0)
                {
                    throw Error(patternStart, "missing pattern after " + text[opStart.._pos]);
                }
                try
                {
                    return new ComparisonNode(path, op, [], null, new Regex(source, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)));
                }
                catch (ArgumentException ex)
                {
                    throw Error(patternStart, "not a valid regular expression: " + ex.Message);
                }
            }
            var first = ParseValue();
            if (op is Op.Equal or Op.NotEqual)
            {
                if (At(".."))
                {
                    _pos += 2;
                    var max = ParseValue();
                    return new ComparisonNode(path, op, [], (first, max), null);
                }
                var values = new List<QueryValue> { first };
                while (Peek(','))
                {
                    _pos++;
                    values.Add(ParseValue());
                }
                return new ComparisonNode(path, op, values, null, null);
            }
            if (first.Number is null && first.Time is null && first.Boolean is null && first.Text.Length == 0)
            {
                throw Error(opStart, "an ordering comparison needs a value");
            }
            return new ComparisonNode(path, op, [first], null, null);
        }

        private AttributePath ParsePath()
        {
            var attribute = ParseName("an attribute name");
            var subs = new List<string>();
            var members = new List<string>();
            while (Peek('.') && !At(".."))
            {
                _pos++;
                subs.Add(ParseName("a sub-attribute name after '.'"));
            }
            if (Peek('['))
            {
                var open = _pos++;
                members.Add(ParseName("a member name after '['"));
                while (Peek('.'))
                {
                    _pos++;
                    members.Add(ParseName("a member name after '.'"));
                }
                if (!Peek(']'))
                {
                    throw Error(open, "'[' is never closed");
                }
                _pos++;
            }
            return new AttributePath(attribute, subs, members);
        }

        private string ParseName(string what)
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or ':' or '/' or '#' or '@' or '-'))
            {
                _pos++;
            }
            if (_pos == start)
            {
                throw Error(start, _pos < text.Length ? $"expected {what}, found '{text[_pos]}'" : $"expected {what} but the expression ended");
            }
            return text[start.._pos];
        }

        private Op ParseOperator()
        {
            (string Token, Op Op)[] operators =
            [
                ("==", Op.Equal), ("!~=", Op.NotPattern), ("!=", Op.NotEqual), (">=", Op.GreaterOrEqual), ("<=", Op.LessOrEqual),
                ("~=", Op.Pattern), (">", Op.Greater), ("<", Op.Less),
            ];
            foreach (var (token, op) in operators)
            {
                if (At(token))
                {
                    _pos += token.Length;
                    return op;
                }
            }
            throw Error(_pos, text[_pos] == '='
                ? "'=' is not an operator; use '=='"
                : $"expected an operator (==, !=, >, >=, <, <=, ~=, !~=) or ';' '|' ')', found '{text[_pos]}'");
        }

        private QueryValue ParseValue()
        {
            var start = _pos;
            if (Peek('"'))
            {
                var s = ParseQuoted();
                return new QueryValue(s, null, null, ParseTime(s));
            }
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] is not (';' or '|' or ')' or ',') && !At(".."))
            {
                sb.Append(text[_pos++]);
            }
            var token = sb.ToString();
            if (token.Length == 0)
            {
                throw Error(start, _pos < text.Length ? $"expected a value, found '{text[_pos]}'" : "expected a value but the expression ended");
            }
            if (token is "true" or "false")
            {
                return new QueryValue(token, null, token == "true", null);
            }
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !token.Contains('T', StringComparison.Ordinal))
            {
                return new QueryValue(token, number, null, null);
            }
            if (ParseTime(token) is { } time)
            {
                return new QueryValue(token, null, null, time);
            }
            if (token.Contains(':', StringComparison.Ordinal) && Uri.TryCreate(token, UriKind.Absolute, out _))
            {
                return new QueryValue(token, null, null, null);
            }
            throw Error(start, $"'{token}' is not a number, boolean, date-time or URI; quote strings with \"");
        }

        private static DateTimeOffset? ParseTime(string s) =>
            s.Length >= 10 && char.IsDigit(s[0]) && s.Contains('-', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

        private string ParseQuoted()
        {
            var open = _pos++;
            var sb = new StringBuilder();
            while (_pos < text.Length && text[_pos] != '"')
            {
                if (text[_pos] == '\\' && _pos + 1 < text.Length)
                {
                    _pos++;
                }
                sb.Append(text[_pos++]);
            }
            if (_pos >= text.Length)
            {
                throw Error(open, "the string opened here is never closed");
            }
            _pos++;
            return sb.ToString();
        }

        private string ReadUntil(string stops)
        {
            var start = _pos;
            while (_pos < text.Length && !stops.Contains(text[_pos], StringComparison.Ordinal))
            {
                _pos++;
            }
            return text[start.._pos];
        }

        private bool Peek(char c) => _pos < text.Length && text[_pos] == c;

        private bool At(string token) => string.CompareOrdinal(text, _pos, token, 0, token.Length) == 0;

        private NgsiQueryException Error(int position, string reason) => new("q", text, position + 1, reason);
    }
}
