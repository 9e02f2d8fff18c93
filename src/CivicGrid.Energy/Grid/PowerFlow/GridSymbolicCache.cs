using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Numerics.Ordering;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>
/// Symbolic analysis kept between power flows on one admittance pattern: the bus graph's fill-reducing order and a
/// few Newton workspaces (one per set of bus types, since reactive-limit enforcement changes them). A workspace is
/// lent to one solve at a time, so concurrent solves on the same model stay independent.
/// </summary>
internal sealed class GridSymbolicCache
{
    private const int MaxWorkspaces = 4;
    private readonly Lock _gate = new();
    private readonly List<NewtonWorkspace> _idle = [];
    private int[]? _busOrder;

    public int[] BusOrder(CompressedColumnMatrix yPattern)
    {
        var order = Volatile.Read(ref _busOrder);
        if (order is null)
        {
            order = MinimumDegreeOrdering.Compute(yPattern);
            Volatile.Write(ref _busOrder, order);
        }
        return order;
    }

    public NewtonWorkspace? TakeNewtonWorkspace(BusType[] types)
    {
        lock (_gate)
        {
            for (var k = 0; k < _idle.Count; k++)
            {
                if (_idle[k].Matches(types))
                {
                    var ws = _idle[k];
                    _idle.RemoveAt(k);
                    return ws;
                }
            }
        }
        return null;
    }

    public void ReturnNewtonWorkspace(NewtonWorkspace workspace)
    {
        lock (_gate)
        {
            if (_idle.Count >= MaxWorkspaces)
            {
                _idle.RemoveAt(0);
            }
            _idle.Add(workspace);
        }
    }
}
