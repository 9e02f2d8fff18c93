using System.Globalization;
using System.Text;

namespace CivicGrid.Energy.Grid.Matpower;

/// <summary>Writes a <see cref="PowerCase"/> as a MATPOWER version 2 case file; numbers round-trip exactly.</summary>
public static class MatpowerWriter
{
    public static void WriteFile(PowerCase powerCase, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, Write(powerCase));
    }

    public static string Write(PowerCase powerCase)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        var sb = new StringBuilder();
        var name = string.IsNullOrWhiteSpace(powerCase.Name) ? "case" : powerCase.Name;
        sb.Append("function mpc = ").Append(name).Append('\n');
        sb.Append("%% written by CivicGrid\n\n%% MATPOWER Case Format : Version 2\nmpc.version = '2';\n\n");
        sb.Append("%% system MVA base\nmpc.baseMVA = ").Append(F(powerCase.BaseMVA)).Append(";\n\n");
        sb.Append("%% bus data\n%\tbus_i\ttype\tPd\tQd\tGs\tBs\tarea\tVm\tVa\tbaseKV\tzone\tVmax\tVmin\nmpc.bus = [\n");
        foreach (var b in powerCase.Buses)
        {
            Row(sb, [b.Number, (int)b.Type, b.PdMW, b.QdMVAr, b.GsMW, b.BsMVAr, b.Area, b.VmPu, b.VaDeg, b.BaseKV, b.Zone, b.VmaxPu, b.VminPu, .. b.Extra]);
        }
        sb.Append("];\n\n%% generator data\n%\tbus\tPg\tQg\tQmax\tQmin\tVg\tmBase\tstatus\tPmax\tPmin\nmpc.gen = [\n");
        foreach (var g in powerCase.Generators)
        {
            Row(sb, [g.Bus, g.PgMW, g.QgMVAr, g.QmaxMVAr, g.QminMVAr, g.VgPu, g.MBaseMVA, g.InService ? 1 : 0, g.PmaxMW, g.PminMW, .. g.Extra]);
        }
        sb.Append("];\n\n%% branch data\n%\tfbus\ttbus\tr\tx\tb\trateA\trateB\trateC\tratio\tangle\tstatus\tangmin\tangmax\nmpc.branch = [\n");
        foreach (var br in powerCase.Branches)
        {
            Row(sb, [br.FromBus, br.ToBus, br.RPu, br.XPu, br.BPu, br.RateAMVA, br.RateBMVA, br.RateCMVA, br.TapRatio, br.ShiftDeg, br.InService ? 1 : 0, br.AngleMinDeg, br.AngleMaxDeg, .. br.Extra]);
        }
        sb.Append("];\n");
        if (powerCase.GeneratorCosts.Count > 0)
        {
            sb.Append("\n%% generator cost data\n%\t1\tstartup\tshutdown\tn\tx1\ty1\t...\n%\t2\tstartup\tshutdown\tn\tc(n-1)\t...\tc0\nmpc.gencost = [\n");
            foreach (var c in powerCase.GeneratorCosts)
            {
                var n = c.Model == CostModel.PiecewiseLinear ? c.Coefficients.Length / 2 : c.Coefficients.Length;
                Row(sb, [(int)c.Model, c.Startup, c.Shutdown, n, .. c.Coefficients]);
            }
            sb.Append("];\n");
        }
        if (powerCase.Areas.Count > 0)
        {
            sb.Append("\n%% area data\nmpc.areas = [\n");
            foreach (var a in powerCase.Areas)
            {
                Row(sb, a);
            }
            sb.Append("];\n");
        }
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, double[] values)
    {
        foreach (var v in values)
        {
            sb.Append('\t').Append(F(v));
        }
        sb.Append(";\n");
    }

    private static string F(double v) => double.IsPositiveInfinity(v) ? "Inf" : double.IsNegativeInfinity(v) ? "-Inf" : double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
}
