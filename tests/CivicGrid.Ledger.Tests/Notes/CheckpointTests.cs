using System.Text;
using CivicGrid.Ledger.Notes;
using Xunit;

namespace CivicGrid.Ledger.Tests.Notes;

public class CheckpointTests
{
    [Fact]
    public void Checkpoint_text_round_trips_with_extension_lines()
    {
        var root = new byte[32];
        root[0] = 7;
        var cp = new Checkpoint("example.com/log", 12345, root, ["ext one", "ext two"]);
        var text = cp.ToText();
        Assert.Equal("example.com/log\n12345\n" + Convert.ToBase64String(root) + "\next one\next two\n", text);
        var back = Checkpoint.Parse(text);
        Assert.Equal(cp.Origin, back.Origin);
        Assert.Equal(cp.Size, back.Size);
        Assert.Equal(cp.RootHash, back.RootHash);
        Assert.Equal(cp.Extensions, back.Extensions);
    }

    [Theory]
    [InlineData("origin\n012\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 2)]
    [InlineData("origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 2)]
    [InlineData("origin\n12\nAAAA\n", 3)]
    [InlineData("origin\n12\n", 3)]
    [InlineData("\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 1)]
    [InlineData("origin\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 0)]
    public void Malformed_checkpoints_name_the_line(string text, int line)
    {
        var ex = Assert.Throws<LedgerFormatException>(() => Checkpoint.Parse(text, "cp.txt"));
        Assert.Equal(line, ex.Line);
        Assert.Equal("cp.txt", ex.Source);
    }

    [Fact]
    public void Signed_checkpoint_verifies_with_the_log_key_and_not_with_another()
    {
        using var log = NoteSigner.Generate("example.com/log");
        using var other = NoteSigner.Generate("example.com/log");
        var note = SignedCheckpoint.Sign(new Checkpoint("example.com/log", 3, new byte[32]), log);
        var opened = SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(note), log.VerifierKey);
        Assert.Equal(3, opened.Checkpoint.Size);
        Assert.Throws<NoteVerificationException>(() => SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(note), other.VerifierKey));
    }
}
