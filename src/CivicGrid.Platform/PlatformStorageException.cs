namespace CivicGrid.Platform;

/// <summary>
/// The platform database cannot be used: it is unreachable, corrupted, or misconfigured.
/// <see cref="Exception.Message"/> is written for the person starting the server.
/// </summary>
public sealed class PlatformStorageException : Exception
{
    public PlatformStorageException()
    {
    }

    public PlatformStorageException(string message)
        : base(message)
    {
    }

    public PlatformStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
