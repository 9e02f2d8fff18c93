using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.PowerFlow;

namespace CivicGrid.Energy.Market;

/// <summary>
/// Line headroom bookkeeping for bilateral trades: a trade of q kWh from bus n to bus m changes the DC flow of line l
/// by q·k·(PTDF[l,n] − PTDF[l,m]) MW; trades are admitted only up to the largest quantity that keeps every rated line
/// within rate A (or no worse than its base flow).
/// </summary>
public sealed class TransferLimiter
{
    private readonly PowerTransferDistribution _ptdf;
    private readonly Dictionary<int, int> _busIndex;
    private readonly int[] _rated;
    private readonly double[] _flow;
    private readonly double[] _limit;
    private readonly double _mwPerKWh;

    public TransferLimiter(PowerCase powerCase, double intervalHours = 0.25)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        _ptdf = PowerTransferDistribution.Build(powerCase);
        _busIndex = powerCase.BusIndex();
        _mwPerKWh = 1.0 / (1000.0 * intervalHours);
        var baseFlow = DcPowerFlow.Solve(powerCase).PfMW;
        var net = _ptdf.Network;
        _rated = Enumerable.Range(0, net.ActiveBranches.Length).Where(a => powerCase.Branches[net.ActiveBranches[a]].RateAMVA > 0).ToArray();
        _flow = _rated.Select(a => baseFlow[net.ActiveBranches[a]]).ToArray();
        _limit = _rated.Select((a, i) => Math.Max(powerCase.Branches[net.ActiveBranches[a]].RateAMVA, Math.Abs(_flow[i]))).ToArray();
    }

    /// <summary>True when the case has the bus (MATPOWER number).</summary>
    public bool HasBus(int bus) => _busIndex.ContainsKey(bus);

    /// <summary>Largest kWh that can flow from <paramref name="fromBus"/> to <paramref name="toBus"/> now.</summary>
    public double MaxTransferKWh(int fromBus, int toBus)
    {
        int n = _busIndex[fromBus], m = _busIndex[toBus];
        var max = double.PositiveInfinity;
        for (var i = 0; i < _rated.Length; i++)
        {
            var d = _mwPerKWh * (_ptdf.Factor(_rated[i], n) - _ptdf.Factor(_rated[i], m));
            if (d > 1e-15)
            {
                max = Math.Min(max, Math.Max(0, (_limit[i] - _flow[i]) / d));
            }
            else if (d < -1e-15)
            {
                max = Math.Min(max, Math.Max(0, (-_limit[i] - _flow[i]) / d));
            }
        }
        return max;
    }

    /// <summary>Records an admitted trade.</summary>
    public void Apply(int fromBus, int toBus, double kWh)
    {
        int n = _busIndex[fromBus], m = _busIndex[toBus];
        for (var i = 0; i < _rated.Length; i++)
        {
            _flow[i] += kWh * _mwPerKWh * (_ptdf.Factor(_rated[i], n) - _ptdf.Factor(_rated[i], m));
        }
    }
}
