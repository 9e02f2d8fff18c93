using System.Text;
using CivicGrid.Ledger.Notes;
using Xunit;

namespace CivicGrid.Ledger.Tests.Notes;

/// <summary>Vectors from golang.org/x/mod/sumdb/note (note_test.go) and the C2SP signed-note spec; byte-exact.</summary>
public class SignedNoteTests
{
    private const string PeterKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string PeterPrivate = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string EnochKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string PeterSig = "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    private const string EnochSig = "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    private static readonly NoteVerifierKey Peter = NoteVerifierKey.Parse(PeterKey);
    private static readonly NoteVerifierKey Enoch = NoteVerifierKey.Parse(EnochKey);

    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private static NoteError OpenError(string message, params NoteVerifierKey[] keys) =>
        Assert.Throws<NoteVerificationException>(() => SignedNote.Open(U(message), new NoteVerifierList(keys))).Error;

    [Fact]
    public void Go_private_key_signs_the_go_example_byte_for_byte()
    {
        using var signer = NoteSigner.Parse(PeterPrivate);
        Assert.Equal(PeterKey, signer.VerifierKey.Encoded);
        Assert.Equal(Text + "\n" + PeterSig, SignedNote.Sign(Text, signer));
        Assert.Equal(PeterPrivate, signer.EncodePrivate());
    }

    [Fact]
    public void Verifier_key_round_trips_and_every_single_byte_mangling_is_rejected()
    {
        Assert.Equal(0xc74f20a3u, Peter.KeyId);
        Assert.Equal(PeterKey, Peter.Encoded);
        var b = PeterKey.ToCharArray();
        for (var i = 0; i < b.Length; i++)
        {
            b[i]++;
            Assert.Null(NoteVerifierKey.TryParse(new string(b)));
            b[i]--;
        }
        for (var i = 0; i < PeterKey.Length; i++)
        {
            for (var j = i + 1; j <= PeterKey.Length; j++)
            {
                if (i != 0 || j != PeterKey.Length)
                {
                    Assert.Null(NoteVerifierKey.TryParse(PeterKey[i..j]));
                }
            }
        }
        Assert.Null(NoteVerifierKey.TryParse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="));
        Assert.Null(NoteVerifierKey.TryParse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
    }

    [Fact]
    public void Verifier_key_whose_base64_contains_plus_is_split_on_the_first_two_plus_signs_only()
    {
        var key = NoteVerifierKey.Parse("example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx");
        Assert.Equal("example.com/log/testdata", key.Name);
        Assert.Equal(0x33d7b496u, key.KeyId);
        Assert.Equal(32, key.PublicKeyBytes.Length);
    }

    [Fact]
    public void Known_key_verifies_and_unknown_key_is_kept_unverified()
    {
        var n = SignedNote.Open(U(Text + "\n" + PeterSig + EnochSig), new NoteVerifierList(Peter));
        Assert.Equal(Text, n.Text);
        Assert.Equal("PeterNeumann", Assert.Single(n.Signatures).Name);
        Assert.Equal(0xaf0cfe78u, Assert.Single(n.UnverifiedSignatures).KeyId);

        var both = SignedNote.Open(U(Text + "\n" + PeterSig + EnochSig), new NoteVerifierList(Peter, Enoch));
        Assert.Equal(2, both.Signatures.Count);
        Assert.Empty(both.UnverifiedSignatures);
    }

    [Fact]
    public void Note_without_any_known_signature_is_refused_as_unverified()
    {
        var ex = Assert.Throws<NoteVerificationException>(() => SignedNote.Open(U(Text + "\n" + PeterSig + EnochSig), new NoteVerifierList()));
        Assert.Equal(NoteError.Unverified, ex.Error);
        Assert.Equal(2, ex.Note!.UnverifiedSignatures.Count);
    }

    [Fact]
    public void Same_name_with_other_key_id_is_ignored_as_unknown()
    {
        var other = PeterSig.Replace("x08g", "xxxx", StringComparison.Ordinal);
        var n = SignedNote.Open(U(Text + "\n" + other + PeterSig), new NoteVerifierList(Peter));
        Assert.Single(n.Signatures);
        Assert.Single(n.UnverifiedSignatures);
    }

    [Fact]
    public void Duplicate_verifiers_are_ambiguous_only_when_a_signature_needs_them()
    {
        Assert.Equal(NoteError.AmbiguousKey, OpenError(Text + "\n" + EnochSig, Enoch, Peter, Enoch));
        var n = SignedNote.Open(U(Text + "\n" + PeterSig), new NoteVerifierList(Enoch, Peter, Enoch));
        Assert.Single(n.Signatures);
    }

    [Fact]
    public void Seventeen_signatures_are_accepted_and_one_hundred_and_one_are_malformed()
    {
        var seventeen = SignedNote.Open(U(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 17))), new NoteVerifierList(Peter));
        Assert.Single(seventeen.Signatures);
        Assert.Equal(NoteError.Malformed, OpenError(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 101)), Peter));
        Assert.Equal(NoteError.Malformed, OpenError(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 101))));
    }

    [Fact]
    public void Failing_signature_from_a_known_key_rejects_the_whole_note()
    {
        var bad = PeterSig[..60] + "ABCD" + PeterSig[60..];
        Assert.Equal(NoteError.InvalidSignature, OpenError(Text + "\n" + bad, Peter));
        Assert.Equal(NoteError.InvalidSignature, OpenError(Text + "\n" + EnochSig + bad, Peter, Enoch));
    }

    [Fact]
    public void Malformed_messages_from_the_go_suite_and_crlf_are_refused()
    {
        string[] bad =
        [
            Text,
            Text + "\n",
            Text + "\n" + PeterSig[..^1],
            "\x01" + Text + "\n" + PeterSig,
            Text + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            Text + "\n" + PeterSig + "Unexpected line.\n",
            (Text + "\n" + PeterSig).Replace("\n", "\r\n", StringComparison.Ordinal),
        ];
        foreach (var m in bad)
        {
            Assert.Equal(NoteError.Malformed, OpenError(m, Peter));
        }
        byte[] invalidUtf8 = [0xff, .. U(Text + "\n" + PeterSig)];
        Assert.Equal(NoteError.Malformed, Assert.Throws<NoteVerificationException>(() => SignedNote.Open(invalidUtf8, new NoteVerifierList(Peter))).Error);
    }

    [Fact]
    public void Byte_order_mark_becomes_part_of_the_text_so_the_signature_fails()
    {
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. U(Text + "\n" + PeterSig)];
        var ex = Assert.Throws<NoteVerificationException>(() => SignedNote.Open(withBom, new NoteVerifierList(Peter)));
        Assert.Equal(NoteError.InvalidSignature, ex.Error);
    }

    [Fact]
    public void C2sp_spec_example_parses_with_its_signature_line()
    {
        const string note = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n" +
            "\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
        var parsed = SignedNote.Parse(U(note));
        // The text keeps its inner blank line: only the last blank line separates the signatures.
        Assert.Equal("Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n", parsed.Text);
        var sig = Assert.Single(parsed.UnverifiedSignatures);
        Assert.Equal("quasimodo.example/salvatore", sig.Name);
        Assert.Equal(0x367ba04bu, sig.KeyId);
        Assert.Equal(NoteError.Unverified, OpenError(note, Peter));
    }

    [Fact]
    public void Cosignature_v1_verifies_with_its_timestamp_and_rejects_a_changed_timestamp()
    {
        using var witness = NoteSigner.Generate("witness.example/w1", NoteSignatureType.CosignatureV1);
        const string checkpoint = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        var cosig = witness.Sign(U(checkpoint), 1679315147);
        Assert.Equal(1679315147ul, Cosignature.Timestamp(cosig));
        var note = SignedNote.Format(checkpoint, [cosig]);
        var opened = SignedNote.Open(U(note), new NoteVerifierList(witness.VerifierKey));
        Assert.Single(opened.Signatures);
        // The key ID of a cosigner uses type byte 0x04, so an Ed25519 (0x01) key of the same name does not match.
        Assert.NotEqual(witness.KeyId, NoteKeyText.KeyId(witness.Name, NoteSignatureType.Ed25519, witness.PublicKeyBytes));

        var raw = Convert.FromBase64String(cosig.Base64);
        raw[11] ^= 1; // last byte of the timestamp
        var tampered = cosig with { Base64 = Convert.ToBase64String(raw) };
        Assert.Equal(NoteError.InvalidSignature, OpenError(SignedNote.Format(checkpoint, [tampered]), witness.VerifierKey));
    }
}
