namespace CivicGrid.Server.Security;

/// <summary>Keeps redirects after sign-in on this site (no open redirects).</summary>
public static class ReturnUrls
{
    /// <summary>
    /// <paramref name="returnUrl"/> when it is a local path such as <c>/water?x=1</c>; otherwise <c>/</c>.
    /// Rejects absolute URLs, protocol-relative <c>//host</c> and back-slash tricks like <c>/\host</c>.
    /// </summary>
    public static string Local(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/')
        {
            return "/";
        }
        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\'))
        {
            return "/";
        }
        return returnUrl.Any(char.IsControl) ? "/" : returnUrl;
    }
}
