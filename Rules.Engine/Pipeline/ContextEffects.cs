namespace Rules.Engine.Pipeline;

/// <summary>What this server does when a rule sets a <see cref="ContextEffect"/>.</summary>
internal enum EffectStatus
{
    /// <summary>The login carries the effect out (claims reach the tokens, and so on).</summary>
    CarriedOut,

    /// <summary>
    /// The server cannot carry the effect out, so a rule that asks for it denies the login (<c>rule_error</c>):
    /// completing the login without it would silently lower its security (an MFA rule that no longer challenges).
    /// </summary>
    Refused,
}

/// <summary>A field of the rules' <c>context</c> that Auth0 documented as changing the login when a rule sets it.</summary>
/// <param name="Field">The property of <c>context</c>, e.g. <c>multifactor</c>.</param>
/// <param name="Status">Whether this server carries it out or refuses the login.</param>
/// <param name="Asks">What a rule asks for by setting it, in words for the rule's author.</param>
/// <param name="Why">For a refused effect, why this server cannot carry it out.</param>
internal sealed record ContextEffect(string Field, EffectStatus Status, string Asks, string? Why = null)
{
    /// <summary>The sentence a denial and the <c>unsupported-effect</c> lint give the rule's author.</summary>
    public string RefusalMessage =>
        $"context.{Field} asks for {Asks}, which this server does not carry out ({Why}): the login is denied rather than completed without it";
}

/// <summary>
/// Every effect field of Auth0's rule context (auth0.com/docs/customize/rules/context-object), and what happens to it
/// here. One table for the runtime, which denies a login whose rules set a refused field, and for the linter, which
/// reports a write to one as an error. A feature that starts carrying an effect out moves its row to
/// <see cref="EffectStatus.CarriedOut"/>.
/// </summary>
internal static class ContextEffects
{
    /// <summary>All documented effect fields, carried out or refused.</summary>
    public static IReadOnlyList<ContextEffect> All { get; } =
    [
        new("idToken", EffectStatus.CarriedOut, "custom claims in the ID token"),
        new("accessToken", EffectStatus.CarriedOut, "custom claims and scopes in the access token"),
        new("multifactor", EffectStatus.CarriedOut, "a multi-factor challenge (TOTP; other providers are refused by RuleRuntime.Multifactor.cs)"),
        new("redirect", EffectStatus.CarriedOut, "a redirect to another page before the login completes (resumed at /continue)"),
        new("samlConfiguration", EffectStatus.Refused, "SAML assertion settings and attribute mappings", "it issues no SAML assertions"),
        new("primaryUser", EffectStatus.Refused, "completing the login as a linked primary account", "it does not link accounts"),
        new("jwtConfiguration", EffectStatus.Refused, "a token lifetime or scope mapping", "token lifetimes are set by the server, so a shorter one asked for here would not apply"),
    ];

    /// <summary>The effects that deny a login when a rule sets them.</summary>
    public static IReadOnlyList<ContextEffect> Refused { get; } = All.Where(e => e.Status == EffectStatus.Refused).ToArray();

    /// <summary>The refused effect named <paramref name="field"/>, or null.</summary>
    public static ContextEffect? FindRefused(string field)
    {
        foreach (var effect in Refused)
        {
            if (effect.Field == field)
            {
                return effect;
            }
        }
        return null;
    }
}
