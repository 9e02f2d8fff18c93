using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Population;
using CivicGrid.Studio.Simulation;
using CivicGrid.Studio.Technologies;

namespace CivicGrid.Benchmarks.Studio;

/// <summary>
/// The disposable-time simulator: one schedule with every technology (realistic preset), loading the three OECD
/// tables, and population mode on 100,000 synthetic residents (CSV parse + fill from averages + simulate + summarise).
/// No peer tool exists; figures are absolute.
/// </summary>
[MemoryDiagnoser]
[InProcess]
[WarmupCount(1)]
[IterationCount(5)]
public class StudioBenchmarks
{
    private string _folder = null!;
    private TimeUseReferenceData _data = null!;
    private DaySchedule _day = null!;
    private Scenario _scenario = null!;
    private DisposableTimeSimulator _simulator = null!;
    private string _populationCsv = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = Environment.GetEnvironmentVariable("CIVICGRID_DATA") ?? Path.Combine(FindRoot(), "..", "shared", "data");
        _folder = Path.Combine(root, "studio");
        _data = TimeUseReferenceData.LoadFolder(_folder);
        _day = _data.NationalAverage("Japan", PopulationSex.Women, out _);
        var catalogue = TechnologyCatalogue.BuiltIn;
        _scenario = new Scenario(catalogue.Technologies.Select(t => new TechnologyChoice(t.Id)).ToList(), Scenario.RealisticPreset);
        _simulator = new DisposableTimeSimulator(catalogue);

        var rng = new Random(42);
        var csv = new StringBuilder("id,sex,age,sleep,commute,work,housework,childcare,shopping\n");
        for (var i = 0; i < 100_000; i++)
        {
            var working = rng.NextDouble() < 0.6;
            csv.Append(CultureInfo.InvariantCulture, $"r{i},{(rng.NextDouble() < 0.5 ? "men" : "women")},{15 + rng.Next(70)},")
               .Append(CultureInfo.InvariantCulture, $"{380 + rng.Next(120)},{(working ? rng.Next(120) : 0)},{(working ? 300 + rng.Next(180) : 0)},")
               .Append(CultureInfo.InvariantCulture, $"{rng.Next(180)},{(rng.NextDouble() < 0.3 ? rng.Next(60) : 0)},")
               .Append(rng.NextDouble() < 0.2 ? string.Empty : rng.Next(60).ToString(CultureInfo.InvariantCulture))
               .Append('\n');
        }
        _populationCsv = csv.ToString();
    }

    [Benchmark]
    public double OneScheduleAllTechnologies() => _simulator.Run(_day, _scenario).FreeGainedMinutes;

    [Benchmark]
    public int LoadOecdTables() => TimeUseReferenceData.LoadFolder(_folder).Total.Countries.Count;

    [Benchmark]
    public double Population100k()
    {
        var residents = PopulationCsv.Parse(_populationCsv, "bench.csv");
        return new PopulationSimulator(_simulator, _data).Run(residents, _scenario).Overall.MeanFreeGained;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
