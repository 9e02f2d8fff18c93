using System.Globalization;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.PowerFlow;

namespace CivicGrid.Energy.Market;

/// <summary>
/// Full AC power-flow check of a set of trades: the trades' net injection per bus is applied to the case's loads,
/// Newton–Raphson is solved, and every rated line must stay within rate A (or not exceed its base-case loading if
/// the base case already overloads it) and every bus voltage within its limits (or not further out than in the base
/// case).
/// </summary>
public static class MarketGridCheck
{
    /// <summary>Relative slack on ratings and absolute slack on voltages (pu) before a violation is reported.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>
    /// Relative slack on a line the base case already loads beyond rate A: any trade shifts its reactive flow a
    /// little, so "no worse than before trading" is held to 0.2 % of its base loading.
    /// </summary>
    public const double PreOverloadedTolerance = 2e-3;

    /// <summary>Slack (pu) on a bus whose base-case voltage is already outside its limits.</summary>
    public const double PreViolatedVoltageTolerancePu = 1e-4;

    public sealed record Outcome(
        bool Converged,
        IReadOnlyList<(int Branch, double LoadingRatio)> OverloadedBranches,
        IReadOnlyList<(int BusRow, bool Low)> VoltageBuses,
        IReadOnlyList<string> Violations,
        double MaxLoadingRatio)
    {
        public bool Passed => Converged && Violations.Count == 0;
    }

    /// <summary>Applies net injections (MW per bus row, positive = trades inject) to a copy of the case.</summary>
    public static PowerCase WithInjections(PowerCase powerCase, IReadOnlyList<double> netInjectionMW)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        ArgumentNullException.ThrowIfNull(netInjectionMW);
        var copy = new PowerCase { Name = powerCase.Name, BaseMVA = powerCase.BaseMVA };
        for (var i = 0; i < powerCase.Buses.Count; i++)
        {
            var b = powerCase.Buses[i];
            copy.Buses.Add(new Bus
            {
                Number = b.Number, Type = b.Type, PdMW = b.PdMW - netInjectionMW[i], QdMVAr = b.QdMVAr, GsMW = b.GsMW, BsMVAr = b.BsMVAr,
                Area = b.Area, VmPu = b.VmPu, VaDeg = b.VaDeg, BaseKV = b.BaseKV, Zone = b.Zone, VmaxPu = b.VmaxPu, VminPu = b.VminPu,
            });
        }
        copy.Generators.AddRange(powerCase.Generators);
        copy.Branches.AddRange(powerCase.Branches);
        copy.GeneratorCosts.AddRange(powerCase.GeneratorCosts);
        return copy;
    }

    public static Outcome Check(PowerCase powerCase, PowerFlowResult acBase, IReadOnlyList<double> netInjectionMW)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        ArgumentNullException.ThrowIfNull(acBase);
        var r = AcPowerFlow.Solve(WithInjections(powerCase, netInjectionMW));
        if (!r.Converged)
        {
            return new Outcome(false, [], [], ["AC power flow did not converge"], double.NaN);
        }
        var over = new List<(int, double)>();
        var volt = new List<(int, bool)>();
        var msgs = new List<string>();
        var maxRatio = 0.0;
        for (var l = 0; l < powerCase.Branches.Count; l++)
        {
            var br = powerCase.Branches[l];
            if (!br.InService || br.RateAMVA <= 0)
            {
                continue;
            }
            var s = Math.Max(Math.Sqrt(r.PfMW[l] * r.PfMW[l] + r.QfMVAr[l] * r.QfMVAr[l]), Math.Sqrt(r.PtMW[l] * r.PtMW[l] + r.QtMVAr[l] * r.QtMVAr[l]));
            var s0 = Math.Max(Math.Sqrt(acBase.PfMW[l] * acBase.PfMW[l] + acBase.QfMVAr[l] * acBase.QfMVAr[l]), Math.Sqrt(acBase.PtMW[l] * acBase.PtMW[l] + acBase.QtMVAr[l] * acBase.QtMVAr[l]));
            var limit = Math.Max(br.RateAMVA, s0);
            maxRatio = Math.Max(maxRatio, s / br.RateAMVA);
            if (s > limit * (1 + (s0 > br.RateAMVA ? PreOverloadedTolerance : Tolerance)))
            {
                over.Add((l, s / limit));
                msgs.Add(string.Create(CultureInfo.InvariantCulture, $"line {br.FromBus}-{br.ToBus} at {s:0.##} MVA > {limit:0.##}"));
            }
        }
        for (var i = 0; i < powerCase.Buses.Count; i++)
        {
            var b = powerCase.Buses[i];
            if (b.Type == BusType.Isolated || b.VmaxPu <= 0)
            {
                continue;
            }
            var lo = acBase.VmPu[i] < b.VminPu ? acBase.VmPu[i] - PreViolatedVoltageTolerancePu : b.VminPu - Tolerance;
            var hi = acBase.VmPu[i] > b.VmaxPu ? acBase.VmPu[i] + PreViolatedVoltageTolerancePu : b.VmaxPu + Tolerance;
            if (r.VmPu[i] < lo || r.VmPu[i] > hi)
            {
                volt.Add((i, r.VmPu[i] < lo));
                msgs.Add(string.Create(CultureInfo.InvariantCulture, $"bus {b.Number} at {r.VmPu[i]:0.####} pu outside [{lo:0.###}, {hi:0.###}]"));
            }
        }
        return new Outcome(true, over, volt, msgs, maxRatio);
    }
}
