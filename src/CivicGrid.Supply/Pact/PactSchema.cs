using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CivicGrid.Supply.Pact;

/// <summary>
/// Schema checks written from the PACT Technical Specifications v3 OpenAPI document (wbcsd/data-exchange-protocol,
/// <c>spec/v3/openapi.yaml</c>): required properties, formats (uuid, date-time, URN, decimal strings) and enums of
/// <c>ProductFootprint</c>, <c>CarbonFootprint</c>, the <c>Error</c> body, the list/get response envelopes, the four
/// CloudEvents of Action Events, and the OAuth2 (RFC 6749 §5.1/§5.2) token responses of Action Authenticate.
/// Each check returns the violations found, each naming its JSON path; an empty list means the document conforms.
/// </summary>
public static partial class PactSchema
{
    /// <summary>Event types of Action Events in v3.</summary>
    public const string PublishedEventType = "org.wbcsd.pact.ProductFootprint.PublishedEvent.3";

    public const string RequestCreatedEventType = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3";

    public const string RequestFulfilledEventType = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3";

    public const string RequestRejectedEventType = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3";

    /// <summary>The <c>Error.code</c> enum.</summary>
    public static IReadOnlyList<string> ErrorCodes { get; } = ["BadRequest", "AccessDenied", "TokenExpired", "NotFound", "InternalError", "NotImplemented"];

    /// <summary>RFC 6749 §5.2 error codes of the token endpoint.</summary>
    public static IReadOnlyList<string> OAuthErrorCodes { get; } =
        ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"];

    private static readonly string[] DeclaredUnits =
        ["liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter", "piece", "hour", "megabit second"];

    private static readonly string[] Regions =
    [
        "Africa", "Americas", "Asia", "Europe", "Oceania", "Australia and New Zealand", "Central Asia", "Eastern Asia", "Eastern Europe",
        "Latin America and the Caribbean", "Melanesia", "Micronesia", "Northern Africa", "Northern America", "Northern Europe", "Polynesia",
        "South-eastern Asia", "Southern Asia", "Southern Europe", "Sub-Saharan Africa", "Western Asia", "Western Europe",
    ];

    private static readonly string[] Standards = ["ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF", "PACT-1.0", "PACT-2.0", "PACT-3.0", "PAS2050"];

    private static readonly string[] PositiveOrZeroDecimals =
    [
        "fossilCarbonContent", "biogenicCarbonContent", "recycledCarbonContent", "fossilGhgEmissions", "landUseChangeGhgEmissions",
        "landCarbonLeakage", "landManagementFossilGhgEmissions", "landManagementBiogenicCO2Emissions", "biogenicNonCO2Emissions",
        "landAreaOccupation", "aircraftGhgEmissions", "packagingGhgEmissions", "packagingBiogenicCarbonContent",
        "outboundLogisticsGhgEmissions", "technologicalCO2Removals", "ccuCarbonContent",
    ];

    private static readonly string[] NegativeOrZeroDecimals = ["landManagementBiogenicCO2Removals", "biogenicCO2Uptake", "ccsTechnologicalCO2Capture"];

    /// <summary>Checks a <c>ProductFootprint</c>.</summary>
    public static IReadOnlyList<string> ValidateProductFootprint(JsonElement footprint, string path = "$")
    {
        var v = new List<string>();
        ProductFootprint(footprint, path, v);
        return v;
    }

    /// <summary>Checks the body of Action ListFootprints: <c>{"data": [ProductFootprint…]}</c>, data never null.</summary>
    public static IReadOnlyList<string> ValidateListResponse(JsonElement body)
    {
        var v = new List<string>();
        if (Object(body, "$", v) && Required(body, "data", "$", v) is { } data && Type(data, JsonValueKind.Array, "$.data", v))
        {
            var i = 0;
            foreach (var item in data.EnumerateArray())
            {
                ProductFootprint(item, $"$.data[{i++}]", v);
            }
        }
        return v;
    }

    /// <summary>Checks the body of Action GetFootprint: <c>{"data": ProductFootprint}</c>.</summary>
    public static IReadOnlyList<string> ValidateGetResponse(JsonElement body)
    {
        var v = new List<string>();
        if (Object(body, "$", v) && Required(body, "data", "$", v) is { } data)
        {
            ProductFootprint(data, "$.data", v);
        }
        return v;
    }

    /// <summary>Checks an <c>Error</c> body: <c>code</c> from the enum and a string <c>message</c>.</summary>
    public static IReadOnlyList<string> ValidateError(JsonElement body, string path = "$")
    {
        var v = new List<string>();
        Error(body, path, v);
        return v;
    }

    /// <summary>Checks a successful token response (RFC 6749 §5.1): access_token, token_type bearer, optional expires_in.</summary>
    public static IReadOnlyList<string> ValidateTokenResponse(JsonElement body)
    {
        var v = new List<string>();
        if (!Object(body, "$", v))
        {
            return v;
        }
        NonEmpty(body, "access_token", "$", v, required: true);
        if (String(body, "token_type", "$", v, required: true) is { } type && !type.Equals("bearer", StringComparison.OrdinalIgnoreCase))
        {
            v.Add($"$.token_type: '{type}' is not 'bearer'");
        }
        if (body.TryGetProperty("expires_in", out var expires) && !(expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var s) && s >= 0))
        {
            v.Add("$.expires_in: not a non-negative integer");
        }
        return v;
    }

    /// <summary>Checks a token error response (RFC 6749 §5.2).</summary>
    public static IReadOnlyList<string> ValidateOAuthError(JsonElement body)
    {
        var v = new List<string>();
        if (Object(body, "$", v))
        {
            Enum(body, "error", "$", OAuthErrorCodes, v, required: true);
            String(body, "error_description", "$", v, required: false);
        }
        return v;
    }

    /// <summary>
    /// Checks a CloudEvent of Action Events (structured JSON mode): the BaseEvent attributes, a v3 event type, and the
    /// data object that type requires.
    /// </summary>
    public static IReadOnlyList<string> ValidateEvent(JsonElement e)
    {
        var v = new List<string>();
        if (!Object(e, "$", v))
        {
            return v;
        }
        var type = NonEmpty(e, "type", "$", v, required: true);
        if (String(e, "specversion", "$", v, required: true) is { } sv && sv != "1.0")
        {
            v.Add($"$.specversion: CloudEvents version '{sv}' is not 1.0");
        }
        NonEmpty(e, "id", "$", v, required: true);
        NonEmpty(e, "source", "$", v, required: true);
        DateTime(e, "time", "$", v, required: true);
        var data = Required(e, "data", "$", v);
        if (data is not { } d || !Object(d, "$.data", v) || type is null)
        {
            return v;
        }
        switch (type)
        {
            case PublishedEventType:
                if (Required(d, "pfIds", "$.data", v) is { } ids && Array(ids, "$.data.pfIds", v, minItems: 1))
                {
                    Each(ids, "$.data.pfIds", v, (item, p) => Uuid(item, p, v));
                }
                break;
            case RequestCreatedEventType:
                foreach (var name in new[] { "productId", "companyId", "classification" })
                {
                    if (d.TryGetProperty(name, out var list) && Array(list, "$.data." + name, v, minItems: 1))
                    {
                        Each(list, "$.data." + name, v, (item, p) => Urn(item, p, v));
                    }
                }
                if (d.TryGetProperty("geography", out var geo) && Array(geo, "$.data.geography", v, minItems: 1))
                {
                    Each(geo, "$.data.geography", v, (item, p) => Type(item, JsonValueKind.String, p, v));
                }
                foreach (var name in new[] { "validOn", "validAfter", "validBefore" })
                {
                    DateTime(d, name, "$.data", v, required: false);
                }
                Enum(d, "status", "$.data", ["Active", "Deprecated"], v, required: false);
                String(d, "comment", "$.data", v, required: false);
                break;
            case RequestFulfilledEventType:
                NonEmpty(d, "requestEventId", "$.data", v, required: true);
                if (Required(d, "pfs", "$.data", v) is { } pfs && Array(pfs, "$.data.pfs", v, minItems: 1))
                {
                    Each(pfs, "$.data.pfs", v, (item, p) => ProductFootprint(item, p, v));
                }
                break;
            case RequestRejectedEventType:
                NonEmpty(d, "requestEventId", "$.data", v, required: true);
                if (Required(d, "error", "$.data", v) is { } error)
                {
                    Error(error, "$.data.error", v);
                }
                break;
            default:
                v.Add($"$.type: '{type}' is not a PACT v3 event type");
                break;
        }
        return v;
    }

    private static void ProductFootprint(JsonElement pf, string path, List<string> v)
    {
        if (!Object(pf, path, v))
        {
            return;
        }
        if (Required(pf, "id", path, v) is { } id)
        {
            Uuid(id, path + ".id", v);
        }
        if (String(pf, "specVersion", path, v, required: true) is { } spec && !SpecVersionPattern().IsMatch(spec))
        {
            v.Add($"{path}.specVersion: '{spec}' is not major.minor.patch");
        }
        if (pf.TryGetProperty("precedingPfIds", out var preceding) && Array(preceding, path + ".precedingPfIds", v, minItems: 1, unique: true))
        {
            Each(preceding, path + ".precedingPfIds", v, (item, p) => Uuid(item, p, v));
        }
        DateTime(pf, "created", path, v, required: true);
        Enum(pf, "status", path, ["Active", "Deprecated"], v, required: true);
        DateTime(pf, "validityPeriodStart", path, v, required: false);
        DateTime(pf, "validityPeriodEnd", path, v, required: false);
        NonEmpty(pf, "companyName", path, v, required: true);
        UrnList(pf, "companyIds", path, v, required: true);
        String(pf, "productDescription", path, v, required: true);
        UrnList(pf, "productIds", path, v, required: true);
        UrnList(pf, "productClassifications", path, v, required: false);
        NonEmpty(pf, "productNameCompany", path, v, required: true);
        String(pf, "comment", path, v, required: false);
        if (Required(pf, "pcf", path, v) is { } pcf)
        {
            CarbonFootprint(pcf, path + ".pcf", v);
        }
    }

    private static void CarbonFootprint(JsonElement c, string path, List<string> v)
    {
        if (!Object(c, path, v))
        {
            return;
        }
        Enum(c, "declaredUnitOfMeasurement", path, DeclaredUnits, v, required: true);
        Decimal(c, "declaredUnitAmount", path, PositiveNonZeroDecimalPattern(), "a decimal > 0", v, required: true);
        Decimal(c, "productMassPerDeclaredUnit", path, DecimalPattern(), "a decimal", v, required: true);
        var start = DateTime(c, "referencePeriodStart", path, v, required: true);
        var end = DateTime(c, "referencePeriodEnd", path, v, required: true);
        if (start is { } s && end is { } e && e <= s)
        {
            v.Add($"{path}.referencePeriodEnd: not after referencePeriodStart");
        }
        Enum(c, "geographyRegionOrSubregion", path, Regions, v, required: false);
        if (String(c, "geographyCountry", path, v, required: false) is { } country && !CountryPattern().IsMatch(country))
        {
            v.Add($"{path}.geographyCountry: '{country}' is not an ISO 3166-1 alpha-2 code");
        }
        if (String(c, "geographyCountrySubdivision", path, v, required: false) is { } subdivision && !SubdivisionPattern().IsMatch(subdivision))
        {
            v.Add($"{path}.geographyCountrySubdivision: '{subdivision}' is not an ISO 3166-2 code");
        }
        var geographies = new[] { "geographyRegionOrSubregion", "geographyCountry", "geographyCountrySubdivision" }.Count(g => c.TryGetProperty(g, out _));
        if (geographies > 1)
        {
            v.Add($"{path}: at most one of geographyRegionOrSubregion, geographyCountry and geographyCountrySubdivision may be defined");
        }
        Decimal(c, "pcfExcludingBiogenicUptake", path, DecimalPattern(), "a decimal", v, required: true);
        Decimal(c, "pcfIncludingBiogenicUptake", path, DecimalPattern(), "a decimal", v, required: true);
        foreach (var name in PositiveOrZeroDecimals)
        {
            var required = name is "fossilGhgEmissions" or "fossilCarbonContent";
            Decimal(c, name, path, PositiveOrZeroDecimalPattern(), "a decimal >= 0", v, required);
        }
        foreach (var name in NegativeOrZeroDecimals)
        {
            Decimal(c, name, path, NegativeOrZeroDecimalPattern(), "a decimal <= 0", v, required: false);
        }
        if (Required(c, "ipccCharacterizationFactors", path, v) is { } factors && Array(factors, path + ".ipccCharacterizationFactors", v, minItems: 1, unique: true))
        {
            Each(factors, path + ".ipccCharacterizationFactors", v, (item, p) =>
            {
                if (Type(item, JsonValueKind.String, p, v) && !IpccPattern().IsMatch(item.GetString()!))
                {
                    v.Add($"{p}: '{item.GetString()}' is not of the form AR<n>");
                }
            });
        }
        if (Required(c, "crossSectoralStandards", path, v) is { } standards && Array(standards, path + ".crossSectoralStandards", v, minItems: 1, unique: true))
        {
            Each(standards, path + ".crossSectoralStandards", v, (item, p) =>
            {
                if (Type(item, JsonValueKind.String, p, v) && !Standards.Contains(item.GetString()))
                {
                    v.Add($"{p}: '{item.GetString()}' is not one of {string.Join(", ", Standards)}");
                }
            });
        }
        Decimal(c, "exemptedEmissionsPercent", path, DecimalPattern(), "a decimal", v, required: true);
        String(c, "exemptedEmissionsDescription", path, v, required: false);
        String(c, "boundaryProcessesDescription", path, v, required: false);
        String(c, "allocationRulesDescription", path, v, required: false);
        Decimal(c, "primaryDataShare", path, DecimalPattern(), "a decimal", v, required: false);
        foreach (var flag in new[] { "packagingEmissionsIncluded", "ccsTechnologicalCO2CaptureIncluded" })
        {
            if (c.TryGetProperty(flag, out var b) && b.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                v.Add($"{path}.{flag}: not a boolean");
            }
        }
        if (c.TryGetProperty("packagingEmissionsIncluded", out var packaging) && packaging.ValueKind == JsonValueKind.False && c.TryGetProperty("packagingGhgEmissions", out _))
        {
            v.Add($"{path}.packagingGhgEmissions: must be undefined when packagingEmissionsIncluded is false");
        }
        Enum(c, "ccuCalculationApproach", path, ["Cut-off", "Credit"], v, required: false);
    }

    private static void Error(JsonElement body, string path, List<string> v)
    {
        if (Object(body, path, v))
        {
            Enum(body, "code", path, ErrorCodes, v, required: true);
            String(body, "message", path, v, required: true);
        }
    }

    private static void UrnList(JsonElement parent, string name, string path, List<string> v, bool required)
    {
        var list = required ? Required(parent, name, path, v) : parent.TryGetProperty(name, out var l) ? l : null;
        if (list is { } items && Array(items, $"{path}.{name}", v, minItems: 1, unique: true))
        {
            Each(items, $"{path}.{name}", v, (item, p) => Urn(item, p, v));
        }
    }

    private static void Urn(JsonElement item, string path, List<string> v)
    {
        if (Type(item, JsonValueKind.String, path, v) && !UrnPattern().IsMatch(item.GetString()!))
        {
            v.Add($"{path}: '{item.GetString()}' is not a URN");
        }
    }

    private static void Uuid(JsonElement item, string path, List<string> v)
    {
        if (Type(item, JsonValueKind.String, path, v) && !UuidPattern().IsMatch(item.GetString()!))
        {
            v.Add($"{path}: '{item.GetString()}' is not a UUID");
        }
    }

    private static void Decimal(JsonElement parent, string name, string path, Regex pattern, string what, List<string> v, bool required)
    {
        if (String(parent, name, path, v, required) is { } text && !pattern.IsMatch(text))
        {
            v.Add($"{path}.{name}: '{text}' is not {what} (PACT decimals are strings such as \"1.25\")");
        }
    }

    /// <summary>RFC 3339 date-time: a date, 'T', a time and a zone offset (Z or ±hh:mm).</summary>
    private static DateTimeOffset? DateTime(JsonElement parent, string name, string path, List<string> v, bool required)
    {
        if (String(parent, name, path, v, required) is not { } text)
        {
            return null;
        }
        if (DateTimePattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return value;
        }
        v.Add($"{path}.{name}: '{text}' is not an RFC 3339 date-time");
        return null;
    }

    private static void Enum(JsonElement parent, string name, string path, IReadOnlyCollection<string> values, List<string> v, bool required)
    {
        if (String(parent, name, path, v, required) is { } text && !values.Contains(text))
        {
            v.Add($"{path}.{name}: '{text}' is not one of {string.Join(", ", values)}");
        }
    }

    private static string? NonEmpty(JsonElement parent, string name, string path, List<string> v, bool required)
    {
        var text = String(parent, name, path, v, required);
        if (text is { Length: 0 })
        {
            v.Add($"{path}.{name}: must not be empty");
        }
        return text;
    }

    private static string? String(JsonElement parent, string name, string path, List<string> v, bool required)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            if (required)
            {
                v.Add($"{path}.{name}: required property missing");
            }
            return null;
        }
        return Type(value, JsonValueKind.String, $"{path}.{name}", v) ? value.GetString() : null;
    }

    private static JsonElement? Required(JsonElement parent, string name, string path, List<string> v)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }
        v.Add($"{path}.{name}: required property missing");
        return null;
    }

    private static bool Object(JsonElement e, string path, List<string> v) => Type(e, JsonValueKind.Object, path, v);

    private static bool Array(JsonElement e, string path, List<string> v, int minItems = 0, bool unique = false)
    {
        if (!Type(e, JsonValueKind.Array, path, v))
        {
            return false;
        }
        if (e.GetArrayLength() < minItems)
        {
            v.Add($"{path}: needs at least {minItems} item(s)");
        }
        if (unique && e.EnumerateArray().Select(x => x.GetRawText()).Distinct(StringComparer.Ordinal).Count() != e.GetArrayLength())
        {
            v.Add($"{path}: items must be unique");
        }
        return true;
    }

    private static void Each(JsonElement array, string path, List<string> v, Action<JsonElement, string> check)
    {
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            check(item, $"{path}[{i++}]");
        }
        _ = v;
    }

    private static bool Type(JsonElement e, JsonValueKind kind, string path, List<string> v)
    {
        if (e.ValueKind == kind)
        {
            return true;
        }
        v.Add($"{path}: expected {kind.ToString().ToLowerInvariant()}, found {e.ValueKind.ToString().ToLowerInvariant()}");
        return false;
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-\d{8})?$")]
    private static partial Regex SpecVersionPattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"^[uU][rR][nN]:[^\s]+$")]
    private static partial Regex UrnPattern();

    [GeneratedRegex(@"^[+-]?\d+(\.\d+)?$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^\+?((\d*[1-9]\d*)(\.\d+)?|0+\.\d*[1-9]\d*)$")]
    private static partial Regex PositiveNonZeroDecimalPattern();

    [GeneratedRegex(@"^\+?\d+(\.\d+)?$")]
    private static partial Regex PositiveOrZeroDecimalPattern();

    [GeneratedRegex(@"^(-\d+(\.\d+)?|0+(\.0+)?)$")]
    private static partial Regex NegativeOrZeroDecimalPattern();

    [GeneratedRegex(@"^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex(@"^[A-Z]{2}-[A-Z0-9]{1,3}$")]
    private static partial Regex SubdivisionPattern();

    [GeneratedRegex(@"^AR\d+$")]
    private static partial Regex IpccPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimePattern();
}
