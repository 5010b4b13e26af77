using Microsoft.Extensions.Options;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Impersonation;

public sealed record ImpersonationLink(string Url, string LinkId, DateTimeOffset ExpiresAt);

/// <summary>
/// Makes the one-time link: a 32-byte random secret (base64url) in the URL <c>{issuer}impersonation/{secret}</c>;
/// the database keeps only its SHA-256, with an expiry of <see cref="RulesHostOptions.LinkLifetime"/>.
/// </summary>
public sealed class ImpersonationLinkGenerator(ImpersonationLinkStore links, IssuerUrls urls, TimeProvider clock, IOptions<RulesHostOptions> options)
{
    public ImpersonationLink Generate(Writes writes, ValidatedImpersonationRequest request, HttpContext http)
    {
        var secret = Secrets.NewSecret();
        var hash = Secrets.Hash(secret);
        var now = clock.GetUtcNow();
        var expiresAt = now + options.Value.LinkLifetime;
        links.Insert(writes, hash, request, now, expiresAt);
        return new ImpersonationLink($"{urls.Issuer(http)}impersonation/{secret}", ImpersonationLinkStore.LinkId(hash), expiresAt);
    }
}
