using CivicGrid.Water.Model;

namespace CivicGrid.Water.Quality;

// Transport, sources and reactions over one quality time step (EPANET's qualroute.c and qualreact.c).
public sealed partial class WaterQualitySimulation
{
    private void Transport(long hydraulicTime, long tstep)
    {
        if (_reactive)
        {
            ReactPipes(tstep);
            ReactTanks(tstep);
        }
        for (var j = 0; j < _nodeCount; j++)
        {
            var n = _sorted[j];
            double volIn = 0.0, massIn = 0.0, volOut = 0.0;
            for (var p = _adjStart[n]; p < _adjStart[n + 1]; p++)
            {
                var k = _adjLink[p];
                var downstream = _flowDir[k] < 0 ? _net.From[k] : _net.To[k];
                if (downstream == n)
                {
                    NodeInflow(k, tstep, ref volIn, ref massIn);
                }
                else
                {
                    volOut += Math.Abs(_flow[k]);
                }
            }
            if (n < _junctionCount)
            {
                volOut += Math.Max(0.0, _demand[n]);
            }
            volOut *= tstep;
            var c = NodeOutflowQuality(hydraulicTime, n, volIn, massIn, volOut, tstep);
            for (var p = _adjStart[n]; p < _adjStart[n + 1]; p++)
            {
                var k = _adjLink[p];
                var upstream = _flowDir[k] < 0 ? _net.To[k] : _net.From[k];
                if (upstream == n)
                {
                    ReleaseIntoLink(k, c, tstep);
                }
            }
            UpdateMassBalance(n, massIn, volOut, tstep);
        }
    }

    private void NodeInflow(int k, long tstep, ref double volIn, ref double massIn)
    {
        var v = Math.Abs(_flow[k]) * tstep;
        while (v > 0.0)
        {
            var seg = _first[k];
            if (seg < 0)
            {
                break;
            }
            var vseg = Math.Min(_segV[seg], v);
            volIn += vseg;
            massIn += vseg * _segC[seg];
            v -= vseg;
            if (v >= 0.0 && vseg >= _segV[seg])
            {
                _first[k] = _segPrev[seg];
                if (_first[k] < 0)
                {
                    _last[k] = -1;
                }
                FreeSegment(seg);
            }
            else
            {
                _segV[seg] -= vseg;
            }
        }
    }

    private double NodeOutflowQuality(long hydraulicTime, int n, double volIn, double massIn, double volOut, long tstep)
    {
        if (n < _junctionCount)
        {
            volIn -= Math.Min(0.0, _demand[n]) * tstep;
            if (volIn > 0.0)
            {
                _nodeQuality[n] = massIn / volIn;
            }
            else if (_reactive)
            {
                _nodeQuality[n] = NoFlowQuality(n);
            }
        }
        else if (IsTank(n))
        {
            _nodeQuality[n] = MixTank(n - _junctionCount, volIn, massIn, volOut);
        }
        _sourceQual = 0.0;
        if (_kind == QualityType.Trace)
        {
            if (n == _traceNode)
            {
                _sourceQual = IsReservoir(n) ? 100.0 : Math.Max(100.0 - _nodeQuality[n], 0.0);
                _nodeQuality[n] = 100.0;
            }
            return _nodeQuality[n];
        }
        _sourceQual = SourceQuality(hydraulicTime, n, volOut, tstep);
        if (_sourceQual == 0.0)
        {
            return _nodeQuality[n];
        }
        if (n < _junctionCount)
        {
            _nodeQuality[n] += _sourceQual;
            return _nodeQuality[n];
        }
        if (IsTank(n))
        {
            return _nodeQuality[n] + _sourceQual;
        }
        _nodeQuality[n] = _sourceQual;
        return _sourceQual;
    }

    // A junction without inflow takes the average of the adjoining segments (reactive constituents only).
    private double NoFlowQuality(int n)
    {
        var c = 0.0;
        var count = 0;
        for (var p = _adjStart[n]; p < _adjStart[n + 1]; p++)
        {
            var k = _adjLink[p];
            var dir = _flowDir[k];
            var inflow = (_net.To[k] == n && dir >= 0) || (_net.From[k] == n && dir < 0);
            if (inflow && _first[k] >= 0)
            {
                c += _segC[_first[k]];
                count++;
            }
            else if (!inflow && _last[k] >= 0)
            {
                c += _segC[_last[k]];
                count++;
            }
        }
        return count > 0 ? c / count : 0.0;
    }

    private double SourceQuality(long hydraulicTime, int n, double volOut, long tstep)
    {
        if (_kind != QualityType.Chemical || !_hasSource[n] || _sourceStrength[n] == 0.0 || volOut / tstep <= StagnantFlow)
        {
            return 0.0;
        }
        var type = _sourceType[n];
        var c = type == SourceType.Mass ? _sourceStrength[n] / 60.0 : _sourceStrength[n] / _qualityFactor;
        var pat = _sourcePattern[n];
        if (pat >= 0)
        {
            var factors = _net.Patterns[pat];
            c *= factors[(int)((hydraulicTime + _net.PatternStart) / _net.PatternStep % factors.Length)];
        }
        switch (type)
        {
            case SourceType.Concen:
                if (n < _junctionCount)
                {
                    c = _demand[n] < 0.0 ? -c * _demand[n] * tstep / volOut : 0.0;
                }
                break;
            case SourceType.Mass:
                c = c * tstep / volOut;
                break;
            case SourceType.Setpoint:
                c = Math.Max(c - _nodeQuality[n], 0.0);
                break;
            default:
                break;
        }
        _sourceMass[n] += c * volOut;
        return c;
    }

    private void ReleaseIntoLink(int k, double c, long tstep)
    {
        var v = Math.Abs(_flow[k]) * tstep;
        if (v == 0.0)
        {
            return;
        }
        var seg = _last[k];
        if (seg >= 0 && Math.Abs(_segC[seg] - c) < _tolerance)
        {
            _segC[seg] = ((_segC[seg] * _segV[seg]) + (c * v)) / (_segV[seg] + v);
            _segV[seg] += v;
        }
        else
        {
            AddSegment(k, v, c);
        }
    }

    private void UpdateMassBalance(int n, double massIn, double volOut, long tstep)
    {
        double lost = 0.0, added = 0.0;
        if (n < _junctionCount)
        {
            lost = Math.Max(0.0, _demand[n]) * tstep * _nodeQuality[n];
            added = _sourceQual * volOut;
        }
        else if (IsReservoir(n))
        {
            lost = massIn;
            added = _sourceQual > 0.0 ? _sourceQual * volOut : _nodeQuality[n] * volOut;
        }
        else
        {
            added = _sourceQual * volOut;
        }
        _massOut += lost;
        _massIn += added;
    }

    // ---- reactions -----------------------------------------------------------------------------

    private void RateCoefficients()
    {
        for (var k = 0; k < _linkCount; k++)
        {
            _wallRate[k] = _wall[k] != 0.0 ? PipeRate(k) : 0.0;
        }
    }

    // Wall reaction rate of a pipe limited by mass transfer to the wall (Notter–Sleicher / Graetz Sherwood numbers).
    private double PipeRate(int k)
    {
        var d = _net.Diameter[k];
        if (_schmidt == 0.0)
        {
            return _wallOrder == 0.0 ? Big : _wall[k] * (4.0 / d) / _lengthFactor;
        }
        var a = Pi * d * d / 4.0;
        var u = Math.Abs(_flow[k]) / a;
        var re = u * d / _net.Viscosity;
        double sh;
        if (re < 1.0)
        {
            sh = 2.0;
        }
        else if (re >= 2300.0)
        {
            sh = 0.0149 * Math.Pow(re, 0.88) * Math.Pow(_schmidt, 0.333);
        }
        else
        {
            var y = d / _net.Length[k] * re * _schmidt;
            sh = 3.65 + (0.0668 * y / (1.0 + (0.04 * Math.Pow(y, 0.667))));
        }
        var kf = sh * _diffusivity / d;
        if (_wallOrder == 0.0)
        {
            return kf;
        }
        var kw = _wall[k] / _lengthFactor;
        return 4.0 / d * kw * kf / (kf + Math.Abs(kw));
    }

    private void ReactPipes(long dt)
    {
        for (var k = 0; k < _linkCount; k++)
        {
            if (!_isPipe[k])
            {
                continue;
            }
            for (var s = _first[k]; s >= 0; s = _segPrev[s])
            {
                var c = _segC[s];
                _segC[s] = PipeReact(k, c, dt);
                _massReacted += (c - _segC[s]) * _segV[s];
            }
        }
    }

    private void ReactTanks(long dt)
    {
        for (var t = 0; t < _tankQuality.Length; t++)
        {
            if (_net.TankArea[t] == 0.0)
            {
                continue;
            }
            for (var s = _first[_linkCount + t]; s >= 0; s = _segPrev[s])
            {
                var c = _segC[s];
                var dc = _kind == QualityType.Age ? dt / 3600.0 : BulkRate(c, _tankBulk[t], _tankOrder) * _tankUnits * dt;
                _segC[s] = Math.Max(0.0, c + dc);
                _massReacted += (c - _segC[s]) * _segV[s];
            }
        }
    }

    private double PipeReact(int k, double c, long dt)
    {
        if (_kind == QualityType.Age)
        {
            return Math.Max(0.0, c + (dt / 3600.0));
        }
        var rbulk = BulkRate(c, _bulk[k], _bulkOrder) * _bulkUnits;
        var rwall = WallRate(c, _net.Diameter[k], _wall[k], _wallRate[k]);
        return Math.Max(0.0, c + (rbulk * dt) + (rwall * dt));
    }

    private double BulkRate(double c, double kb, double order)
    {
        if (order == 0.0)
        {
            c = 1.0;
        }
        else if (order < 0.0)
        {
            // Michaelis–Menten kinetics.
            var c1 = _limit + (Sgn(kb) * c);
            if (Math.Abs(c1) < Tiny)
            {
                c1 = Sgn(c1) * Tiny;
            }
            c /= c1;
        }
        else
        {
            var c1 = _limit == 0.0 ? c : Math.Max(0.0, Sgn(kb) * (_limit - c));
            c = order == 1.0 ? c1 : order == 2.0 ? c1 * c : c1 * Math.Pow(Math.Max(0.0, c), order - 1.0);
        }
        if (c < 0)
        {
            c = 0;
        }
        return kb * c;
    }

    private double WallRate(double c, double d, double kw, double kf)
    {
        if (kw == 0.0 || d == 0.0)
        {
            return 0.0;
        }
        if (_wallOrder == 0.0)
        {
            kf = Sgn(kw) * c * kf;
            kw *= _lengthFactor * _lengthFactor;
            if (Math.Abs(kf) < Math.Abs(kw))
            {
                kw = kf;
            }
            return kw * 4.0 / d;
        }
        return c * kf;
    }

    // ---- tanks ---------------------------------------------------------------------------------

    private double MixTank(int t, double volIn, double massIn, double volOut)
    {
        var vnet = volIn - volOut;
        switch (_mixModel[t])
        {
            case MixingModel.TwoCompartment:
                MixTwoCompartment(t, volIn, massIn, vnet);
                break;
            case MixingModel.Fifo:
                MixFifo(t, volIn, massIn, vnet);
                break;
            case MixingModel.Lifo:
                MixLifo(t, volIn, massIn, vnet);
                break;
            default:
                MixComplete(t, volIn, massIn, vnet);
                break;
        }
        return _tankQuality[t];
    }

    private void MixComplete(int t, double vin, double win, double vnet)
    {
        var seg = _first[_linkCount + t];
        if (seg < 0)
        {
            return;
        }
        var vnew = _segV[seg] + vin;
        if (vnew > 0.0)
        {
            _segC[seg] = ((_segC[seg] * _segV[seg]) + win) / vnew;
        }
        _segV[seg] = Math.Max(0.0, _segV[seg] + vnet);
        _tankQuality[t] = _segC[seg];
    }

    private void MixTwoCompartment(int t, double vin, double win, double vnet)
    {
        var chain = _linkCount + t;
        var mix = _last[chain];
        var stag = _first[chain];
        if (mix < 0 || stag < 0)
        {
            return;
        }
        var vmz = _mixVolume[t];
        var vt = 0.0;
        if (vnet > 0.0)
        {
            vt = Math.Max(0.0, _segV[mix] + vnet - vmz);
            if (vin > 0.0)
            {
                _segC[mix] = ((_segC[mix] * _segV[mix]) + win) / (_segV[mix] + vin);
            }
            if (vt > 0.0)
            {
                _segC[stag] = ((_segC[stag] * _segV[stag]) + (_segC[mix] * vt)) / (_segV[stag] + vt);
            }
        }
        else if (vnet < 0.0)
        {
            if (_segV[stag] > 0.0)
            {
                vt = Math.Min(_segV[stag], -vnet);
            }
            if (vin + vt > 0.0)
            {
                _segC[mix] = ((_segC[mix] * _segV[mix]) + win + (_segC[stag] * vt)) / (_segV[mix] + vin + vt);
            }
        }
        if (vt > 0.0)
        {
            _segV[mix] = vmz;
            _segV[stag] = vnet > 0.0 ? _segV[stag] + vt : Math.Max(0.0, _segV[stag] - vt);
        }
        else
        {
            _segV[mix] = Math.Max(0.0, Math.Min(_segV[mix] + vnet, vmz));
            _segV[stag] = 0.0;
        }
        _tankQuality[t] = _segC[mix];
    }

    private void MixFifo(int t, double vin, double win, double vnet)
    {
        var chain = _linkCount + t;
        if (_last[chain] < 0 || _first[chain] < 0)
        {
            return;
        }
        if (vin > 0.0)
        {
            var cin = win / vin;
            var seg = _last[chain];
            if (Math.Abs(_segC[seg] - cin) < _tolerance)
            {
                _segV[seg] += vin;
            }
            else
            {
                AddSegment(chain, vin, cin);
            }
        }
        double vsum = 0.0, wsum = 0.0;
        var vout = vin - vnet;
        while (vout > 0.0)
        {
            var seg = _first[chain];
            if (seg < 0)
            {
                break;
            }
            var vseg = Math.Min(_segV[seg], vout);
            if (seg == _last[chain])
            {
                vseg = vout;
            }
            vsum += vseg;
            wsum += _segC[seg] * vseg;
            vout -= vseg;
            if (vout >= 0.0 && vseg >= _segV[seg])
            {
                if (_segPrev[seg] >= 0)
                {
                    _first[chain] = _segPrev[seg];
                    FreeSegment(seg);
                }
            }
            else
            {
                _segV[seg] -= vseg;
            }
        }
        _tankQuality[t] = vsum > 0.0 ? wsum / vsum : _first[chain] < 0 ? 0.0 : _segC[_first[chain]];
    }

    private void MixLifo(int t, double vin, double win, double vnet)
    {
        var chain = _linkCount + t;
        if (_last[chain] < 0 || _first[chain] < 0)
        {
            return;
        }
        var cin = vin > 0.0 ? win / vin : 0.0;
        _tankQuality[t] = _segC[_last[chain]];
        var seg = _last[chain];
        if (vnet > 0.0)
        {
            if (Math.Abs(_segC[seg] - cin) < _tolerance)
            {
                _segV[seg] += vnet;
            }
            else
            {
                AddSegment(chain, vnet, cin);
            }
            _tankQuality[t] = _segC[_last[chain]];
        }
        else if (vnet < 0.0)
        {
            double vsum = 0.0, wsum = 0.0;
            vnet = -vnet;
            ReverseSegments(chain);
            while (vnet > 0.0)
            {
                seg = _first[chain];
                if (seg < 0)
                {
                    break;
                }
                var vseg = Math.Min(_segV[seg], vnet);
                if (seg == _last[chain])
                {
                    vseg = vnet;
                }
                vsum += vseg;
                wsum += _segC[seg] * vseg;
                vnet -= vseg;
                if (vnet >= 0.0 && vseg >= _segV[seg])
                {
                    if (_segPrev[seg] >= 0)
                    {
                        _first[chain] = _segPrev[seg];
                        FreeSegment(seg);
                    }
                }
                else
                {
                    _segV[seg] -= vseg;
                }
            }
            ReverseSegments(chain);
            _tankQuality[t] = (wsum + win) / (vsum + vin);
        }
    }
}
