namespace CivicGrid.Water.Inp;

/// <summary>
/// A malformed <c>.inp</c> file: names the file, line, column (1-based; 0 when unknown), EPANET's error code
/// (200-series input errors) and the reason.
/// </summary>
public sealed class InpFormatException : Exception
{
    public InpFormatException()
        : this("", 0, 0, 200, "input error")
    {
    }

    public InpFormatException(string message)
        : this("", 0, 0, 200, message)
    {
    }

    public InpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FileName = "";
        Reason = message;
        ErrorCode = 200;
    }

    public InpFormatException(string fileName, int line, int column, int errorCode, string reason)
        : base(Format(fileName, line, column, errorCode, reason))
    {
        FileName = fileName;
        Line = line;
        Column = column;
        ErrorCode = errorCode;
        Reason = reason;
    }

    public string FileName { get; }
    public int Line { get; }
    public int Column { get; }
    /// <summary>EPANET's error code: 201 syntax, 202 illegal number, 203 undefined node, 204 undefined link,
    /// 205 undefined pattern, 206 undefined curve, 213 illegal option, 215 duplicate id, 222 same end nodes,
    /// 223 not enough nodes, 224 no tanks or reservoirs, 225 invalid tank levels, 226 pump without curve or power,
    /// 227 invalid head curve, 230 curve x not increasing.</summary>
    public int ErrorCode { get; }
    public string Reason { get; }

    private static string Format(string file, int line, int column, int code, string reason)
    {
        var where = line > 0 ? (column > 0 ? $"{file}:{line}:{column}" : $"{file}:{line}") : file;
        return $"{where}: error {code}: {reason}";
    }
}
