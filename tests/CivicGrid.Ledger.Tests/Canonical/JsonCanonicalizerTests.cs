using System.Globalization;
using CivicGrid.Ledger.Canonical;
using Xunit;

namespace CivicGrid.Ledger.Tests.Canonical;

/// <summary>RFC 8785 examples (§3.2.2.3, §3.2.3, appendix B) and the cyberphone/json-canonicalization test data; exact strings.</summary>
public class JsonCanonicalizerTests
{
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void Numbers_are_formatted_as_ecmascript_does(string ieeeHex, string expected)
    {
        var d = BitConverter.Int64BitsToDouble(long.Parse(ieeeHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        Assert.Equal(expected, JsonCanonicalizer.FormatNumber(d));
    }

    [Fact]
    public void Nan_and_infinity_have_no_canonical_form()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonCanonicalizer.FormatNumber(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonCanonicalizer.FormatNumber(double.PositiveInfinity));
        Assert.Throws<LedgerFormatException>(() => JsonCanonicalizer.Canonicalize("[1e400]"));
    }

    [Fact]
    public void Rfc_values_example_is_canonicalized_exactly()
    {
        const string input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}";
        Assert.Equal("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
            JsonCanonicalizer.Canonicalize(input));
    }

    [Fact]
    public void Member_names_are_sorted_by_utf16_code_units()
    {
        const string input = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\", \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";
        var output = JsonCanonicalizer.Canonicalize(input);
        Assert.Equal("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}", output);
    }

    [Fact]
    public void Cyberphone_weird_example_keeps_control_characters_above_0x1f_literal()
    {
        const string input = "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n  \"\\ud83d\\ude02\": \"Smiley\",\n  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"</script>\": \"Browser Challenge\"\n}\n";
        Assert.Equal("{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😂\":\"Smiley\",\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}",
            JsonCanonicalizer.Canonicalize(input));
    }

    [Fact]
    public void Nested_structures_are_sorted_recursively_and_arrays_keep_their_order()
    {
        Assert.Equal("{\"a\":{\"x\":[3,1,{\"m\":1,\"n\":2}],\"y\":true},\"b\":\"\"}",
            JsonCanonicalizer.Canonicalize("{ \"b\": \"\", \"a\": { \"y\": true, \"x\": [3, 1, {\"n\": 2, \"m\": 1.0}] } }"));
    }

    [Fact]
    public void Duplicate_names_and_invalid_json_are_rejected_with_a_position()
    {
        Assert.Throws<LedgerFormatException>(() => JsonCanonicalizer.Canonicalize("{\"a\":1,\"a\":2}"));
        var ex = Assert.Throws<LedgerFormatException>(() => JsonCanonicalizer.Canonicalize("{\n  \"a\": tru\n}", "record.json"));
        Assert.Equal("record.json", ex.Source);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Serialized_records_are_canonical_regardless_of_property_order()
    {
        var a = JsonCanonicalizer.SerializeToUtf8(new { Region = "north", Amount = 2.50, Kind = "curtailment" });
        var b = JsonCanonicalizer.SerializeToUtf8(new { Kind = "curtailment", Amount = 2.5, Region = "north" });
        Assert.Equal(a, b);
        Assert.Equal("{\"Amount\":2.5,\"Kind\":\"curtailment\",\"Region\":\"north\"}", System.Text.Encoding.UTF8.GetString(a));
    }
}
