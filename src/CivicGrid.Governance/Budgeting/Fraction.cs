using System.Globalization;
using System.Numerics;

namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// An exact rational number (numerator and positive denominator in lowest terms) on
/// <see cref="BigInteger"/>. Money in the budgeting rules is kept in this type so that ties are ties.
/// </summary>
public readonly struct Fraction : IEquatable<Fraction>, IComparable<Fraction>, IComparable
{
    private readonly BigInteger _denominator; // 0 in default(Fraction) means 1

    public Fraction(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A fraction cannot have a zero denominator.");
        }
        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsOne && !g.IsZero)
        {
            numerator /= g;
            denominator /= g;
        }
        Numerator = numerator;
        _denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    private Fraction(BigInteger numerator, BigInteger denominator, bool reduced)
    {
        _ = reduced;
        Numerator = numerator;
        _denominator = denominator;
    }

    public static Fraction Zero => default;

    public static Fraction One => new(BigInteger.One, BigInteger.One, true);

    public BigInteger Numerator { get; }

    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    public int Sign => Numerator.Sign;

    public bool IsZero => Numerator.IsZero;

    public static Fraction FromInteger(BigInteger value) => new(value, BigInteger.One, true);

    public static implicit operator Fraction(long value) => FromInteger(value);

    public static Fraction FromInt64(long value) => FromInteger(value);

    /// <summary>Parses an integer or a plain decimal ("12", "-3.25", "1e3" is rejected) exactly.</summary>
    public static bool TryParseDecimal(string text, out Fraction value)
    {
        value = Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim();
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? s : s[..dot];
        var fracPart = dot < 0 ? string.Empty : s[(dot + 1)..];
        if (intPart.Length + fracPart.Length == 0 || !intPart.All(char.IsAsciiDigit) || !fracPart.All(char.IsAsciiDigit))
        {
            return false;
        }
        var digits = BigInteger.Parse("0" + intPart + fracPart, NumberStyles.None, CultureInfo.InvariantCulture);
        var scale = BigInteger.Pow(10, fracPart.Length);
        value = new Fraction(negative ? -digits : digits, scale);
        return true;
    }

    public static Fraction operator +(Fraction a, Fraction b)
    {
        if (a.Denominator == b.Denominator)
        {
            return new Fraction(a.Numerator + b.Numerator, a.Denominator);
        }
        return new Fraction((a.Numerator * b.Denominator) + (b.Numerator * a.Denominator), a.Denominator * b.Denominator);
    }

    public static Fraction operator -(Fraction a, Fraction b)
    {
        if (a.Denominator == b.Denominator)
        {
            return new Fraction(a.Numerator - b.Numerator, a.Denominator);
        }
        return new Fraction((a.Numerator * b.Denominator) - (b.Numerator * a.Denominator), a.Denominator * b.Denominator);
    }

    public static Fraction operator -(Fraction a) => new(-a.Numerator, a.Denominator, true);

    public static Fraction operator *(Fraction a, Fraction b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Fraction operator /(Fraction a, Fraction b)
    {
        if (b.IsZero)
        {
            throw new DivideByZeroException();
        }
        return new Fraction(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
    }

    public static Fraction Add(Fraction a, Fraction b) => a + b;

    public static Fraction Subtract(Fraction a, Fraction b) => a - b;

    public static Fraction Multiply(Fraction a, Fraction b) => a * b;

    public static Fraction Divide(Fraction a, Fraction b) => a / b;

    public static Fraction Negate(Fraction a) => -a;

    public static Fraction Min(Fraction a, Fraction b) => a <= b ? a : b;

    public static Fraction Max(Fraction a, Fraction b) => a >= b ? a : b;

    public int CompareTo(Fraction other)
    {
        if (Denominator == other.Denominator)
        {
            return Numerator.CompareTo(other.Numerator);
        }
        return (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);
    }

    public int CompareTo(object? obj) => obj is Fraction f ? CompareTo(f) : throw new ArgumentException("Not a Fraction.", nameof(obj));

    public bool Equals(Fraction other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is Fraction f && Equals(f);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    public static bool operator ==(Fraction a, Fraction b) => a.Equals(b);

    public static bool operator !=(Fraction a, Fraction b) => !a.Equals(b);

    public static bool operator <(Fraction a, Fraction b) => a.CompareTo(b) < 0;

    public static bool operator >(Fraction a, Fraction b) => a.CompareTo(b) > 0;

    public static bool operator <=(Fraction a, Fraction b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Fraction a, Fraction b) => a.CompareTo(b) >= 0;

    /// <summary>The nearest double (correctly rounded for values whose parts fit a double exactly).</summary>
    public double ToDouble()
    {
        var n = Numerator;
        var d = Denominator;
        if (BigInteger.Abs(n) < Limit && d < Limit)
        {
            return (double)n / (double)d;
        }
        // Scale so that the quotient keeps 64 significant bits, then divide.
        var shift = (long)(n.IsZero ? 0 : n.GetBitLength()) - (long)d.GetBitLength() - 64;
        var q = shift >= 0 ? n / (d << (int)shift) : (n << (int)-shift) / d;
        return Math.ScaleB((double)q, (int)shift);
    }

    private static readonly BigInteger Limit = BigInteger.One << 53;

    public override string ToString() =>
        Denominator.IsOne
            ? Numerator.ToString(CultureInfo.InvariantCulture)
            : Numerator.ToString(CultureInfo.InvariantCulture) + "/" + Denominator.ToString(CultureInfo.InvariantCulture);

    /// <summary>Decimal rendering with at most <paramref name="digits"/> fraction digits (for display only).</summary>
    public string ToDecimalString(int digits = 2) => ToDouble().ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
