using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Texts;

/// <summary>
/// English and Japanese labels for everything the Studio shows, from dictionaries embedded in the assembly
/// (<c>texts.en.json</c>, <c>texts.ja.json</c>).
/// </summary>
public sealed class StudioTexts
{
    /// <summary>Language codes with a dictionary: <c>en</c>, <c>ja</c>.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "ja"];

    private static readonly Lazy<StudioTexts> BuiltInTexts = new(LoadBuiltIn);

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _dictionaries;

    public StudioTexts(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> dictionaries)
    {
        ArgumentNullException.ThrowIfNull(dictionaries);
        _dictionaries = dictionaries.ToFrozenDictionary(
            kv => kv.Key,
            kv => kv.Value.ToFrozenDictionary(StringComparer.Ordinal),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The dictionaries shipped in the assembly.</summary>
    public static StudioTexts BuiltIn => BuiltInTexts.Value;

    /// <summary>All keys of one language.</summary>
    public IReadOnlyCollection<string> Keys(string language) => Dictionary(language).Keys;

    /// <summary>The text for <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> if it is missing.</summary>
    public string Get(string language, string key) =>
        Dictionary(language).TryGetValue(key, out var text)
            ? text
            : throw new KeyNotFoundException($"no '{language}' text for '{key}'");

    /// <summary>A text with <c>{0}</c>… placeholders filled (numbers formatted invariantly).</summary>
    public string Format(string language, string key, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, Get(language, key), args);

    public string Activity(string language, ActivityCategory category) => Get(language, "activity." + ActivityTaxonomy.Key(category));

    public string Measure(string language, TimeMeasure measure) => Get(language, "measure." + MeasureKey(measure));

    public string Technology(string language, string id) => Get(language, "tech." + id + ".name");

    /// <summary>"+N min/day (= H h/year)" with N to the minute and H to one decimal.</summary>
    public string Headline(string language, double minutesPerDay)
    {
        var minutes = Math.Round(minutesPerDay, MidpointRounding.AwayFromZero);
        var hours = minutesPerDay * 365 / 60;
        return Format(language, "headline",
            minutes.ToString("0", CultureInfo.InvariantCulture),
            hours.ToString("0.#", CultureInfo.InvariantCulture));
    }

    /// <summary>Snake_case key of a measure, e.g. <c>disposable_time</c>.</summary>
    public static string MeasureKey(TimeMeasure measure) => measure switch
    {
        TimeMeasure.OecdLeisure => "oecd_leisure",
        TimeMeasure.DisposableTime => "disposable_time",
        _ => "time_after_work_and_sleep",
    };

    /// <summary>Parses one dictionary: a flat JSON object of string keys to string texts.</summary>
    public static IReadOnlyDictionary<string, string> ParseDictionary(string json, string fileName)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json)
                ?? throw new StudioDataException(fileName, 1, 1, "expected an object of key: text");
        }
        catch (JsonException ex)
        {
            throw new StudioDataException(fileName, (int)(ex.LineNumber ?? -1) + 1, (int)(ex.BytePositionInLine ?? -1) + 1,
                "not a flat object of key: text: " + ex.Message.Split(" Path:", 2)[0], ex);
        }
    }

    private FrozenDictionary<string, string> Dictionary(string language) =>
        _dictionaries.TryGetValue(language, out var dictionary)
            ? dictionary
            : throw new KeyNotFoundException($"no texts in language '{language}' (available: {string.Join(", ", Languages)})");

    private static StudioTexts LoadBuiltIn()
    {
        var dictionaries = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var language in Languages)
        {
            var name = $"CivicGrid.Studio.texts.{language}.json";
            using var stream = typeof(StudioTexts).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException("embedded resource missing: " + name);
            using var reader = new StreamReader(stream);
            dictionaries[language] = ParseDictionary(reader.ReadToEnd(), name);
        }
        return new StudioTexts(dictionaries);
    }
}
