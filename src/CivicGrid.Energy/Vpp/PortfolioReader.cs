using System.Globalization;

namespace CivicGrid.Energy.Vpp;

/// <summary>
/// Reads a portfolio JSON document (schema in docs/energy-vpp.md). Every error names the file, line, column and
/// reason through <see cref="PortfolioFormatException"/>; unknown members are errors too, so typos do not pass silently.
/// </summary>
public static class PortfolioReader
{
    public static Portfolio ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new PortfolioFormatException(path, 0, 0, "cannot read the file: " + ex.Message);
        }
        return Parse(text, path);
    }

    public static Portfolio Parse(string text, string file = "<portfolio>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = PositionedJson.Parse(text, file);
        return new Reader(file).ReadPortfolio(root);
    }

    private sealed class Reader(string file)
    {
        private int intervals;

        private PortfolioFormatException Error(PositionedJson at, string reason) => new(file, at.Line, at.Column, reason);

        private JsonObjectValue Object(PositionedJson value, string what) =>
            value as JsonObjectValue ?? throw Error(value, $"{what} must be an object, found {value.Kind}");

        private void CheckMembers(JsonObjectValue o, string what, params string[] allowed)
        {
            foreach (var m in o.Members)
            {
                if (Array.IndexOf(allowed, m.Key) < 0)
                {
                    throw Error(m.Value, $"unknown member '{m.Key}' in {what} (allowed: {string.Join(", ", allowed)})");
                }
            }
        }

        private PositionedJson Required(JsonObjectValue o, string name, string what) =>
            o.Get(name) ?? throw Error(o, $"{what} lacks the required member '{name}'");

        private double Number(PositionedJson v, string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
        {
            if (v is not JsonNumberValue n)
            {
                throw Error(v, $"'{name}' must be a number, found {v.Kind}");
            }
            if (!double.IsFinite(n.Value) || n.Value < min || n.Value > max)
            {
                var range = max == double.PositiveInfinity ? $"≥ {min.ToString(CultureInfo.InvariantCulture)}" : $"in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
                throw Error(v, $"'{name}' must be {range}, found {n.Value.ToString(CultureInfo.InvariantCulture)}");
            }
            return n.Value;
        }

        private double NumberOr(JsonObjectValue o, string name, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
            o.Get(name) is { } v ? Number(v, name, min, max) : fallback;

        private int Integer(PositionedJson v, string name, int min, int max)
        {
            var d = Number(v, name, min, max);
            if (d != Math.Floor(d))
            {
                throw Error(v, $"'{name}' must be an integer, found {d.ToString(CultureInfo.InvariantCulture)}");
            }
            return (int)d;
        }

        private string Text(PositionedJson v, string name) =>
            v is JsonStringValue s ? s.Value : throw Error(v, $"'{name}' must be a string, found {v.Kind}");

        private bool Bool(PositionedJson v, string name) =>
            v is JsonBoolValue b ? b.Value : throw Error(v, $"'{name}' must be true or false, found {v.Kind}");

        /// <summary>A profile: one number for every interval, or a single number meaning "constant".</summary>
        private double[] Profile(PositionedJson v, string name, double min = double.NegativeInfinity)
        {
            if (v is JsonNumberValue)
            {
                return Enumerable.Repeat(Number(v, name, min), intervals).ToArray();
            }
            if (v is not JsonArrayValue a)
            {
                throw Error(v, $"'{name}' must be a number or an array of {intervals} numbers, found {v.Kind}");
            }
            if (a.Items.Count != intervals)
            {
                throw Error(v, $"'{name}' has {a.Items.Count} values but the portfolio has {intervals} intervals");
            }
            return a.Items.Select(x => Number(x, name, min)).ToArray();
        }

        public Portfolio ReadPortfolio(PositionedJson rootValue)
        {
            var root = Object(rootValue, "the portfolio");
            CheckMembers(root, "the portfolio", "name", "start", "interval_minutes", "intervals", "feeder", "tariff", "weather", "value_of_lost_load_eur_per_kwh", "ders");
            var name = root.Get("name") is { } nm ? Text(nm, "name") : "portfolio";
            var start = DateTimeOffset.UnixEpoch;
            if (root.Get("start") is { } st)
            {
                if (!DateTimeOffset.TryParse(Text(st, "start"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
                {
                    throw Error(st, "'start' must be an ISO 8601 date and time");
                }
            }
            var minutes = root.Get("interval_minutes") is { } im ? Integer(im, "interval_minutes", 1, 1440) : 15;
            intervals = Integer(Required(root, "intervals", "the portfolio"), "intervals", 1, 1_000_000);

            var feederNode = Object(Required(root, "feeder", "the portfolio"), "'feeder'");
            CheckMembers(feederNode, "'feeder'", "import_limit_kw", "export_limit_kw");
            var feeder = new FeederLimits(
                Number(Required(feederNode, "import_limit_kw", "'feeder'"), "import_limit_kw", 0),
                Number(Required(feederNode, "export_limit_kw", "'feeder'"), "export_limit_kw", 0));

            var tariffNode = Object(Required(root, "tariff", "the portfolio"), "'tariff'");
            CheckMembers(tariffNode, "'tariff'", "import_eur_per_kwh", "export_eur_per_kwh");
            var import = Profile(Required(tariffNode, "import_eur_per_kwh", "'tariff'"), "import_eur_per_kwh");
            var export = tariffNode.Get("export_eur_per_kwh") is { } ex ? Profile(ex, "export_eur_per_kwh") : new double[intervals];
            for (var t = 0; t < intervals; t++)
            {
                if (export[t] > import[t])
                {
                    throw Error(tariffNode, $"the export price exceeds the import price in interval {t}: the schedule would be unbounded arbitrage");
                }
            }

            WeatherSeries? weather = null;
            if (root.Get("weather") is { } wv)
            {
                var w = Object(wv, "'weather'");
                CheckMembers(w, "'weather'", "irradiance_w_per_m2", "temperature_c", "wind_speed_m_per_s");
                weather = new WeatherSeries(
                    w.Get("irradiance_w_per_m2") is { } g ? Profile(g, "irradiance_w_per_m2", 0) : new double[intervals],
                    w.Get("temperature_c") is { } tc ? Profile(tc, "temperature_c", -90) : Enumerable.Repeat(20.0, intervals).ToArray(),
                    w.Get("wind_speed_m_per_s") is { } ws ? Profile(ws, "wind_speed_m_per_s", 0) : new double[intervals]);
            }

            var dersNode = Required(root, "ders", "the portfolio") as JsonArrayValue
                ?? throw Error(root.Get("ders")!, "'ders' must be an array");
            var ders = new List<Der>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in dersNode.Items)
            {
                var der = ReadDer(Object(item, "a DER"));
                if (!ids.Add(der.Id))
                {
                    throw Error(item, $"duplicate DER id '{der.Id}'");
                }
                ders.Add(der);
            }
            return new Portfolio(name, start, minutes, intervals, feeder, new Tariff(import, export), ders)
            {
                Weather = weather,
                ValueOfLostLoadEurPerKwh = NumberOr(root, "value_of_lost_load_eur_per_kwh", 10, 0),
            };
        }

        private Der ReadDer(JsonObjectValue o)
        {
            var type = Text(Required(o, "type", "a DER"), "type");
            var id = Text(Required(o, "id", "a DER"), "id");
            var what = $"DER '{id}'";
            int? bus = o.Get("bus") is { } b ? Integer(b, "bus", 1, int.MaxValue) : null;
            Der der;
            switch (type)
            {
                case "pv":
                    CheckMembers(o, what, "type", "id", "bus", "peak_kw", "temperature_coefficient_per_k", "noct_c", "inverter_efficiency", "available_kw");
                    der = new PvArray(id, Number(Required(o, "peak_kw", what), "peak_kw", 0))
                    {
                        TemperatureCoefficientPerKelvin = NumberOr(o, "temperature_coefficient_per_k", -0.004, -0.05, 0.05),
                        NoctCelsius = NumberOr(o, "noct_c", 45, 20, 80),
                        InverterEfficiency = NumberOr(o, "inverter_efficiency", 0.96, 0.01, 1),
                        AvailableKw = o.Get("available_kw") is { } a ? Profile(a, "available_kw", 0) : null,
                    };
                    break;
                case "wind":
                {
                    CheckMembers(o, what, "type", "id", "bus", "rated_kw", "cut_in_m_per_s", "rated_m_per_s", "cut_out_m_per_s", "available_kw");
                    var wind = new WindTurbine(id, Number(Required(o, "rated_kw", what), "rated_kw", 0))
                    {
                        CutInMetersPerSecond = NumberOr(o, "cut_in_m_per_s", 3, 0),
                        RatedMetersPerSecond = NumberOr(o, "rated_m_per_s", 12, 0),
                        CutOutMetersPerSecond = NumberOr(o, "cut_out_m_per_s", 25, 0),
                        AvailableKw = o.Get("available_kw") is { } aw ? Profile(aw, "available_kw", 0) : null,
                    };
                    if (!(wind.CutInMetersPerSecond < wind.RatedMetersPerSecond && wind.RatedMetersPerSecond <= wind.CutOutMetersPerSecond))
                    {
                        throw Error(o, $"{what}: the power curve needs cut-in < rated ≤ cut-out speed");
                    }
                    der = wind;
                    break;
                }
                case "battery":
                {
                    CheckMembers(o, what, "type", "id", "bus", "capacity_kwh", "max_charge_kw", "max_discharge_kw", "charge_efficiency", "discharge_efficiency",
                        "initial_soc_kwh", "min_soc_kwh", "max_soc_kwh", "final_soc_kwh", "degradation_eur_per_kwh");
                    var capacity = Number(Required(o, "capacity_kwh", what), "capacity_kwh", 0);
                    var battery = new Battery(id, capacity, Number(Required(o, "max_charge_kw", what), "max_charge_kw", 0), Number(Required(o, "max_discharge_kw", what), "max_discharge_kw", 0))
                    {
                        ChargeEfficiency = NumberOr(o, "charge_efficiency", 0.95, 0.01, 1),
                        DischargeEfficiency = NumberOr(o, "discharge_efficiency", 0.95, 0.01, 1),
                        InitialSocKwh = NumberOr(o, "initial_soc_kwh", capacity / 2, 0, capacity),
                        MinSocKwh = NumberOr(o, "min_soc_kwh", 0, 0, capacity),
                        MaxSocKwh = o.Get("max_soc_kwh") is { } mx ? Number(mx, "max_soc_kwh", 0, capacity) : null,
                        FinalSocKwh = o.Get("final_soc_kwh") is { } fs ? Number(fs, "final_soc_kwh", 0, capacity) : null,
                        DegradationEurPerKwh = NumberOr(o, "degradation_eur_per_kwh", 0, 0),
                    };
                    if (battery.MinSocKwh > battery.UpperSocKwh)
                    {
                        throw Error(o, $"{what}: min_soc_kwh exceeds max_soc_kwh");
                    }
                    der = battery;
                    break;
                }
                case "ev":
                {
                    CheckMembers(o, what, "type", "id", "bus", "battery_kwh", "max_charge_kw", "max_discharge_kw", "v2g", "arrival_interval", "departure_interval",
                        "energy_needed_kwh", "initial_soc_kwh", "charge_efficiency", "discharge_efficiency", "degradation_eur_per_kwh", "unmet_penalty_eur_per_kwh");
                    var capacity = Number(Required(o, "battery_kwh", what), "battery_kwh", 0);
                    var arrival = Integer(Required(o, "arrival_interval", what), "arrival_interval", 0, intervals);
                    var departureNode = Required(o, "departure_interval", what);
                    var departure = Integer(departureNode, "departure_interval", 0, intervals);
                    if (departure < arrival)
                    {
                        throw Error(departureNode, $"{what}: departure_interval {departure} is before arrival_interval {arrival}");
                    }
                    var initial = NumberOr(o, "initial_soc_kwh", 0, 0, capacity);
                    var neededNode = Required(o, "energy_needed_kwh", what);
                    var needed = Number(neededNode, "energy_needed_kwh", 0);
                    if (initial + needed > capacity + 1e-9)
                    {
                        throw Error(neededNode, $"{what}: initial_soc_kwh + energy_needed_kwh exceeds battery_kwh");
                    }
                    var v2g = o.Get("v2g") is { } vg && Bool(vg, "v2g");
                    der = new ElectricVehicle(id, capacity, Number(Required(o, "max_charge_kw", what), "max_charge_kw", 0), arrival, departure, needed)
                    {
                        InitialSocKwh = initial,
                        VehicleToGrid = v2g,
                        MaxDischargeKw = v2g ? NumberOr(o, "max_discharge_kw", 0, 0) : 0,
                        ChargeEfficiency = NumberOr(o, "charge_efficiency", 0.92, 0.01, 1),
                        DischargeEfficiency = NumberOr(o, "discharge_efficiency", 0.92, 0.01, 1),
                        DegradationEurPerKwh = NumberOr(o, "degradation_eur_per_kwh", 0, 0),
                        UnmetPenaltyEurPerKwh = NumberOr(o, "unmet_penalty_eur_per_kwh", 5, 0),
                    };
                    break;
                }
                case "shiftable_load":
                {
                    CheckMembers(o, what, "type", "id", "bus", "energy_kwh", "max_kw", "earliest_interval", "latest_interval", "unserved_penalty_eur_per_kwh");
                    var earliest = Integer(Required(o, "earliest_interval", what), "earliest_interval", 0, intervals);
                    var latestNode = Required(o, "latest_interval", what);
                    var latest = Integer(latestNode, "latest_interval", 0, intervals);
                    if (latest < earliest)
                    {
                        throw Error(latestNode, $"{what}: latest_interval {latest} is before earliest_interval {earliest}");
                    }
                    der = new ShiftableLoad(id, Number(Required(o, "energy_kwh", what), "energy_kwh", 0), Number(Required(o, "max_kw", what), "max_kw", 0), earliest, latest)
                    {
                        UnservedPenaltyEurPerKwh = NumberOr(o, "unserved_penalty_eur_per_kwh", 2, 0),
                    };
                    break;
                }
                case "curtailable_load":
                    CheckMembers(o, what, "type", "id", "bus", "baseline_kw", "max_curtail_fraction", "discomfort_eur_per_kwh");
                    der = new CurtailableLoad(id, Profile(Required(o, "baseline_kw", what), "baseline_kw", 0))
                    {
                        MaxCurtailFraction = NumberOr(o, "max_curtail_fraction", 0.3, 0, 1),
                        DiscomfortEurPerKwh = NumberOr(o, "discomfort_eur_per_kwh", 0.3, 0),
                    };
                    break;
                case "load":
                    CheckMembers(o, what, "type", "id", "bus", "demand_kw", "critical");
                    der = new FixedLoad(id, Profile(Required(o, "demand_kw", what), "demand_kw", 0))
                    {
                        Critical = o.Get("critical") is { } c && Bool(c, "critical"),
                    };
                    break;
                default:
                    throw Error(o.Get("type")!, $"unknown DER type '{type}' (pv, wind, battery, ev, shiftable_load, curtailable_load, load)");
            }
            return der with { Bus = bus };
        }
    }
}
