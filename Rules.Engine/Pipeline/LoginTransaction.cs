using System.Text.Json.Nodes;

namespace Rules.Engine.Pipeline;

/// <summary>
/// One login as the rules see it: the user profile and Auth0's context object. On an impersonated login
/// the user carries <c>impersonated: true</c> and <c>impersonator: { user_id, email }</c>, which rules can read
/// but never change. <see cref="Now"/>, when set, is the only clock the rules see.
/// </summary>
public sealed record LoginTransaction(JsonObject User, JsonObject Context, DateTimeOffset? Now = null)
{
    /// <summary>True when the user carries <c>impersonated: true</c>: someone signed in as this user with "Sign in as User".</summary>
    public bool IsImpersonated =>
        User.TryGetPropertyValue("impersonated", out var flag) && flag is JsonValue value && value.TryGetValue<bool>(out var b) && b;
}
