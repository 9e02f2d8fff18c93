using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CivicGrid.Governance.Voting;

/// <summary>
/// A ballot commitment: SHA-256 over a domain tag, a 32-byte random nonce and the ballot bytes. Publishing
/// the commitment (e.g. as a transparency-log entry) proves the ballot was received without revealing it;
/// only the voter, who keeps the nonce in the receipt, can open it.
/// </summary>
public static class BallotCommitment
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("civicgrid/ballot-commitment/v1\n");

    public static byte[] Compute(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ballot)
    {
        var buffer = new byte[Domain.Length + nonce.Length + ballot.Length];
        Domain.CopyTo(buffer, 0);
        nonce.CopyTo(buffer.AsSpan(Domain.Length));
        ballot.CopyTo(buffer.AsSpan(Domain.Length + nonce.Length));
        return SHA256.HashData(buffer);
    }

    /// <summary>True when the receipt's nonce and the claimed ballot open the receipt's commitment.</summary>
    public static bool Verify(BallotReceipt receipt, ReadOnlySpan<byte> ballot)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return CryptographicOperations.FixedTimeEquals(Compute(receipt.Nonce, ballot), receipt.Commitment);
    }
}

/// <summary>What a voter keeps: the commitment published for their ballot, its position, and the secret nonce.</summary>
public sealed record BallotReceipt(string VoteId, long Position, byte[] Commitment, byte[] Nonce);

/// <summary>Why a ballot or a request was refused.</summary>
public sealed class BallotRejectedException : InvalidOperationException
{
    public BallotRejectedException(string message)
        : base(message)
    {
    }

    public BallotRejectedException()
    {
    }

    public BallotRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The ballots of one vote. One ballot per eligible resident (atomic under concurrent casting); ballots stay
/// secret while the vote is open (only commitments are visible); after closing the tally is computed once
/// and can no longer change. The commitments are the entries to append to the transparency log.
/// </summary>
public sealed class BallotBox<TBallot>
    where TBallot : notnull
{
    private readonly ConcurrentDictionary<string, (TBallot Ballot, BallotReceipt Receipt)> _ballots = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<byte[]> _commitments = new();
    private readonly Func<TBallot, byte[]> _serialize;
    private readonly IReadOnlySet<string> _eligible;
    private readonly Lock _gate = new();
    private long _position;
    private bool _closed;
    private Tally? _tally;

    public BallotBox(string voteId, IReadOnlySet<string> eligibleResidents, Func<TBallot, byte[]> serialize)
    {
        VoteId = voteId;
        _eligible = eligibleResidents;
        _serialize = serialize;
    }

    public string VoteId { get; }

    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>Commitments in the order received (public at any time).</summary>
    public IReadOnlyList<byte[]> Commitments => _commitments.ToArray();

    public BallotReceipt Cast(string residentId, TBallot ballot)
    {
        ArgumentNullException.ThrowIfNull(residentId);
        if (!_eligible.Contains(residentId))
        {
            throw new BallotRejectedException($"resident '{residentId}' is not eligible in vote '{VoteId}'");
        }
        var nonce = RandomNumberGenerator.GetBytes(32);
        var commitment = BallotCommitment.Compute(nonce, _serialize(ballot));
        lock (_gate)
        {
            if (_closed)
            {
                throw new BallotRejectedException($"vote '{VoteId}' is closed");
            }
            var receipt = new BallotReceipt(VoteId, _position, commitment, nonce);
            if (!_ballots.TryAdd(residentId, (ballot, receipt)))
            {
                throw new BallotRejectedException($"resident '{residentId}' has already voted in '{VoteId}'");
            }
            _position++;
            _commitments.Enqueue(commitment);
            return receipt;
        }
    }

    /// <summary>True when the receipt's commitment is among the published ones (proof the ballot was counted).</summary>
    public bool Includes(BallotReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var all = Commitments;
        return receipt.Position < all.Count && all[(int)receipt.Position].AsSpan().SequenceEqual(receipt.Commitment);
    }

    /// <summary>The ballots, only once the vote is closed.</summary>
    public IReadOnlyList<TBallot> RevealBallots()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                throw new BallotRejectedException($"ballots of '{VoteId}' are secret until the vote closes");
            }
            return _ballots.Values.OrderBy(x => x.Receipt.Position).Select(x => x.Ballot).ToList();
        }
    }

    /// <summary>Closes the vote and computes the tally once; later calls return the same tally.</summary>
    public Tally Close(Func<IReadOnlyList<TBallot>, Tally> count)
    {
        ArgumentNullException.ThrowIfNull(count);
        lock (_gate)
        {
            if (_tally is not null)
            {
                return _tally;
            }
            _closed = true;
            _tally = count(_ballots.Values.OrderBy(x => x.Receipt.Position).Select(x => x.Ballot).ToList());
            return _tally;
        }
    }

    /// <summary>The closed tally; an operator cannot replace it.</summary>
    public Tally Result
    {
        get
        {
            lock (_gate)
            {
                return _tally ?? throw new BallotRejectedException($"vote '{VoteId}' is still open");
            }
        }
    }

    public void OverrideTally(Tally replacement, string operatorId) =>
        throw new BallotRejectedException($"the tally of '{VoteId}' is closed and cannot be changed (attempt by '{operatorId}', {replacement?.Scores.Count ?? 0} options)");
}
