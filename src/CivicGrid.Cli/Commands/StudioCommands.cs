using System.CommandLine;
using System.Globalization;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Population;
using CivicGrid.Studio.Simulation;
using CivicGrid.Studio.Technologies;
using CivicGrid.Studio.Texts;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary><c>civicgrid studio …</c>: how much free time automation gives back, for one schedule or a population.</summary>
public sealed class StudioCommands : ICommandGroup
{
    private static readonly Option<string> Tech = new("--tech")
    {
        Description = "Technologies, comma-separated, each optionally with a value: telework:2 (days/week), housework-robot:36 (%), dishwasher:10 (min/day)",
        DefaultValueFactory = _ => string.Empty,
    };

    private static readonly Option<string> Preset = new("--preset")
    {
        Description = "How saved time is used: full (all becomes free) or realistic (40 % back to work, 11 % to care; Aksoy et al. 2023)",
        DefaultValueFactory = _ => Scenario.FullPreset,
    };

    private static readonly Option<DirectoryInfo?> Data = new("--data")
    {
        Description = "Folder with oecd_time_use_{total,men,women}.csv (default: $CIVICGRID_DATA/studio or ../shared/data/studio beside the repository)",
    };

    private static readonly Option<string> Lang = new("--lang")
    {
        Description = "Language of the labels: en or ja",
        DefaultValueFactory = _ => "en",
    };

    public Command Build()
    {
        Preset.AcceptOnlyFromAmong(Scenario.FullPreset, Scenario.RealisticPreset);
        Lang.AcceptOnlyFromAmong("en", "ja");
        var command = new Command("studio", "Disposable-time simulator: free minutes a day that automation gives back");
        command.Subcommands.Add(BuildRun());
        command.Subcommands.Add(BuildPopulation());
        command.Subcommands.Add(BuildTechnologies());
        return command;
    }

    private static Command BuildRun()
    {
        var schedule = new Argument<FileInfo>("schedule") { Description = "SCHEDULE.json: {\"sex\", \"age\", \"country\", \"minutes\": {activity: minutes}}; blanks take national averages" };
        var cmd = new Command("run", "Apply technologies to one schedule: before/after, each technology's contribution, OECD position");
        cmd.Arguments.Add(schedule);
        cmd.Options.Add(Tech);
        cmd.Options.Add(Preset);
        cmd.Options.Add(Data);
        cmd.Options.Add(Lang);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(schedule)!;
            if (!file.Exists)
            {
                return CliOutput.Error(parse, $"{file.FullName}: file not found");
            }
            try
            {
                var data = LoadData(parse);
                var input = ScheduleJson.Load(file.FullName);
                var completed = ScheduleCompletion.Complete(input, data, file.FullName);
                var catalogue = TechnologyCatalogue.BuiltIn;
                var scenario = new Scenario(Scenario.ParseChoices(parse.GetValue(Tech) ?? string.Empty, catalogue), parse.GetValue(Preset)!);
                var result = new DisposableTimeSimulator(catalogue).Run(completed.Day, scenario);
                var positions = data is null ? null : Enum.GetValues<TimeMeasure>()
                    .Select(m => (Before: OecdPosition.Compute(data.Table(input.Sex), m, result.Before.Measure(m)),
                                  After: OecdPosition.Compute(data.Table(input.Sex), m, result.After.Measure(m))))
                    .ToList();
                var notes = completed.Notes.Concat(result.Notes).ToList();
                if (data is null)
                {
                    notes.Add("time-use data not found: no national averages and no OECD position (use --data)");
                }
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(ToJson(completed, result, positions, catalogue, notes, parse.GetValue(Lang)!));
                }
                else
                {
                    PrintRun(HumanConsole(parse), parse.GetValue(Lang)!, completed, result, positions, catalogue, notes);
                }
                return CliOutput.Ok;
            }
            catch (StudioDataException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
        });
        return cmd;
    }

    private static Command BuildPopulation()
    {
        var csv = new Argument<FileInfo>("residents") { Description = "CSV of schedules: id,sex,age[,country] and any activity columns (sleep, work, …); empty cells take national averages" };
        var cmd = new Command("population", "Apply technologies to every resident of a CSV and show the distribution by sex and age group");
        cmd.Arguments.Add(csv);
        cmd.Options.Add(Tech);
        cmd.Options.Add(Preset);
        cmd.Options.Add(Data);
        cmd.Options.Add(Lang);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(csv)!;
            if (!file.Exists)
            {
                return CliOutput.Error(parse, $"{file.FullName}: file not found");
            }
            try
            {
                var data = LoadData(parse);
                var residents = PopulationCsv.Load(file.FullName);
                var catalogue = TechnologyCatalogue.BuiltIn;
                var scenario = new Scenario(Scenario.ParseChoices(parse.GetValue(Tech) ?? string.Empty, catalogue), parse.GetValue(Preset)!);
                var result = new PopulationSimulator(new DisposableTimeSimulator(catalogue), data).Run(residents, scenario, file.FullName);
                if (parse.GetValue(CliOutput.Json))
                {
                    CliOutput.WriteJson(new
                    {
                        preset = scenario.PresetId,
                        technologies = scenario.Choices.Select(c => new { id = c.Id, value = c.Value }),
                        overall = GroupJson(result.Overall),
                        by_sex = result.BySex.Select(GroupJson),
                        groups = result.Groups.Select(GroupJson),
                        residents = result.Residents.Select(r => new
                        {
                            id = r.Id,
                            sex = ActivityTaxonomy.Key(r.Sex),
                            age_group = r.AgeGroup,
                            disposable_before = R(r.DisposableBefore),
                            disposable_after = R(r.DisposableAfter),
                            gross_saved_minutes = R(r.GrossSavedMinutes),
                            free_gained_minutes = R(r.FreeGainedMinutes),
                        }),
                    });
                }
                else
                {
                    PrintPopulation(HumanConsole(parse), parse.GetValue(Lang)!, result);
                }
                return CliOutput.Ok;
            }
            catch (StudioDataException e)
            {
                return CliOutput.Error(parse, e.Message);
            }
        });
        return cmd;
    }

    private static Command BuildTechnologies()
    {
        var cmd = new Command("technologies", "List the technologies, their effects, ranges and sources");
        cmd.Options.Add(Lang);
        cmd.SetAction(parse =>
        {
            var catalogue = TechnologyCatalogue.BuiltIn;
            if (parse.GetValue(CliOutput.Json))
            {
                CliOutput.WriteJson(new
                {
                    technologies = catalogue.Technologies.Select(TechnologyJson),
                    presets = catalogue.Presets.Select(p => new { id = p.Id, to_work = p.ToWorkShare, to_care = p.ToCareShare, source = p.Source }),
                });
                return CliOutput.Ok;
            }
            var lang = parse.GetValue(Lang)!;
            var texts = StudioTexts.BuiltIn;
            var table = new Table().AddColumns("id", texts.Get(lang, "ui.technology"), texts.Get(lang, "ui.activity"), "effect", "range", texts.Get(lang, "ui.evidence"));
            foreach (var t in catalogue.Technologies)
            {
                table.AddRow(Esc(t.Id), Esc(texts.Technology(lang, t.Id)), Esc(texts.Activity(lang, t.Category)), Esc(Effect(t, t.DefaultEffect)),
                    Esc($"{Effect(t, t.EffectLow)} – {Effect(t, t.EffectHigh)}"), Esc(texts.Get(lang, "evidence." + t.Evidence)));
            }
            var console = HumanConsole(parse);
            console.Write(table);
            foreach (var t in catalogue.Technologies)
            {
                console.MarkupLine($"[bold]{Esc(t.Id)}[/]: {Esc(t.Source)}");
            }
            return CliOutput.Ok;
        });
        return cmd;
    }

    /// <summary>The time-use tables: --data, else $CIVICGRID_DATA/studio, else ../shared/data/studio beside the repository; null if none.</summary>
    private static TimeUseReferenceData? LoadData(ParseResult parse)
    {
        var explicitFolder = parse.GetValue(Data);
        if (explicitFolder is not null)
        {
            return TimeUseReferenceData.LoadFolder(explicitFolder.FullName);
        }
        var env = Environment.GetEnvironmentVariable("CIVICGRID_DATA");
        if (!string.IsNullOrWhiteSpace(env))
        {
            var folder = Path.Combine(env, "studio");
            return Directory.Exists(folder) ? TimeUseReferenceData.LoadFolder(folder) : null;
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
                {
                    var folder = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "studio"));
                    if (File.Exists(Path.Combine(folder, TimeUseReferenceData.FileName(PopulationSex.Total))))
                    {
                        return TimeUseReferenceData.LoadFolder(folder);
                    }
                }
            }
        }
        return null;
    }

    private static object ToJson(CompletedSchedule completed, SimulationResult result,
        List<(OecdPosition Before, OecdPosition After)>? positions, TechnologyCatalogue catalogue, List<string> notes, string lang)
    {
        var texts = StudioTexts.BuiltIn;
        return new
        {
            schedule = new
            {
                sex = ActivityTaxonomy.Key(completed.Input.Sex),
                age = completed.Input.Age,
                country = completed.Input.Country,
                from_averages = completed.FromAverages.Select(ActivityTaxonomy.Key),
            },
            preset = result.PresetId,
            before = Day(result.Before),
            after = Day(result.After),
            contributions = result.Contributions.Select(c =>
            {
                var t = catalogue.Find(c.TechnologyId)!;
                return new
                {
                    technology = c.TechnologyId,
                    category = ActivityTaxonomy.Key(c.Category),
                    effect = c.Effect,
                    uses_per_week = c.UsesPerWeek,
                    gross_saved_minutes = R(c.GrossSavedMinutes),
                    to_work_minutes = R(c.ToWorkMinutes),
                    to_care_minutes = R(c.ToCareMinutes),
                    free_minutes = R(c.FreeMinutes),
                    capped_by_own_minutes = c.CappedByOwnMinutes,
                    capped_by_daily_limit = c.CappedByDailyLimit,
                    evidence = t.Evidence,
                    source = t.Source,
                };
            }),
            gross_saved_minutes = R(result.GrossSavedMinutes),
            to_work_minutes = R(result.ToWorkMinutes),
            to_care_minutes = R(result.ToCareMinutes),
            free_gained_minutes = R(result.FreeGainedMinutes),
            headline = new
            {
                minutes_per_day = R(result.Headline.MinutesPerDay),
                hours_per_year = R(result.Headline.HoursPerYear),
                text = texts.Headline(lang, result.Headline.MinutesPerDay),
            },
            measures = Enum.GetValues<TimeMeasure>().Select(m => new
            {
                measure = StudioTexts.MeasureKey(m),
                before = R(result.Before.Measure(m)),
                after = R(result.After.Measure(m)),
            }),
            oecd_position = positions?.Select(p => new
            {
                measure = StudioTexts.MeasureKey(p.Before.Measure),
                sex = ActivityTaxonomy.Key(p.Before.Sex),
                before = PositionJson(p.Before),
                after = PositionJson(p.After),
                countries = p.Before.Countries.Select(c => new { country = c.Country, survey_year = c.SurveyYear, minutes = c.Minutes, is_g7 = c.IsG7 }),
            }),
            notes,
        };
    }

    private static object PositionJson(OecdPosition p) => new
    {
        minutes = R(p.Minutes),
        rank = p.Rank,
        countries_below = p.CountriesBelow,
        country_count = p.CountryCount,
        g7_below = p.G7Below,
        g7_count = p.G7Count,
    };

    private static object GroupJson(GroupDistribution g) => new
    {
        sex = ActivityTaxonomy.Key(g.Sex),
        age_group = g.AgeGroup,
        residents = g.Residents,
        mean_free_gained = R(g.MeanFreeGained),
        p10_free_gained = R(g.P10FreeGained),
        median_free_gained = R(g.MedianFreeGained),
        p90_free_gained = R(g.P90FreeGained),
        mean_gross_saved = R(g.MeanGrossSaved),
        mean_disposable_before = R(g.MeanDisposableBefore),
        mean_disposable_after = R(g.MeanDisposableAfter),
    };

    private static object TechnologyJson(Technology t) => new
    {
        id = t.Id,
        category = ActivityTaxonomy.Key(t.Category),
        kind = t.Kind switch
        {
            EffectKind.ShareOfActivity => "share_of_activity",
            EffectKind.MinutesPerDay => "minutes_per_day",
            _ => "minutes_per_use_day",
        },
        effect = new { @default = t.DefaultEffect, low = t.EffectLow, high = t.EffectHigh },
        uses_per_week = t.HasUsesPerWeek ? new { @default = t.DefaultUsesPerWeek, max = t.MaxUsesPerWeek } : null,
        max_minutes_per_day = t.MaxMinutesPerDay,
        free_share = t.FreeShare,
        evidence = t.Evidence,
        source = t.Source,
    };

    private static Dictionary<string, double> Day(DaySchedule day) =>
        ActivityTaxonomy.All.ToDictionary(ActivityTaxonomy.Key, c => R(day[c]));

    /// <summary>Japanese labels need UTF-8 even when the locale of a pipe or CI job says ASCII.</summary>
    private static IAnsiConsole HumanConsole(ParseResult parse)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        return CliOutput.Human(parse);
    }

    private static void PrintRun(IAnsiConsole console, string lang, CompletedSchedule completed, SimulationResult result,
        List<(OecdPosition Before, OecdPosition After)>? positions, TechnologyCatalogue catalogue, List<string> notes)
    {
        var texts = StudioTexts.BuiltIn;
        console.MarkupLine($"[bold]{Esc(texts.Headline(lang, result.Headline.MinutesPerDay))}[/]  ({Esc(texts.Get(lang, "preset." + result.PresetId))})");

        var day = new Table().Title(Esc(texts.Get(lang, "ui.day_bar")))
            .AddColumns(texts.Get(lang, "ui.activity"), texts.Get(lang, "ui.before"), texts.Get(lang, "ui.after"), texts.Get(lang, "ui.change"));
        var before = result.Before.WholeMinutes();
        var after = result.After.WholeMinutes();
        foreach (var c in ActivityTaxonomy.All)
        {
            var averaged = completed.FromAverages.Contains(c) ? " *" : string.Empty;
            day.AddRow(Esc(texts.Activity(lang, c) + averaged), Num(before[c]), Num(after[c]), Signed(result.After[c] - result.Before[c]));
        }
        day.AddRow(Esc(texts.Get(lang, "ui.total")), Num(before.Values.Sum()), Num(after.Values.Sum()), string.Empty);
        console.Write(day);
        if (completed.FromAverages.Count > 0)
        {
            console.MarkupLine(Esc("* " + texts.Get(lang, "ui.blank_uses_average")));
        }

        if (result.Contributions.Count > 0)
        {
            var waterfall = new Table().Title(Esc(texts.Get(lang, "ui.waterfall")))
                .AddColumns(texts.Get(lang, "ui.technology"), texts.Get(lang, "ui.activity"), texts.Get(lang, "ui.gross_saved"),
                    texts.Get(lang, "ui.to_work"), texts.Get(lang, "ui.to_care"), texts.Get(lang, "ui.free_gained"), texts.Get(lang, "ui.evidence"));
            foreach (var c in result.Contributions)
            {
                var t = catalogue.Find(c.TechnologyId)!;
                var capped = c.CappedByOwnMinutes ? " (" + texts.Get(lang, "ui.capped") + ")" : string.Empty;
                waterfall.AddRow(Esc(texts.Technology(lang, c.TechnologyId)), Esc(texts.Activity(lang, c.Category)), Esc(Dec(c.GrossSavedMinutes) + capped),
                    Dec(c.ToWorkMinutes), Dec(c.ToCareMinutes), Dec(c.FreeMinutes), Esc(texts.Get(lang, "evidence." + t.Evidence)));
            }
            waterfall.AddRow(Esc(texts.Get(lang, "ui.total")), string.Empty, Dec(result.GrossSavedMinutes), Dec(result.ToWorkMinutes),
                Dec(result.ToCareMinutes), Dec(result.FreeGainedMinutes), string.Empty);
            console.Write(waterfall);
        }

        if (positions is not null)
        {
            console.MarkupLine(Esc(texts.Get(lang, "ui.position") + " (" + texts.Get(lang, "sex." + ActivityTaxonomy.Key(completed.Input.Sex)) + ")"));
            foreach (var (b, a) in positions)
            {
                foreach (var (label, p) in new[] { (texts.Get(lang, "ui.before"), b), (texts.Get(lang, "ui.after"), a) })
                {
                    console.MarkupLine(Esc($"  {label}: " + texts.Format(lang, "ui.position_summary", texts.Measure(lang, p.Measure),
                        Dec(p.Minutes), p.CountriesBelow, p.CountryCount, p.G7Below, p.G7Count)));
                }
            }
            var country = completed.Input.Country;
            var reference = positions[0].Before.Countries.FirstOrDefault(c => string.Equals(c.Country, country, StringComparison.OrdinalIgnoreCase));
            if (reference is not null)
            {
                console.MarkupLine(Esc($"  {reference.Country} ({reference.SurveyYear}): " + string.Join("; ", positions.Select(p =>
                    texts.Measure(lang, p.Before.Measure) + " " + Dec(p.Before.Countries.First(c => c.Country == reference.Country).Minutes)))));
            }
        }
        foreach (var note in notes)
        {
            console.MarkupLine(Esc("note: " + note));
        }
    }

    private static void PrintPopulation(IAnsiConsole console, string lang, PopulationResult result)
    {
        var texts = StudioTexts.BuiltIn;
        var table = new Table().Title(Esc(texts.Get(lang, "ui.population")))
            .AddColumns(texts.Get(lang, "ui.sex"), texts.Get(lang, "ui.age"), texts.Get(lang, "ui.residents"), texts.Get(lang, "ui.mean"),
                texts.Get(lang, "ui.p10"), texts.Get(lang, "ui.median"), texts.Get(lang, "ui.p90"), texts.Get(lang, "ui.gross_saved"));
        foreach (var g in result.Groups.Concat(result.BySex).Append(result.Overall))
        {
            var age = g.AgeGroup == PopulationSimulator.AllAges ? texts.Get(lang, "ui.total") : texts.Get(lang, "age_group." + g.AgeGroup);
            table.AddRow(Esc(texts.Get(lang, "sex." + ActivityTaxonomy.Key(g.Sex))), Esc(age), Num(g.Residents), Dec(g.MeanFreeGained),
                Dec(g.P10FreeGained), Dec(g.MedianFreeGained), Dec(g.P90FreeGained), Dec(g.MeanGrossSaved));
        }
        console.Write(table);
        console.MarkupLine(Esc(texts.Headline(lang, result.Overall.MeanFreeGained) + " (" + texts.Get(lang, "ui.mean") + ")"));
    }

    private static string Effect(Technology t, double value) => t.Kind switch
    {
        EffectKind.ShareOfActivity => (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %",
        EffectKind.MinutesPerDay => value.ToString("0.#", CultureInfo.InvariantCulture) + " min/day",
        _ => value.ToString("0.#", CultureInfo.InvariantCulture) + " min/use day",
    };

    private static double R(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Dec(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Signed(double value) => Math.Abs(value) < 0.05 ? "0" : value.ToString("+0.0;-0.0", CultureInfo.InvariantCulture);

    private static string Esc(string text) => Markup.Escape(text);
}
