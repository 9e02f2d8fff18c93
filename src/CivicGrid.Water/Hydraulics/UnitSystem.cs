using CivicGrid.Water.Model;

namespace CivicGrid.Water.Hydraulics;

/// <summary>
/// Conversion factors between a file's units and the solver's working units. The solver works in feet, cubic
/// feet per second and seconds because EPANET's numerical safeguards (the minimum head-loss gradient, status
/// tolerances, barrier functions, the big and small coefficients) are defined in those units; working in the same
/// units is what makes iteration counts and status changes match EPANET. Every public result is converted to SI
/// or to the file's units at the edge.
/// </summary>
public sealed class UnitSystem
{
    public const double MetersPerFoot = 0.3048;
    public const double CubicMetersPerCubicFoot = 0.028316846592;
    private const double PsiPerFoot = 0.4333;
    private const double KpaPerPsi = 6.895;

    public UnitSystem(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IsSi = options.IsSi;
        Flow = options.Units switch
        {
            FlowUnits.Cfs => 1.0,
            FlowUnits.Gpm => 448.831,
            FlowUnits.Mgd => 0.64632,
            FlowUnits.Imgd => 0.5382,
            FlowUnits.Afd => 1.9837,
            FlowUnits.Lps => 28.317,
            FlowUnits.Lpm => 1699.0,
            FlowUnits.Mld => 2.4466,
            FlowUnits.Cmh => 101.94,
            FlowUnits.Cmd => 2446.6,
            FlowUnits.Cms => 0.028317,
            _ => 1.0,
        };
        Length = IsSi ? MetersPerFoot : 1.0;
        Diameter = IsSi ? 1000 * MetersPerFoot : 12.0;
        Volume = IsSi ? 0.028317 : 1.0;
        Power = IsSi ? 0.7457 : 1.0;
        var sg = options.SpecificGravity;
        var pressureUnits = options.Pressure;
        if (pressureUnits == PressureUnits.Default)
        {
            pressureUnits = IsSi ? PressureUnits.Meters : PressureUnits.Psi;
        }
        Pressure = pressureUnits switch
        {
            PressureUnits.Psi => PsiPerFoot * sg,
            PressureUnits.Kpa => KpaPerPsi * PsiPerFoot * sg,
            PressureUnits.Bar => 0.01 * KpaPerPsi * PsiPerFoot * sg,
            PressureUnits.Feet => sg,
            _ => MetersPerFoot * sg,
        };
        PressureUnitName = pressureUnits.ToString().ToLowerInvariant();
        FlowUnitName = options.Units.ToString().ToLowerInvariant();
    }

    public bool IsSi { get; }
    /// <summary>File flow units per cfs.</summary>
    public double Flow { get; }
    /// <summary>File length/elevation units per foot.</summary>
    public double Length { get; }
    /// <summary>File diameter units per foot.</summary>
    public double Diameter { get; }
    /// <summary>File volume units per cubic foot.</summary>
    public double Volume { get; }
    /// <summary>File power units per horsepower.</summary>
    public double Power { get; }
    /// <summary>File pressure units per foot of water.</summary>
    public double Pressure { get; }
    public string PressureUnitName { get; }
    public string FlowUnitName { get; }
}
