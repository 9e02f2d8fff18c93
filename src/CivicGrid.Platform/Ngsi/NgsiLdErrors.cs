namespace CivicGrid.Platform.Ngsi;

/// <summary>The problem types of ETSI GS CIM 009 (clause 5.5.2), as <c>https://uri.etsi.org/ngsi-ld/errors/…</c> URIs.</summary>
public static class NgsiLdErrorTypes
{
    private const string Prefix = "https://uri.etsi.org/ngsi-ld/errors/";

    public const string InvalidRequest = Prefix + "InvalidRequest";
    public const string BadRequestData = Prefix + "BadRequestData";
    public const string AlreadyExists = Prefix + "AlreadyExists";
    public const string OperationNotSupported = Prefix + "OperationNotSupported";
    public const string ResourceNotFound = Prefix + "ResourceNotFound";
    public const string InternalError = Prefix + "InternalError";
    public const string TooComplexQuery = Prefix + "TooComplexQuery";
    public const string TooManyResults = Prefix + "TooManyResults";
    public const string LdContextNotAvailable = Prefix + "LdContextNotAvailable";

    /// <summary>The HTTP status the spec gives each problem type.</summary>
    public static int StatusOf(string type) => type switch
    {
        AlreadyExists => 409,
        OperationNotSupported => 422,
        ResourceNotFound => 404,
        InternalError => 500,
        TooComplexQuery => 403,
        TooManyResults => 403,
        LdContextNotAvailable => 503,
        _ => 400,
    };

    /// <summary>The short name of a problem type (its last URI segment).</summary>
    public static string TitleOf(string type) => type[(type.LastIndexOf('/') + 1)..];
}

/// <summary>A request the NGSI-LD API refuses, with the spec's problem type and a human detail.</summary>
public sealed class NgsiLdException : Exception
{
    public NgsiLdException()
        : this(NgsiLdErrorTypes.InternalError, "NGSI-LD error")
    {
    }

    public NgsiLdException(string message)
        : this(NgsiLdErrorTypes.BadRequestData, message)
    {
    }

    public NgsiLdException(string message, Exception innerException)
        : base(message, innerException)
    {
        ProblemType = NgsiLdErrorTypes.BadRequestData;
    }

    public NgsiLdException(string problemType, string detail)
        : base(detail)
    {
        ProblemType = problemType;
    }

    /// <summary>One of <see cref="NgsiLdErrorTypes"/>.</summary>
    public string ProblemType { get; }

    /// <summary>The HTTP status of <see cref="ProblemType"/>.</summary>
    public int Status => NgsiLdErrorTypes.StatusOf(ProblemType);
}

/// <summary>
/// A malformed NGSI-LD query expression (<c>q</c>, <c>georel</c>, <c>geometry</c>, <c>coordinates</c>): which
/// parameter, the 1-based column of the problem and the reason.
/// </summary>
public sealed class NgsiQueryException : Exception
{
    public NgsiQueryException()
        : this("q", "", 1, "malformed query")
    {
    }

    public NgsiQueryException(string message)
        : this("q", "", 1, message)
    {
    }

    public NgsiQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Parameter = "q";
        Expression = "";
        Column = 1;
        Reason = message;
    }

    public NgsiQueryException(string parameter, string expression, int column, string reason)
        : base($"{parameter}, column {column}: {reason}")
    {
        Parameter = parameter;
        Expression = expression;
        Column = column;
        Reason = reason;
    }

    /// <summary>The request parameter the expression came from, e.g. <c>q</c> or <c>georel</c>.</summary>
    public string Parameter { get; }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>1-based column of the problem in <see cref="Expression"/>.</summary>
    public int Column { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
