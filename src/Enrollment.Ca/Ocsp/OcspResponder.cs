using System.Collections.Concurrent;
using System.Security.Cryptography;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Serials;

namespace Enrollment.Ca.Ocsp;

/// <summary>OCSP responder settings.</summary>
public sealed record OcspResponderOptions
{
    /// <summary>thisUpdate to nextUpdate of each answer. Defaults to 1 day.</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(1);

    /// <summary>A cached answer is re-signed once this part of its validity has passed. Defaults to 0.5.</summary>
    public double RefreshAfter { get; init; } = 0.5;
}

/// <summary>A response body with what HTTP caching needs (RFC 5019 6).</summary>
public sealed record OcspAnswer(byte[] Body, DateTimeOffset? ThisUpdate, DateTimeOffset? NextUpdate)
{
    public bool Cacheable => NextUpdate is not null;
}

/// <summary>
/// Answers OCSP requests for the issuing CA (RFC 6960, RFC 5019 profile). Single-CertID requests
/// without a nonce get a pre-signed response from the cache, so the responder does not sign per
/// request; an answer is replaced when it nears nextUpdate or its certificate's status changes.
/// Serials we never issued are "unknown", never "good". When the records cannot be read, cached
/// answers keep being served and the rest get tryLater; the same when the signer's key is in a token that does not answer.
/// </summary>
public sealed class OcspResponder(CertificateAuthority authority, ICertificateStatusSource source, OcspResponderOptions options, TimeProvider time)
{
    private sealed record CachedAnswer(string Serial, OcspAnswer Answer);

    private readonly ConcurrentDictionary<string, CachedAnswer> cache = new();
    private readonly IssuerHashes sha1 = IssuerHashes.Of(authority, HashAlgorithmName.SHA1);
    private readonly IssuerHashes sha256 = IssuerHashes.Of(authority, HashAlgorithmName.SHA256);

    public static readonly OcspAnswer Malformed = new(OcspResponseEncoder.Status(OcspResponseStatus.MalformedRequest), null, null);
    public static readonly OcspAnswer Unauthorized = new(OcspResponseEncoder.Status(OcspResponseStatus.Unauthorized), null, null);
    public static readonly OcspAnswer TryLater = new(OcspResponseEncoder.Status(OcspResponseStatus.TryLater), null, null);
    public static readonly OcspAnswer InternalError = new(OcspResponseEncoder.Status(OcspResponseStatus.InternalError), null, null);

    public async Task<OcspAnswer> RespondAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (OcspRequestReader.Read(body) is not { } request)
        {
            return Malformed;
        }
        // RFC 5019 2.2.3: not authoritative for this issuer. A CertID hashed with anything but SHA-1
        // or SHA-256 can neither be matched nor echoed within our response profile: the same answer.
        if (!request.CertIds.Any(IsOurs) || request.CertIds.Any(id => id.HashAlgorithm is not (Oids.Sha1 or Oids.Sha256)))
        {
            return Unauthorized;
        }
        var cacheKey = request.CertIds.Count == 1 && request.Nonce is null ? Convert.ToHexString(request.CertIds[0].Encoded) : null;
        var now = time.GetUtcNow();
        if (cacheKey is not null && cache.TryGetValue(cacheKey, out var cached) && IsFresh(cached.Answer, now))
        {
            return cached.Answer;
        }
        List<SingleAnswer> answers;
        try
        {
            answers = await AnswerAllAsync(request, now, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The records are unreadable: an answer still inside its validity beats tryLater.
            return StaleOrTryLater();
        }
        OcspAnswer answer;
        try
        {
            answer = new OcspAnswer(OcspResponseEncoder.Successful(authority, answers, now, request.Nonce), now, now + options.Validity);
        }
        catch (Hsm.HsmException)
        {
            // The signer's token does not answer: as when the records cannot be read.
            return StaleOrTryLater();
        }
        if (cacheKey is not null && answers[0].Status.State != CertificateState.Unknown)
        {
            cache[cacheKey] = new CachedAnswer(SerialNumber.ToCanonical(request.CertIds[0].Serial), answer);
        }
        return answer;

        OcspAnswer StaleOrTryLater() =>
            cacheKey is not null && cache.TryGetValue(cacheKey, out var stale) && stale.Answer.NextUpdate > now ? stale.Answer : TryLater;
    }

    /// <summary>Drops the cached answers for a serial, so its next request is answered from the records.</summary>
    public void Invalidate(string serial)
    {
        foreach (var entry in cache)
        {
            if (entry.Value.Serial == serial)
            {
                cache.TryRemove(entry.Key, out _);
            }
        }
    }

    /// <summary>Drops every cached answer: a status changed somewhere we cannot pinpoint.</summary>
    public void Clear() => cache.Clear();

    public int CachedCount => cache.Count;

    private async Task<List<SingleAnswer>> AnswerAllAsync(OcspRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var answers = new List<SingleAnswer>(request.CertIds.Count);
        foreach (var id in request.CertIds)
        {
            var status = IsOurs(id)
                ? await source.FindAsync(authority.IssuerKeyId, SerialNumber.ToCanonical(id.Serial), cancellationToken)
                : CertificateStatus.Unknown;
            answers.Add(new SingleAnswer(id, status, now, now + options.Validity));
        }
        return answers;
    }

    private bool IsFresh(OcspAnswer answer, DateTimeOffset now) =>
        answer.ThisUpdate is { } thisUpdate && now < thisUpdate + options.Validity * options.RefreshAfter;

    private bool IsOurs(CertId id) => id.HashAlgorithm switch
    {
        Oids.Sha1 => sha1.Matches(id),
        Oids.Sha256 => sha256.Matches(id),
        _ => false,
    };

    /// <summary>issuerNameHash and issuerKeyHash of our issuing CA (RFC 6960 4.1.1).</summary>
    private sealed record IssuerHashes(byte[] Name, byte[] Key)
    {
        public static IssuerHashes Of(CertificateAuthority authority, HashAlgorithmName hash)
        {
            var name = authority.Issuing.SubjectName.RawData;
            var key = authority.Issuing.PublicKey.EncodedKeyValue.RawData;
            return hash == HashAlgorithmName.SHA1
                ? new IssuerHashes(SHA1.HashData(name), SHA1.HashData(key))
                : new IssuerHashes(SHA256.HashData(name), SHA256.HashData(key));
        }

        public bool Matches(CertId id) =>
            CryptographicOperations.FixedTimeEquals(id.IssuerNameHash, Name) && CryptographicOperations.FixedTimeEquals(id.IssuerKeyHash, Key);
    }
}
