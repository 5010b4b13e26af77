using Microsoft.Extensions.Options;
using Rules.Host.Hosting;

namespace Rules.Host.OAuth;

/// <summary>
/// The issuer and the audiences derived from it. Configured with Rules:Issuer, or else the address the
/// request came to, as Auth0's tenant domain would be. Always ends with '/' like Auth0's issuer.
/// </summary>
public sealed class IssuerUrls(IOptions<RulesHostOptions> options)
{
    public string Issuer(HttpContext context)
    {
        var configured = options.Value.Issuer;
        var issuer = string.IsNullOrEmpty(configured) ? $"{context.Request.Scheme}://{context.Request.Host}" : configured;
        return issuer.TrimEnd('/') + "/";
    }

    /// <summary>The Management API's audience: <c>{issuer}api/v2/</c>.</summary>
    public string ManagementAudience(HttpContext context) => Issuer(context) + "api/v2/";

    /// <summary>The audience of access tokens issued to applications for /userinfo.</summary>
    public string UserInfoAudience(HttpContext context) => Issuer(context) + "userinfo";
}
