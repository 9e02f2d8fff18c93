using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CivicGrid.Ledger.Canonical;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (JCS): no whitespace, object members sorted by their names' UTF-16
/// code units, strings with minimal escaping, numbers as ECMAScript's Number.prototype.toString writes them.
/// Decision records are hashed and logged in this form.
/// </summary>
public static class JsonCanonicalizer
{
    /// <summary>Canonical form of a JSON text; throws <see cref="LedgerFormatException"/> for invalid or non-I-JSON input.</summary>
    public static string Canonicalize(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new LedgerFormatException("invalid JSON: " + FirstSentence(ex.Message), source,
                (int)(ex.LineNumber ?? -1) + 1, (int)(ex.BytePositionInLine ?? -1) + 1);
        }
        using (doc)
        {
            var sb = new StringBuilder(json.Length);
            Write(doc.RootElement, sb, source);
            return sb.ToString();
        }
    }

    /// <summary>Canonical UTF-8 bytes of a JSON text.</summary>
    public static byte[] CanonicalizeToUtf8(string json, string? source = null) => Encoding.UTF8.GetBytes(Canonicalize(json, source));

    /// <summary>Serializes <paramref name="value"/> with System.Text.Json, then canonicalizes: the bytes to hash or log.</summary>
    public static byte[] SerializeToUtf8<T>(T value, JsonSerializerOptions? options = null) =>
        CanonicalizeToUtf8(JsonSerializer.Serialize(value, options));

    /// <summary>Canonical form of an already-parsed element.</summary>
    public static string Canonicalize(JsonElement element)
    {
        var sb = new StringBuilder();
        Write(element, sb, null);
        return sb.ToString();
    }

    private static void Write(JsonElement e, StringBuilder sb, string? source)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<(string Name, JsonElement Value)>();
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    var name = GetString(() => p.Name, source);
                    if (!names.Add(name))
                    {
                        throw new LedgerFormatException($"duplicate member name \"{name}\" (not I-JSON)", source);
                    }
                    members.Add((name, p.Value));
                }
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                sb.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    WriteString(members[i].Name, sb);
                    sb.Append(':');
                    Write(members[i].Value, sb, source);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var first = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    Write(item, sb, source);
                }
                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(GetString(e.GetString, source)!, sb);
                break;
            case JsonValueKind.Number:
                var raw = e.GetRawText();
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                {
                    throw new LedgerFormatException($"number {raw} is outside the IEEE 754 double range", source);
                }
                sb.Append(FormatNumber(d));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            default:
                throw new LedgerFormatException("unexpected JSON value", source);
        }
    }

    private static string GetString(Func<string?> read, string? source)
    {
        try
        {
            return read() ?? string.Empty;
        }
        catch (InvalidOperationException ex)
        {
            throw new LedgerFormatException("string is not valid Unicode (lone surrogate): " + ex.Message, source);
        }
    }

    private static void WriteString(string s, StringBuilder sb)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>ECMAScript Number.prototype.toString for a finite double (RFC 8785 §3.2.2.3).</summary>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "NaN and Infinity have no JSON form");
        }
        if (value == 0)
        {
            return "0"; // also for -0
        }
        // "R" yields the shortest digits that round-trip, as ECMAScript requires; only the layout differs.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }
        var exponent = 0;
        var e = r.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var digits = dot >= 0 ? r[..dot] + r[(dot + 1)..] : r;
        var integerDigits = dot >= 0 ? dot : r.Length;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..].TrimEnd('0');
        var n = integerDigits - lead + exponent; // value = 0.digits × 10^n
        var k = digits.Length;
        string s;
        if (k <= n && n <= 21)
        {
            s = digits + new string('0', n - k);
        }
        else if (n > 0 && n <= 21)
        {
            s = digits[..n] + "." + digits[n..];
        }
        else if (n > -6 && n <= 0)
        {
            s = "0." + new string('0', -n) + digits;
        }
        else
        {
            var exp = n - 1;
            s = digits[..1] + (k > 1 ? "." + digits[1..] : string.Empty) + "e" + (exp < 0 ? "-" : "+")
                + Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
        }
        return negative ? "-" + s : s;
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
