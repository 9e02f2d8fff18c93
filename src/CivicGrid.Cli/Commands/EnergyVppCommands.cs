using System.CommandLine;
using System.Globalization;
using System.Text;
using CivicGrid.Energy.Forecasting;
using CivicGrid.Energy.Vpp;
using Spectre.Console;

namespace CivicGrid.Cli.Commands;

/// <summary>
/// <c>civicgrid energy forecast</c> and <c>civicgrid energy schedule</c>: demand/renewable forecasting and VPP
/// dispatch. Attached to the <c>energy</c> group by <see cref="EnergyCommands"/>.
/// </summary>
public static class EnergyVppCommands
{
    private static readonly Dictionary<string, double> PublishedSolarHome = new(StringComparer.Ordinal)
    {
        ["perfect_foresight"] = 0.3537,
        ["mpc_24h"] = 0.5086,
        ["rule_based"] = 0.5633,
    };

    public static IEnumerable<Command> Build() => [BuildForecast(), BuildSchedule()];

    private static string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);

    private static Command BuildForecast()
    {
        var file = new Argument<FileInfo?>("series") { Description = "CSV time series: a timestamp column then value columns", Arity = ArgumentArity.ZeroOrOne };
        var column = new Option<string?>("--column") { Description = "Column to forecast (default: the last one)" };
        var horizon = new Option<int>("--horizon") { Description = "Forecast horizon in steps", DefaultValueFactory = _ => 24 };
        var model = new Option<string>("--model") { Description = "seasonal-naive, similar-day or fasttree", DefaultValueFactory = _ => "similar-day" };
        var etth1 = new Option<FileInfo?>("--etth1") { Description = "Run the LTSF protocol on ETTh1.csv (12/4/4 months, standardised, horizon 96)" };
        var stride = new Option<int>("--stride") { Description = "Test-origin stride for --etth1 (1 = every origin, as published)", DefaultValueFactory = _ => 1 };
        var solarhome = new Option<FileInfo?>("--solarhome") { Description = "Day-ahead load and PV scores on the solar-home test days" };
        var cmd = new Command("forecast", "Forecast demand or renewable output; score forecasters by rolling origin");
        cmd.Arguments.Add(file);
        foreach (var o in new Option[] { column, horizon, model, etth1, stride, solarhome })
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(parse =>
        {
            try
            {
                if (parse.GetValue(etth1) is { } ett)
                {
                    return Etth1(parse, ett, parse.GetValue(stride));
                }
                if (parse.GetValue(solarhome) is { } sh)
                {
                    return SolarHomeScores(parse, sh);
                }
                if (parse.GetValue(file) is not { } series)
                {
                    return CliOutput.Error(parse, "give a series CSV, --etth1 FILE or --solarhome FILE");
                }
                return ForecastSeries(parse, series, parse.GetValue(column), parse.GetValue(horizon), parse.GetValue(model)!);
            }
            catch (TimeSeriesFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
        });
        return cmd;
    }

    private static bool Exists(ParseResult parse, FileInfo f, out int code)
    {
        code = 0;
        if (f.Exists)
        {
            return true;
        }
        code = CliOutput.Error(parse, $"file not found: {f.FullName}");
        return false;
    }

    private static int ForecastSeries(ParseResult parse, FileInfo file, string? column, int horizon, string model)
    {
        if (!Exists(parse, file, out var code))
        {
            return code;
        }
        if (horizon < 1)
        {
            return CliOutput.Error(parse, "--horizon must be at least 1");
        }
        var table = TimeSeriesTable.ReadCsv(file.FullName);
        var name = column ?? table.Columns[^1];
        if (!table.Columns.Contains(name))
        {
            return CliOutput.Error(parse, $"no column '{name}' in {file.Name} (columns: {string.Join(", ", table.Columns)})");
        }
        var y = table.Column(name);
        var perDay = (int)Math.Round(TimeSpan.FromDays(1) / table.Step);
        if (perDay < 1 || y.Length < (8 * perDay) + horizon)
        {
            return CliOutput.Error(parse, "the series needs at least eight days of history plus one horizon");
        }
        IForecaster forecaster = model switch
        {
            "seasonal-naive" => new SeasonalNaiveForecaster(perDay),
            "similar-day" => new SimilarDayForecaster(perDay, 7),
            "fasttree" => GradientBoostedForecaster.Train([y], y.Length, horizon, perDay, i => table.Timestamps[0] + (table.Step * i),
                new GradientBoostingOptions { OriginStride = Math.Max(1, perDay / 4) }).ForSeries(0),
            _ => throw new ArgumentException(model),
        };
        // Backtest: the last 14 origins one day apart, forecasting only from the past.
        var origins = Enumerable.Range(1, 14).Select(d => y.Length - horizon - ((d - 1) * perDay)).Where(o => o > 7 * perDay).ToArray();
        var score = RollingOrigin.Evaluate(forecaster, y, origins, horizon);
        var forecast = forecaster.Forecast(y, y.Length, horizon);
        var times = Enumerable.Range(0, horizon).Select(h => table.Timestamps[^1] + (table.Step * (h + 1))).ToArray();
        if (parse.GetValue(CliOutput.Json))
        {
            CliOutput.WriteJson(new
            {
                column = name,
                model = forecaster.Name,
                horizon,
                backtest = new { origins = origins.Length, mae = score.Mae, mse = score.Mse },
                forecast = times.Select((t, h) => new { time = t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), value = forecast[h] }),
            });
            return CliOutput.Ok;
        }
        var console = CliOutput.Human(parse);
        console.MarkupLine($"[bold]{Markup.Escape(forecaster.Name)}[/] forecast of [bold]{Markup.Escape(name)}[/], backtest over {origins.Length} origins: MAE {F(score.Mae)}, MSE {F(score.Mse)}");
        var table2 = new Table().AddColumns("time", "forecast");
        for (var h = 0; h < horizon; h++)
        {
            table2.AddRow(times[h].ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), F(forecast[h]));
        }
        console.Write(table2);
        return CliOutput.Ok;
    }

    private static int Etth1(ParseResult parse, FileInfo file, int stride)
    {
        if (!Exists(parse, file, out var code))
        {
            return code;
        }
        var protocol = new LtsfProtocol(TimeSeriesTable.ReadCsv(file.FullName));
        var scores = new[]
        {
            protocol.Evaluate(new SeasonalNaiveForecaster(24), Math.Max(1, stride)),
            protocol.Evaluate(new SimilarDayForecaster(24, 7), Math.Max(1, stride)),
            protocol.EvaluateGradientBoosted(GradientBoostingOptions.LtsfTuned, Math.Max(1, stride)),
        };
        return Scores(parse, "ETTh1, LTSF protocol, horizon 96 (standardised; published DLinear: MSE 0.374, MAE 0.394)",
            scores.Select(s => ("all channels", s)).ToArray(), new { dlinear_mse = 0.374, dlinear_mae = 0.394 });
    }

    private static int SolarHomeScores(ParseResult parse, FileInfo file)
    {
        if (!Exists(parse, file, out var code))
        {
            return code;
        }
        var bench = new SolarHomeBenchmark(TimeSeriesTable.ReadCsv(file.FullName));
        var scores = bench.DayAheadScores(bench.TrainModel());
        return Scores(parse, "Solar home, day-ahead (origins at midnight, 48 half hours), 30 test days from 2011-11-29, kW", scores, null);
    }

    private static int Scores(ParseResult parse, string title, IReadOnlyList<(string Series, ForecastScore Score)> scores, object? published)
    {
        if (parse.GetValue(CliOutput.Json))
        {
            CliOutput.WriteJson(new
            {
                title,
                scores = scores.Select(s => new { series = s.Series, model = s.Score.Model, mae = s.Score.Mae, mse = s.Score.Mse, points = s.Score.Points }),
                published,
            });
            return CliOutput.Ok;
        }
        var console = CliOutput.Human(parse);
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var table = new Table().AddColumns("series", "model", "MAE", "MSE", "points");
        foreach (var (series, s) in scores)
        {
            table.AddRow(series, s.Model, F(s.Mae), F(s.Mse), s.Points.ToString(CultureInfo.InvariantCulture));
        }
        console.Write(table);
        return CliOutput.Ok;
    }

    private static Command BuildSchedule()
    {
        var file = new Argument<FileInfo?>("portfolio") { Description = "Portfolio JSON (schema in docs/energy-vpp.md)", Arity = ArgumentArity.ZeroOrOne };
        var mpc = new Option<int>("--mpc") { Description = "Rolling-horizon re-schedule every interval with this look-ahead (intervals); 0 = one day-ahead LP", DefaultValueFactory = _ => 0 };
        var outOpt = new Option<FileInfo?>("--out") { Description = "Write the schedule as CSV (one row per interval, one column per device)" };
        var solarhome = new Option<FileInfo?>("--solarhome") { Description = "Run the solar-home benchmark on this CSV" };
        var perfect = new Option<bool>("--perfect-foresight") { Description = "Solar home: anticipative optimum instead of MPC with the project's forecasts" };
        var forecaster = new Option<string>("--forecaster") { Description = "Solar home MPC forecasts: fasttree, similar-day or seasonal-naive", DefaultValueFactory = _ => "fasttree" };
        var ruleBased = new Option<bool>("--rule-based") { Description = "Solar home: the benchmark's rule-based controller" };
        var days = new Option<int>("--days") { Description = "Solar home: number of test days (the benchmark uses 30)", DefaultValueFactory = _ => SolarHomeBenchmark.TestDays };
        var synthetic = new Option<int>("--synthetic") { Description = "Schedule a reproducible synthetic portfolio of this many DERs over 96 quarter hours instead of a file" };
        var monolithic = new Option<bool>("--monolithic") { Description = "Solve one LP over every device instead of the exact aggregated LP (slow for large portfolios)" };
        var cmd = new Command("schedule", "Dispatch a VPP portfolio (LP through OR-Tools GLOP), or run the solar-home benchmark");
        cmd.Arguments.Add(file);
        foreach (var o in new Option[] { mpc, outOpt, solarhome, perfect, forecaster, ruleBased, days, synthetic, monolithic })
        {
            cmd.Options.Add(o);
        }
        cmd.SetAction(parse =>
        {
            try
            {
                if (parse.GetValue(solarhome) is { } sh)
                {
                    return SolarHome(parse, sh, parse.GetValue(perfect), parse.GetValue(ruleBased), parse.GetValue(forecaster)!, parse.GetValue(days));
                }
                if (parse.GetValue(synthetic) is > 0 and var count)
                {
                    return Schedule(parse, SyntheticPortfolio.Create(count), parse.GetValue(mpc), parse.GetValue(outOpt), parse.GetValue(monolithic));
                }
                if (parse.GetValue(file) is not { } pf)
                {
                    return CliOutput.Error(parse, "give a portfolio JSON file, --synthetic N or --solarhome CSV");
                }
                if (!Exists(parse, pf, out var code))
                {
                    return code;
                }
                var portfolio = PortfolioReader.ReadFile(pf.FullName);
                return Schedule(parse, portfolio, parse.GetValue(mpc), parse.GetValue(outOpt), parse.GetValue(monolithic));
            }
            catch (PortfolioFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
            catch (TimeSeriesFormatException ex)
            {
                return CliOutput.Error(parse, ex.Message);
            }
        });
        return cmd;
    }

    private static int Schedule(ParseResult parse, Portfolio portfolio, int mpc, FileInfo? outFile, bool monolithic)
    {
        var lpDevices = portfolio.Ders.Count;
        IReadOnlyList<DerSchedule> schedules;
        IReadOnlyList<double> imports, exports;
        IReadOnlyList<ConstraintViolation> violations;
        DispatchCosts costs;
        string status;
        double ms;
        if (mpc > 0)
        {
            // Without a forecast source the portfolio's own profiles are the forecast (perfect information).
            var r = RollingHorizonDispatcher.Run(portfolio, (k, h) => new VppForecast(new Dictionary<string, double[]>()), mpc);
            (schedules, imports, exports, violations, costs, status, ms) = (r.Realised, r.ImportKw, r.ExportKw, r.Violations, r.Costs, "rolling_horizon", r.TotalSolveMilliseconds);
        }
        else
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            DispatchResult r;
            if (monolithic)
            {
                r = DispatchOptimizer.Solve(portfolio);
            }
            else
            {
                var aggregated = AggregatedDispatcher.Solve(portfolio);
                (r, lpDevices) = (aggregated.Dispatch, aggregated.LpDevices);
            }
            r = r with { SolveMilliseconds = sw.Elapsed.TotalMilliseconds };
            if (!r.Solved)
            {
                return CliOutput.Error(parse, "the LP solver failed: " + r.Status, CliOutput.Failed);
            }
            (schedules, imports, exports, violations, costs, status, ms) = (r.Schedules, r.ImportKw, r.ExportKw, r.Violations, r.Costs, r.Status, r.SolveMilliseconds);
        }
        if (outFile is not null)
        {
            var sb = new StringBuilder("interval,start,import_kw,export_kw");
            foreach (var s in schedules)
            {
                sb.Append(',').Append(s.Id).Append("_kw");
            }
            sb.AppendLine();
            for (var t = 0; t < portfolio.Intervals; t++)
            {
                sb.Append(t.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(portfolio.Start.AddMinutes(portfolio.IntervalMinutes * (double)t).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture))
                    .Append(',').Append(F(imports[t], "R")).Append(',').Append(F(exports[t], "R"));
                foreach (var s in schedules)
                {
                    sb.Append(',').Append(F(s.PowerKw[t], "R"));
                }
                sb.AppendLine();
            }
            File.WriteAllText(outFile.FullName, sb.ToString());
        }
        var dt = portfolio.IntervalHours;
        if (parse.GetValue(CliOutput.Json))
        {
            CliOutput.WriteJson(new
            {
                portfolio = portfolio.Name,
                status,
                intervals = portfolio.Intervals,
                interval_minutes = portfolio.IntervalMinutes,
                costs = new { energy_eur = costs.EnergyEur, wear_eur = costs.WearEur, discomfort_eur = costs.DiscomfortEur, penalty_eur = costs.PenaltyEur, total_eur = costs.TotalEur },
                import_kwh = imports.Sum() * dt,
                export_kwh = exports.Sum() * dt,
                peak_import_kw = imports.Max(),
                solve_ms = ms,
                ders_count = portfolio.Ders.Count,
                lp_devices = lpDevices,
                violations = violations.Select(v => new { constraint = v.Constraint, der = v.DerId, interval = v.Interval, amount = v.Amount, unit = v.Unit }),
                ders = schedules.Select(s => new
                {
                    id = s.Id,
                    type = s.Type,
                    energy_kwh = s.PowerKw.Sum() * dt,
                    power_kw = s.PowerKw,
                    state_kwh = s.StateKwh?.Select(x => double.IsNaN(x) ? (double?)null : x),
                }),
            });
            return CliOutput.Ok;
        }
        var console = CliOutput.Human(parse);
        console.MarkupLine($"[bold]{Markup.Escape(portfolio.Name)}[/]: {portfolio.Intervals} × {portfolio.IntervalMinutes} min, {status}, {F(ms, "F0")} ms");
        console.MarkupLine($"cost {F(costs.TotalEur)} EUR (energy {F(costs.EnergyEur)}, wear {F(costs.WearEur)}, discomfort {F(costs.DiscomfortEur)}, penalties {F(costs.PenaltyEur)})");
        var table = new Table().AddColumns("device", "type", "energy kWh (+ out / − in)");
        foreach (var s in schedules)
        {
            table.AddRow(Markup.Escape(s.Id), s.Type, F(s.PowerKw.Sum() * dt, "F3"));
        }
        console.Write(table);
        if (violations.Count > 0)
        {
            console.MarkupLine($"[yellow]{violations.Count} soft-constraint violation(s):[/]");
            foreach (var v in violations.Take(20))
            {
                console.MarkupLine($"  {Markup.Escape(v.Constraint)} {Markup.Escape(v.DerId ?? "")} interval {v.Interval}: {F(v.Amount, "F3")} {v.Unit}");
            }
        }
        return CliOutput.Ok;
    }

    private static int SolarHome(ParseResult parse, FileInfo file, bool perfect, bool ruleBased, string forecaster, int days)
    {
        if (!Exists(parse, file, out var code))
        {
            return code;
        }
        if (days is < 1 or > SolarHomeBenchmark.TestDays)
        {
            return CliOutput.Error(parse, $"--days must be between 1 and {SolarHomeBenchmark.TestDays}");
        }
        if (forecaster is not ("fasttree" or "similar-day" or "seasonal-naive"))
        {
            return CliOutput.Error(parse, $"unknown forecaster '{forecaster}' (fasttree, similar-day, seasonal-naive)");
        }
        var bench = new SolarHomeBenchmark(TimeSeriesTable.ReadCsv(file.FullName));
        SolarHomeResult result;
        string publishedKey;
        if (perfect)
        {
            result = bench.PerfectForesight(days);
            publishedKey = "perfect_foresight";
        }
        else if (ruleBased)
        {
            result = bench.RuleBased(days);
            publishedKey = "rule_based";
        }
        else
        {
            var forecasts = forecaster switch
            {
                "fasttree" => bench.GradientBoostedForecasts(days: days),
                "similar-day" => bench.ForecastsFrom(new SimilarDayForecaster(48, 7), new SimilarDayForecaster(48, 7)),
                _ => bench.ForecastsFrom(new SeasonalNaiveForecaster(48), new SeasonalNaiveForecaster(48)),
            };
            result = bench.RollingHorizon("mpc-24h-" + forecaster, forecasts, days: days);
            publishedKey = "mpc_24h";
        }
        if (parse.GetValue(CliOutput.Json))
        {
            CliOutput.WriteJson(new
            {
                method = result.Method,
                days = result.Days,
                mean_cost_eur_per_day = result.MeanCostEurPerDay,
                grid_kwh_per_day = result.GridKwhPerDay,
                curtailed_kwh_per_day = result.CurtailedKwhPerDay,
                shed_kwh_per_day = result.ShedKwhPerDay,
                final_soc_kwh = result.FinalSocKwh,
                solve_ms = result.SolveMilliseconds,
                published_eur_per_day = PublishedSolarHome,
                compare_with = publishedKey,
            });
            return CliOutput.Ok;
        }
        var console = CliOutput.Human(parse);
        console.MarkupLine($"[bold]solar home[/], {Markup.Escape(result.Method)}, {result.Days} days: [bold]{F(result.MeanCostEurPerDay)}[/] EUR/day (published {publishedKey.Replace('_', ' ')}: {F(PublishedSolarHome[publishedKey])})");
        console.MarkupLine($"grid {F(result.GridKwhPerDay, "F2")} kWh/day, curtailed {F(result.CurtailedKwhPerDay, "F2")} kWh/day, shed {F(result.ShedKwhPerDay, "F2")} kWh/day, final battery {F(result.FinalSocKwh, "F2")} kWh");
        return CliOutput.Ok;
    }
}
