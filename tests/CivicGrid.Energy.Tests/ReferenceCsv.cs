using System.Globalization;
using CivicGrid.Energy.Grid.Matpower;

namespace CivicGrid.Energy.Tests;

/// <summary>Reads the reference CSV files of the shared validation data.</summary>
internal static class ReferenceCsv
{
    public static List<double[]> Rows(string path, bool header = true) =>
        File.ReadAllLines(path).Skip(header ? 1 : 0).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToList();

    /// <summary>Rebuilds a case from MATPOWER's stored solution tables (bus, gen, branch rows in case format).</summary>
    public static PowerCase CaseFromSolution(string prefix)
    {
        var pc = new PowerCase { Name = "t_case9", BaseMVA = 100 };
        foreach (var r in Rows(prefix + "_bus_soln.csv", header: false))
        {
            pc.Buses.Add(new Bus
            {
                Number = (int)r[0], Type = (BusType)(int)r[1], PdMW = r[2], QdMVAr = r[3], GsMW = r[4], BsMVAr = r[5], Area = (int)r[6],
                VmPu = 1, VaDeg = 0, BaseKV = r[9], Zone = (int)r[10], VmaxPu = r[11], VminPu = r[12],
            });
        }
        foreach (var r in Rows(prefix + "_gen_soln.csv", header: false))
        {
            pc.Generators.Add(new Generator
            {
                Bus = (int)r[0], PgMW = r[1], QgMVAr = 0, QmaxMVAr = r[3], QminMVAr = r[4], VgPu = r[5], MBaseMVA = r[6], InService = r[7] > 0,
                PmaxMW = r[8], PminMW = r[9],
            });
        }
        foreach (var r in Rows(prefix + "_branch_soln.csv", header: false))
        {
            pc.Branches.Add(new Branch
            {
                FromBus = (int)r[0], ToBus = (int)r[1], RPu = r[2], XPu = r[3], BPu = r[4], RateAMVA = r[5], RateBMVA = r[6], RateCMVA = r[7],
                TapRatio = r[8], ShiftDeg = r[9], InService = r[10] > 0, AngleMinDeg = r[11], AngleMaxDeg = r[12],
            });
        }
        return pc;
    }
}
