namespace CivicGrid.Mobility.Charging;

/// <summary>
/// One electric-vehicle trip that ends at a charging site: the vehicle leaves home with
/// <see cref="DepartureStateOfCharge"/>, drives <see cref="TripDistanceKilometres"/>, parks at the site from
/// <see cref="ArrivalMinute"/> to <see cref="LeaveMinute"/> (minutes from the start of the horizon) and wants
/// <see cref="TargetStateOfCharge"/> when it leaves.
/// </summary>
public sealed record EvTrip(
    string VehicleId,
    string SiteId,
    int ArrivalMinute,
    int LeaveMinute,
    double TripDistanceKilometres,
    double DepartureStateOfCharge,
    double BatteryKilowattHours,
    double ConsumptionKilowattHoursPerKilometre,
    double TargetStateOfCharge,
    double MaxChargePowerKilowatts);

/// <summary>
/// A parked vehicle's charging need: it can charge in slots <c>[FirstSlot, EndSlot)</c>, arrives with
/// <see cref="ArrivalStateOfCharge"/> and needs <see cref="EnergyNeededKilowattHours"/> to reach its target.
/// </summary>
public sealed record ChargingSession(
    string VehicleId,
    string SiteId,
    int FirstSlot,
    int EndSlot,
    double ArrivalStateOfCharge,
    double EnergyNeededKilowattHours,
    double BatteryKilowattHours,
    double MaxChargePowerKilowatts);

/// <summary>Turns trips into charging sessions on a slotted horizon.</summary>
public static class ChargingDemandModel
{
    /// <summary>
    /// Arrival state of charge = departure SoC − distance · consumption / battery (a vehicle cannot arrive below 0);
    /// energy needed = (target − arrival SoC) · battery, never negative. Charging starts at the first whole slot after
    /// arrival and ends at the last whole slot before leaving, clipped to the horizon.
    /// </summary>
    public static IReadOnlyList<ChargingSession> FromTrips(IEnumerable<EvTrip> trips, int slotMinutes, int slots)
    {
        ArgumentNullException.ThrowIfNull(trips);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotMinutes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        var sessions = new List<ChargingSession>();
        foreach (var t in trips)
        {
            Validate(t);
            var arrivalSoc = Math.Max(0, t.DepartureStateOfCharge - (t.TripDistanceKilometres * t.ConsumptionKilowattHoursPerKilometre / t.BatteryKilowattHours));
            var need = Math.Max(0, t.TargetStateOfCharge - arrivalSoc) * t.BatteryKilowattHours;
            var first = Math.Clamp((t.ArrivalMinute + slotMinutes - 1) / slotMinutes, 0, slots);
            var end = Math.Clamp(t.LeaveMinute / slotMinutes, first, slots);
            sessions.Add(new ChargingSession(t.VehicleId, t.SiteId, first, end, arrivalSoc, need, t.BatteryKilowattHours, t.MaxChargePowerKilowatts));
        }
        return sessions;
    }

    private static void Validate(EvTrip t)
    {
        ArgumentNullException.ThrowIfNull(t);
        static void Require(bool ok, EvTrip t, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"trip of vehicle '{t.VehicleId}': {what}");
            }
        }
        Require(t.LeaveMinute >= t.ArrivalMinute && t.ArrivalMinute >= 0, t, "it must arrive at or after minute 0 and leave after it arrives");
        Require(t.BatteryKilowattHours > 0, t, "battery capacity must be positive");
        Require(t.MaxChargePowerKilowatts > 0, t, "charge power must be positive");
        Require(t.TripDistanceKilometres >= 0 && t.ConsumptionKilowattHoursPerKilometre >= 0, t, "distance and consumption must not be negative");
        Require(t.DepartureStateOfCharge is >= 0 and <= 1 && t.TargetStateOfCharge is >= 0 and <= 1, t, "states of charge are fractions between 0 and 1");
    }
}
