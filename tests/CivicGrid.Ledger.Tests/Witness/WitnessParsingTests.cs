using System.Text;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Storage;
using CivicGrid.Ledger.Witness;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Ledger.Tests.Witness;

public class WitnessParsingTests
{
    [Theory]
    [InlineData("old 3\nnot-base64!\n\n", 2)]
    [InlineData("old 3\nAAAA\n\n", 2)]
    [InlineData("old 3", 1)]
    [InlineData("old -1\n\n", 1)]
    public void Malformed_add_checkpoint_bodies_name_the_line(string body, int line)
    {
        var ex = Assert.Throws<LedgerFormatException>(() => AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(line, ex.Line);
    }

    [Fact]
    public void Request_round_trips_through_its_text_form()
    {
        var hash = new byte[32];
        hash[3] = 9;
        var request = new AddCheckpointRequest(20852014, [hash], Encoding.UTF8.GetBytes("origin\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 origin AAAAAAA=\n"));
        var back = AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes(request.Format()));
        Assert.Equal(20852014, back.OldSize);
        Assert.Equal(hash, Assert.Single(back.ConsistencyProof));
        Assert.Equal(request.Checkpoint, back.Checkpoint);
    }

    [Fact]
    public void File_state_survives_a_restart_and_a_corrupt_file_is_reported()
    {
        using var temp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(temp.Path, "state.json");
        var store = new FileWitnessStateStore(path);
        Assert.True(store.TryAdvance("log", 0, new WitnessedTree(7, new byte[32])));
        Assert.False(store.TryAdvance("log", 0, new WitnessedTree(9, new byte[32])));
        Assert.Equal(7, new FileWitnessStateStore(path).Get("log")!.Size);
        File.WriteAllText(path, "{ not json");
        var ex = Assert.Throws<LedgerFormatException>(() => new FileWitnessStateStore(path).Get("log"));
        Assert.Equal(path, ex.Source);
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF")]
    [InlineData("PRIVATE+KEY+Peter Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")]
    public void Malformed_private_keys_are_rejected(string key)
    {
        Assert.Throws<LedgerFormatException>(() => NoteSigner.Parse(key));
    }

    [Theory]
    [InlineData("civicgrid.payload/v1 sha256:abc 12 sha256/ab/abc")]
    [InlineData("civicgrid.payload/v1 sha256:0000000000000000000000000000000000000000000000000000000000000000 -4 x")]
    [InlineData("something else entirely")]
    public void Entries_that_are_not_payload_pointers_parse_as_null(string entry)
    {
        Assert.Null(PayloadPointer.TryParse(Encoding.UTF8.GetBytes(entry)));
    }
}
