using System.Globalization;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Technologies;

namespace CivicGrid.Studio.Simulation;

/// <summary>
/// One technology picked, with an optional value: days of use per week for technologies used on some days
/// (<c>telework:2</c>), otherwise the effect — a percentage for shares (<c>housework-robot:36</c>) or minutes per day
/// (<c>dishwasher:10</c>).
/// </summary>
public sealed record TechnologyChoice(string Id, double? Value = null);

/// <summary>The technologies picked and how saved time is shared out (<c>full</c> or <c>realistic</c>).</summary>
public sealed record Scenario(IReadOnlyList<TechnologyChoice> Choices, string PresetId = Scenario.FullPreset)
{
    public const string FullPreset = "full";
    public const string RealisticPreset = "realistic";

    /// <summary>
    /// Parses <c>telework:2,housework-robot</c>. Ids must exist in <paramref name="catalogue"/> and values must be in
    /// range; an id may appear once.
    /// </summary>
    public static IReadOnlyList<TechnologyChoice> ParseChoices(string text, TechnologyCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalogue);
        var choices = new List<TechnologyChoice>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split(':', 2, StringSplitOptions.TrimEntries);
            var technology = catalogue.Find(pieces[0])
                ?? throw new StudioDataException($"unknown technology '{pieces[0]}' (known: {string.Join(", ", catalogue.Technologies.Select(t => t.Id))})");
            double? value = null;
            if (pieces.Length == 2)
            {
                if (!double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new StudioDataException($"'{part}': '{pieces[1]}' is not a number");
                }
                value = v;
            }
            var choice = new TechnologyChoice(technology.Id, value);
            Validate(choice, technology);
            if (choices.Any(c => c.Id == technology.Id))
            {
                throw new StudioDataException($"technology '{technology.Id}' is picked twice");
            }
            choices.Add(choice);
        }
        return choices;
    }

    /// <summary>Checks a choice's value against the technology's range; throws <see cref="StudioDataException"/>.</summary>
    public static void Validate(TechnologyChoice choice, Technology technology)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(technology);
        if (choice.Value is not { } value)
        {
            return;
        }
        if (technology.HasUsesPerWeek)
        {
            if (value < 0 || value > technology.MaxUsesPerWeek)
            {
                throw new StudioDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{technology.Id}: {value} days per week is outside 0–{technology.MaxUsesPerWeek}"));
            }
            return;
        }
        var scale = technology.Kind == EffectKind.ShareOfActivity ? 100 : 1;
        var unit = technology.Kind == EffectKind.ShareOfActivity ? " %" : " min/day";
        if (value < technology.EffectLow * scale - 1e-9 || value > technology.EffectHigh * scale + 1e-9)
        {
            throw new StudioDataException(string.Create(CultureInfo.InvariantCulture,
                $"{technology.Id}: {value}{unit} is outside the range the evidence supports ({technology.EffectLow * scale}–{technology.EffectHigh * scale}{unit})"));
        }
    }
}
