using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Technologies;

/// <summary>The technologies and presets the simulator knows, read from JSON (the built-in one is embedded).</summary>
public sealed class TechnologyCatalogue
{
    private static readonly Lazy<TechnologyCatalogue> BuiltInCatalogue = new(LoadBuiltIn);

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public TechnologyCatalogue(IReadOnlyList<Technology> technologies, IReadOnlyList<SavingsPreset> presets)
    {
        Technologies = technologies;
        Presets = presets;
    }

    /// <summary>The catalogue shipped in the assembly.</summary>
    public static TechnologyCatalogue BuiltIn => BuiltInCatalogue.Value;

    /// <summary>Technologies in the order they are applied (specific appliances before general automation).</summary>
    public IReadOnlyList<Technology> Technologies { get; }

    public IReadOnlyList<SavingsPreset> Presets { get; }

    public Technology? Find(string id) =>
        Technologies.FirstOrDefault(t => string.Equals(t.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    public SavingsPreset? FindPreset(string id) =>
        Presets.FirstOrDefault(p => string.Equals(p.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses and checks a catalogue. Errors name the file, line and column (syntax) or the technology.</summary>
    public static TechnologyCatalogue Parse(string json, string fileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        CatalogueDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<CatalogueDto>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new StudioDataException(fileName, (int)(ex.LineNumber ?? -1) + 1, (int)(ex.BytePositionInLine ?? -1) + 1,
                ex.Message.Split(" Path:", 2)[0] + (ex.Path is null ? string.Empty : " (at " + ex.Path + ")"), ex);
        }
        if (dto?.Technologies is null || dto.Presets is null)
        {
            throw new StudioDataException(fileName, 1, 1, "expected an object with 'technologies' and 'presets'");
        }
        var technologies = new List<Technology>();
        foreach (var t in dto.Technologies)
        {
            technologies.Add(Check(t, json, fileName, technologies));
        }
        var presets = new List<SavingsPreset>();
        foreach (var p in dto.Presets)
        {
            var line = LineOf(json, p.Id);
            if (string.IsNullOrWhiteSpace(p.Id))
            {
                throw new StudioDataException(fileName, 0, 0, "a preset has no id");
            }
            if (p.ToWork is < 0 or > 1 || p.ToCare is < 0 or > 1 || p.ToWork + p.ToCare > 1)
            {
                throw new StudioDataException(fileName, line, 0, $"preset '{p.Id}': to_work and to_care must be shares between 0 and 1 adding up to at most 1");
            }
            if (presets.Any(x => string.Equals(x.Id, p.Id, StringComparison.OrdinalIgnoreCase)))
            {
                throw new StudioDataException(fileName, line, 0, $"preset '{p.Id}' appears twice");
            }
            presets.Add(new SavingsPreset(p.Id, p.ToWork, p.ToCare, p.Source ?? string.Empty));
        }
        if (presets.Count == 0)
        {
            throw new StudioDataException(fileName, 0, 0, "no presets");
        }
        return new TechnologyCatalogue(technologies, presets);
    }

    private static Technology Check(TechnologyDto t, string json, string fileName, List<Technology> earlier)
    {
        if (string.IsNullOrWhiteSpace(t.Id))
        {
            throw new StudioDataException(fileName, 0, 0, $"technology #{earlier.Count + 1} has no id");
        }
        var line = LineOf(json, t.Id);
        StudioDataException Bad(string reason) => new(fileName, line, 0, $"technology '{t.Id}': {reason}");

        if (earlier.Any(x => string.Equals(x.Id, t.Id, StringComparison.OrdinalIgnoreCase)))
        {
            throw Bad("appears twice");
        }
        if (t.Category is null || !ActivityTaxonomy.TryParse(t.Category, out var category))
        {
            throw Bad($"unknown category '{t.Category}' (one of {string.Join(", ", ActivityTaxonomy.All.Select(ActivityTaxonomy.Key))})");
        }
        var kind = t.Kind switch
        {
            "share_of_activity" => EffectKind.ShareOfActivity,
            "minutes_per_day" => EffectKind.MinutesPerDay,
            "minutes_per_use_day" => EffectKind.MinutesPerUseDay,
            _ => throw Bad($"unknown kind '{t.Kind}' (share_of_activity, minutes_per_day or minutes_per_use_day)"),
        };
        if (t.Effect is null)
        {
            throw Bad("has no effect");
        }
        var upper = kind == EffectKind.ShareOfActivity ? 1 : ActivityTaxonomy.DayMinutes;
        if (!(t.Effect.Low >= 0 && t.Effect.Low <= t.Effect.Default && t.Effect.Default <= t.Effect.High && t.Effect.High <= upper))
        {
            throw Bad(string.Create(CultureInfo.InvariantCulture,
                $"effect must satisfy 0 <= low <= default <= high <= {upper} (low {t.Effect.Low}, default {t.Effect.Default}, high {t.Effect.High})"));
        }
        var uses = t.UsesPerWeek;
        if (kind == EffectKind.MinutesPerUseDay && (uses is null || uses.Default < 0 || uses.Default > uses.Max || uses.Max > 7))
        {
            throw Bad("minutes_per_use_day needs uses_per_week with 0 <= default <= max <= 7");
        }
        if (t.MaxMinutesPerDay is < 0 or > ActivityTaxonomy.DayMinutes)
        {
            throw Bad("max_minutes_per_day must be between 0 and 1,440");
        }
        if (t.FreeShare is < 0 or > 1)
        {
            throw Bad("free_share must be between 0 and 1");
        }
        if (string.IsNullOrWhiteSpace(t.Source))
        {
            throw Bad("has no source");
        }
        return new Technology(t.Id, category, kind, t.Effect.Default, t.Effect.Low, t.Effect.High, t.MaxMinutesPerDay,
            uses?.Default ?? 0, uses?.Max ?? 0, t.FreeShare, t.Evidence ?? "unspecified", t.Source);
    }

    private static int LineOf(string json, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return 0;
        }
        var at = json.IndexOf("\"" + id + "\"", StringComparison.Ordinal);
        return at < 0 ? 0 : json.AsSpan(0, at).Count('\n') + 1;
    }

    private static TechnologyCatalogue LoadBuiltIn()
    {
        const string name = "CivicGrid.Studio.technologies.json";
        using var stream = typeof(TechnologyCatalogue).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("embedded resource missing: " + name);
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), name);
    }

    private sealed class CatalogueDto
    {
        public int Version { get; set; }

        public List<PresetDto>? Presets { get; set; }

        public List<TechnologyDto>? Technologies { get; set; }
    }

    private sealed class PresetDto
    {
        public string? Id { get; set; }

        public double ToWork { get; set; }

        public double ToCare { get; set; }

        public string? Source { get; set; }
    }

    private sealed class TechnologyDto
    {
        public string? Id { get; set; }

        public string? Category { get; set; }

        public string? Kind { get; set; }

        public EffectDto? Effect { get; set; }

        public UsesDto? UsesPerWeek { get; set; }

        public double? MaxMinutesPerDay { get; set; }

        public double FreeShare { get; set; } = 1;

        public string? Evidence { get; set; }

        public string? Source { get; set; }
    }

    private sealed class EffectDto
    {
        public double Default { get; set; }

        public double Low { get; set; }

        public double High { get; set; }
    }

    private sealed class UsesDto
    {
        public double Default { get; set; }

        public double Max { get; set; }
    }
}
