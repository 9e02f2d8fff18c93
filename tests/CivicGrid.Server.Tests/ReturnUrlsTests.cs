using CivicGrid.Server.Security;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>After sign-in the browser only ever goes to a path on this site (no open redirect).</summary>
public sealed class ReturnUrlsTests
{
    [Theory]
    [InlineData("/water", "/water")]
    [InlineData("/decisions?regionId=harbour", "/decisions?regionId=harbour")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("/ok\r\nSet-Cookie: x=1", "/")]
    public void Only_local_paths_are_kept(string? requested, string expected) =>
        Assert.Equal(expected, ReturnUrls.Local(requested));
}
