using System.Globalization;
using System.Text.RegularExpressions;

namespace CivicGrid.Energy.Grid.Matpower;

/// <summary>
/// Reads MATPOWER version 2 case files (<c>function mpc = name</c> followed by <c>mpc.field = …;</c> assignments),
/// including PGLib-OPF files. Comments (<c>%</c>), commas or blanks between numbers, rows ended by <c>;</c> or a
/// line break, <c>...</c> continuations, <c>Inf</c>/<c>NaN</c>, cell arrays (names, skipped) are accepted.
/// </summary>
public static partial class MatpowerReader
{
    public static PowerCase ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses case text; <paramref name="fileName"/> is used in error messages.</summary>
    public static PowerCase Parse(string text, string fileName = "<text>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text, fileName);
        return parser.Run();
    }

    [GeneratedRegex(@"^mpc\.(?<name>[A-Za-z_]\w*)\s*(?<index>\([^)]*\))?\s*=\s*(?<rhs>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^function\s+(?<out>.+?)\s*=\s*(?<name>[A-Za-z_]\w*)")]
    private static partial Regex FunctionLine();

    private sealed record Matrix(List<double[]> Rows, List<int> Lines, int StartLine);

    private sealed class Parser(string text, string file)
    {
        private readonly Dictionary<string, Matrix> _matrices = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string Value, int Line)> _scalars = new(StringComparer.Ordinal);
        private string? _name;
        private string? _version;

        public PowerCase Run()
        {
            var lines = text.Split('\n');
            var i = 0;
            while (i < lines.Length)
            {
                var lineNo = i + 1;
                var (content, offset) = StripComment(lines[i], lineNo);
                var trimmed = content.Trim();
                i++;
                if (trimmed.Length == 0)
                {
                    continue;
                }
                var column = offset + content.IndexOf(trimmed[0], StringComparison.Ordinal) + 1;
                var fn = FunctionLine().Match(trimmed);
                if (fn.Success)
                {
                    if (fn.Groups["out"].Value.Contains('[', StringComparison.Ordinal))
                    {
                        throw Error(lineNo, column, "this is a MATPOWER version 1 case (several outputs); only version 2 (function mpc = …) is supported");
                    }
                    _name = fn.Groups["name"].Value;
                    continue;
                }
                if (trimmed is "end" or "return" or "end;" or "return;")
                {
                    continue;
                }
                var m = Assignment().Match(trimmed);
                if (!m.Success)
                {
                    throw Error(lineNo, column, $"unsupported statement '{Shorten(trimmed)}' (expected mpc.<field> = …)");
                }
                var name = m.Groups["name"].Value;
                if (m.Groups["index"].Success)
                {
                    throw Error(lineNo, column, $"indexed assignment to mpc.{name} is not supported");
                }
                var rhs = m.Groups["rhs"].Value.Trim();
                var rhsColumn = column + m.Groups["rhs"].Index;
                if (rhs.StartsWith('['))
                {
                    i = ReadMatrix(name, lines, i - 1, content.IndexOf('[', StringComparison.Ordinal) + 1, lineNo);
                }
                else if (rhs.StartsWith('{'))
                {
                    i = SkipCell(lines, i - 1, content.IndexOf('{', StringComparison.Ordinal) + 1, lineNo);
                }
                else
                {
                    var value = rhs.TrimEnd(';').Trim();
                    if (value.Length == 0)
                    {
                        throw Error(lineNo, rhsColumn, $"mpc.{name} has no value");
                    }
                    _scalars[name] = (value.Trim('\'', '"'), lineNo);
                }
            }
            return Build();
        }

        private int ReadMatrix(string name, string[] lines, int index, int startColumn, int startLine)
        {
            var rows = new List<double[]>();
            var rowLines = new List<int>();
            var current = new List<double>();
            var rowLine = startLine;
            var col = startColumn;
            for (var i = index; i < lines.Length; i++)
            {
                var lineNo = i + 1;
                var (content, _) = StripComment(lines[i], lineNo);
                var continued = false;
                var pos = i == index ? col : 0;
                while (pos < content.Length)
                {
                    var c = content[pos];
                    if (char.IsWhiteSpace(c) || c == ',')
                    {
                        pos++;
                        continue;
                    }
                    if (c == ';')
                    {
                        EndRow();
                        pos++;
                        continue;
                    }
                    if (c == ']')
                    {
                        EndRow();
                        var rest = content[(pos + 1)..].Trim().TrimEnd(';').Trim();
                        if (rest.Length > 0)
                        {
                            throw Error(lineNo, pos + 2, $"unexpected text after the end of mpc.{name}: '{Shorten(rest)}'");
                        }
                        Check(name, rows, rowLines);
                        _matrices[name] = new Matrix(rows, rowLines, startLine);
                        return i + 1;
                    }
                    if (c == '.' && content.AsSpan(pos).StartsWith("...", StringComparison.Ordinal))
                    {
                        continued = true;
                        break;
                    }
                    if (content.AsSpan(pos).StartsWith("mpc.", StringComparison.Ordinal))
                    {
                        throw Error(startLine, startColumn, $"mpc.{name} is not closed with ']' before the assignment on line {lineNo}");
                    }
                    var start = pos;
                    while (pos < content.Length && !char.IsWhiteSpace(content[pos]) && content[pos] is not (',' or ';' or ']'))
                    {
                        pos++;
                    }
                    var token = content[start..pos];
                    if (current.Count == 0)
                    {
                        rowLine = lineNo;
                    }
                    current.Add(ParseNumber(token, lineNo, start + 1, name));
                }
                if (!continued)
                {
                    EndRow();
                }
            }
            throw Error(startLine, startColumn, $"mpc.{name} is not closed with ']'");

            void EndRow()
            {
                if (current.Count > 0)
                {
                    rows.Add([.. current]);
                    rowLines.Add(rowLine);
                    current.Clear();
                }
            }
        }

        private void Check(string name, List<double[]> rows, List<int> rowLines)
        {
            for (var r = 1; r < rows.Count; r++)
            {
                if (rows[r].Length != rows[0].Length && name != "gencost")
                {
                    throw Error(rowLines[r], 1, $"row {r + 1} of mpc.{name} has {rows[r].Length} columns, the first row has {rows[0].Length}");
                }
            }
        }

        private int SkipCell(string[] lines, int index, int startColumn, int startLine)
        {
            for (var i = index; i < lines.Length; i++)
            {
                var (content, _) = StripComment(lines[i], i + 1);
                var from = i == index ? startColumn : 0;
                if (content.IndexOf('}', from) >= 0)
                {
                    return i + 1;
                }
            }
            throw Error(startLine, startColumn, "cell array is not closed with '}'");
        }

        private double ParseNumber(string token, int line, int column, string name)
        {
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
            return token switch
            {
                "Inf" or "inf" or "+Inf" => double.PositiveInfinity,
                "-Inf" or "-inf" => double.NegativeInfinity,
                "NaN" or "nan" => double.NaN,
                _ => throw Error(line, column, $"'{Shorten(token)}' in mpc.{name} is not a number"),
            };
        }

        private (string Content, int Offset) StripComment(string line, int lineNo)
        {
            var inQuote = false;
            for (var k = 0; k < line.Length; k++)
            {
                var c = line[k];
                if (c == '\'')
                {
                    // A quote after an identifier/bracket is a transpose, not a string: not used in case files.
                    inQuote = !inQuote;
                }
                else if ((c == '%' || c == '#') && !inQuote)
                {
                    return (line[..k].TrimEnd('\r'), 0);
                }
            }
            _ = lineNo;
            return (line.TrimEnd('\r'), 0);
        }

        private PowerCase Build()
        {
            if (_version is null && _scalars.TryGetValue("version", out var ver))
            {
                _version = ver.Value;
                if (_version != "2")
                {
                    throw Error(ver.Line, 1, $"MATPOWER case format version '{_version}' is not supported (only version 2)");
                }
            }
            var pc = new PowerCase { Name = _name ?? Path.GetFileNameWithoutExtension(file) };
            if (!_scalars.TryGetValue("baseMVA", out var baseMva))
            {
                throw Error(1, 1, "mpc.baseMVA is missing");
            }
            if (!double.TryParse(baseMva.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bm) || !(bm > 0))
            {
                throw Error(baseMva.Line, 1, $"mpc.baseMVA '{baseMva.Value}' is not a positive number");
            }
            pc.BaseMVA = bm;
            var bus = Require("bus", 13);
            var gen = Require("gen", 10);
            var branch = Require("branch", 11);
            for (var r = 0; r < bus.Rows.Count; r++)
            {
                var row = bus.Rows[r];
                var type = (int)row[1];
                if (type is < 1 or > 4 || type != row[1])
                {
                    throw Error(bus.Lines[r], 1, $"bus {row[0]} has type {row[1]}; expected 1 (PQ), 2 (PV), 3 (reference) or 4 (isolated)");
                }
                pc.Buses.Add(new Bus
                {
                    Number = ToInt(row[0], bus.Lines[r], "bus number"),
                    Type = (BusType)type,
                    PdMW = row[2], QdMVAr = row[3], GsMW = row[4], BsMVAr = row[5],
                    Area = (int)row[6], VmPu = row[7], VaDeg = row[8], BaseKV = row[9], Zone = (int)row[10],
                    VmaxPu = row[11], VminPu = row[12], Extra = row[13..],
                });
            }
            var index = new Dictionary<int, int>();
            for (var r = 0; r < pc.Buses.Count; r++)
            {
                if (!index.TryAdd(pc.Buses[r].Number, r))
                {
                    throw Error(bus.Lines[r], 1, $"bus number {pc.Buses[r].Number} appears twice");
                }
            }
            for (var r = 0; r < gen.Rows.Count; r++)
            {
                var row = gen.Rows[r];
                var b = ToInt(row[0], gen.Lines[r], "generator bus");
                if (!index.ContainsKey(b))
                {
                    throw Error(gen.Lines[r], 1, $"generator {r + 1} is at bus {b}, which is not in mpc.bus");
                }
                pc.Generators.Add(new Generator
                {
                    Bus = b, PgMW = row[1], QgMVAr = row[2], QmaxMVAr = row[3], QminMVAr = row[4], VgPu = row[5],
                    MBaseMVA = row[6], InService = row[7] > 0, PmaxMW = row[8], PminMW = row[9], Extra = row[10..],
                });
            }
            for (var r = 0; r < branch.Rows.Count; r++)
            {
                var row = branch.Rows[r];
                var f = ToInt(row[0], branch.Lines[r], "from bus");
                var t = ToInt(row[1], branch.Lines[r], "to bus");
                if (!index.ContainsKey(f) || !index.ContainsKey(t))
                {
                    throw Error(branch.Lines[r], 1, $"branch {r + 1} connects bus {(index.ContainsKey(f) ? t : f)}, which is not in mpc.bus");
                }
                if (row[3] == 0 && row[2] == 0 && row[10] > 0)
                {
                    throw Error(branch.Lines[r], 1, $"branch {r + 1} ({f}-{t}) has zero impedance");
                }
                pc.Branches.Add(new Branch
                {
                    FromBus = f, ToBus = t, RPu = row[2], XPu = row[3], BPu = row[4], RateAMVA = row[5], RateBMVA = row[6],
                    RateCMVA = row[7], TapRatio = row[8], ShiftDeg = row[9], InService = row[10] > 0,
                    AngleMinDeg = row.Length > 11 ? row[11] : -360, AngleMaxDeg = row.Length > 12 ? row[12] : 360,
                    Extra = row.Length > 13 ? row[13..] : [],
                });
            }
            if (_matrices.TryGetValue("gencost", out var cost))
            {
                for (var r = 0; r < cost.Rows.Count; r++)
                {
                    var row = cost.Rows[r];
                    if (row.Length < 4)
                    {
                        throw Error(cost.Lines[r], 1, $"gencost row {r + 1} has {row.Length} columns; at least 4 are needed");
                    }
                    var model = (int)row[0];
                    var n = ToInt(row[3], cost.Lines[r], "number of cost coefficients/points");
                    var need = model switch
                    {
                        1 => 2 * n,
                        2 => n,
                        _ => throw Error(cost.Lines[r], 1, $"gencost row {r + 1} has cost model {row[0]}; expected 1 (piecewise linear) or 2 (polynomial)"),
                    };
                    if (row.Length - 4 < need)
                    {
                        throw Error(cost.Lines[r], 1, $"gencost row {r + 1} declares {n} {(model == 1 ? "points" : "coefficients")} but has only {row.Length - 4} values");
                    }
                    pc.GeneratorCosts.Add(new GeneratorCost
                    {
                        Model = (CostModel)model, Startup = row[1], Shutdown = row[2], Coefficients = row[4..(4 + need)],
                    });
                }
                if (pc.GeneratorCosts.Count < pc.Generators.Count)
                {
                    throw Error(cost.StartLine, 1, $"mpc.gencost has {pc.GeneratorCosts.Count} rows for {pc.Generators.Count} generators");
                }
            }
            if (_matrices.TryGetValue("areas", out var areas))
            {
                pc.Areas.AddRange(areas.Rows);
            }
            return pc;
        }

        private Matrix Require(string name, int minColumns)
        {
            if (!_matrices.TryGetValue(name, out var m))
            {
                throw Error(1, 1, $"mpc.{name} is missing");
            }
            for (var r = 0; r < m.Rows.Count; r++)
            {
                if (m.Rows[r].Length < minColumns)
                {
                    throw Error(m.Lines[r], 1, $"row {r + 1} of mpc.{name} has {m.Rows[r].Length} columns; at least {minColumns} are needed");
                }
            }
            return m;
        }

        private int ToInt(double v, int line, string what)
        {
            if (v != Math.Floor(v) || double.IsInfinity(v) || Math.Abs(v) > int.MaxValue)
            {
                throw Error(line, 1, $"{what} {v.ToString(CultureInfo.InvariantCulture)} is not an integer");
            }
            return (int)v;
        }

        private MatpowerFormatException Error(int line, int column, string reason) => new(file, line, column, reason);

        private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
    }
}
