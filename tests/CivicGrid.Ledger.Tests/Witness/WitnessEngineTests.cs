using System.Text;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Witness;
using Xunit;

namespace CivicGrid.Ledger.Tests.Witness;

/// <summary>c2sp.org/tlog-witness add-checkpoint outcomes (status codes and bodies as the spec words them).</summary>
public sealed class WitnessEngineTests : IDisposable
{
    private const string Origin = "civicgrid.test/region-north";
    private readonly NoteSigner _log = NoteSigner.Generate(Origin);
    private readonly NoteSigner _cosigner = NoteSigner.Generate("civicgrid.test/witness-south", NoteSignatureType.CosignatureV1);
    private readonly MemoryNodeHashSource _tree = new();
    private readonly WitnessEngine _witness;

    public WitnessEngineTests()
    {
        for (var i = 0; i < 20; i++)
        {
            _tree.AppendLeafHash(MerkleHash.Leaf([(byte)i]));
        }
        _witness = new WitnessEngine(_cosigner, new MemoryWitnessStateStore(), new FixedTime(1_700_000_000), [_log.VerifierKey]);
    }

    public void Dispose()
    {
        _log.Dispose();
        _cosigner.Dispose();
    }

    private sealed class FixedTime(long seconds) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    private byte[] SignedCheckpoint(long size, NoteSigner? signer = null) =>
        Encoding.UTF8.GetBytes(CivicGrid.Ledger.Notes.SignedCheckpoint.Sign(new Checkpoint(Origin, size, MerkleProofs.Root(_tree, size)), signer ?? _log));

    private WitnessResponse Submit(long old, IReadOnlyList<byte[]> proof, byte[] checkpoint) =>
        _witness.AddCheckpoint(Encoding.UTF8.GetBytes(new AddCheckpointRequest(old, proof, checkpoint).Format()));

    [Fact]
    public void First_checkpoint_is_cosigned_with_a_timestamped_cosignature_that_verifies()
    {
        var cp = SignedCheckpoint(5);
        var response = Submit(0, [], cp);
        Assert.Equal(200, response.Status);
        var cosigned = WitnessEngine.AppendCosignatures(Encoding.UTF8.GetString(cp), response.BodyText);
        var note = SignedNote.Open(Encoding.UTF8.GetBytes(cosigned), new NoteVerifierList(_cosigner.VerifierKey));
        var sig = Assert.Single(note.Signatures);
        Assert.Equal(1_700_000_000ul, Cosignature.Timestamp(sig));
        var opened = CivicGrid.Ledger.Notes.SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(cosigned), _log.VerifierKey);
        Assert.Equal(1, opened.CountCosignatures([_cosigner.VerifierKey]));
    }

    [Fact]
    public void Stale_old_size_answers_409_with_the_known_size_as_text_x_tlog_size()
    {
        Assert.Equal(200, Submit(0, [], SignedCheckpoint(5)).Status);
        var conflict = Submit(0, [], SignedCheckpoint(8));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("text/x.tlog.size", conflict.ContentType);
        Assert.Equal("5\n", conflict.BodyText);
    }

    [Fact]
    public void Consistent_growth_is_cosigned_and_a_bad_proof_answers_422()
    {
        Assert.Equal(200, Submit(0, [], SignedCheckpoint(5)).Status);
        var proof = MerkleProofs.Consistency(_tree, 5, 13);
        var bad = proof.Select(p => (byte[])p.Clone()).ToList();
        bad[0][0] ^= 1;
        Assert.Equal(422, Submit(5, bad, SignedCheckpoint(13)).Status);
        Assert.Equal(200, Submit(5, proof, SignedCheckpoint(13)).Status);
        Assert.Equal(200, Submit(13, [], SignedCheckpoint(13)).Status);
    }

    [Fact]
    public void Same_size_with_another_root_answers_409()
    {
        Assert.Equal(200, Submit(0, [], SignedCheckpoint(5)).Status);
        var fork = Encoding.UTF8.GetBytes(CivicGrid.Ledger.Notes.SignedCheckpoint.Sign(new Checkpoint(Origin, 5, MerkleHash.Leaf([9])), _log));
        Assert.Equal(409, Submit(5, [], fork).Status);
    }

    [Fact]
    public void Unknown_origin_is_404_and_a_checkpoint_not_signed_by_the_log_is_403()
    {
        using var stranger = NoteSigner.Generate("civicgrid.test/elsewhere");
        var elsewhere = Encoding.UTF8.GetBytes(CivicGrid.Ledger.Notes.SignedCheckpoint.Sign(new Checkpoint("civicgrid.test/elsewhere", 5, MerkleProofs.Root(_tree, 5)), stranger));
        Assert.Equal(404, Submit(0, [], elsewhere).Status);
        using var impostor = NoteSigner.Generate(Origin);
        Assert.Equal(403, Submit(0, [], SignedCheckpoint(5, impostor)).Status);
    }

    [Fact]
    public void Malformed_requests_and_old_size_above_the_checkpoint_answer_400()
    {
        Assert.Equal(400, Submit(9, [], SignedCheckpoint(5)).Status);
        Assert.Equal(400, _witness.AddCheckpoint(Encoding.UTF8.GetBytes("old 05\n\n" + Encoding.UTF8.GetString(SignedCheckpoint(5)))).Status);
        Assert.Equal(400, _witness.AddCheckpoint(Encoding.UTF8.GetBytes("new 5\n\n" + Encoding.UTF8.GetString(SignedCheckpoint(5)))).Status);
        var tooLong = Enumerable.Repeat(new byte[32], 64).ToList();
        Assert.Equal(400, Submit(3, tooLong, SignedCheckpoint(5)).Status);
        Assert.Equal(400, _witness.AddCheckpoint(Encoding.UTF8.GetBytes("old 0\n\nnot a note")).Status);
    }

    [Fact]
    public void A_proof_with_old_size_zero_is_refused()
    {
        Assert.Equal(422, Submit(0, [new byte[32]], SignedCheckpoint(5)).Status);
    }
}
