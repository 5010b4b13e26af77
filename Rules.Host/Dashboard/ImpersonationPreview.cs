using Rules.Engine.Pipeline;
using Rules.Host.Impersonation;
using Rules.Host.OAuth;
using Rules.Host.RuleSets;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>One application of the "Sign in as User" dialog, with what the live rules would decide for it now (null: not asked).</summary>
public sealed record ImpersonationChoice(Client Client, Outcome? Outcome)
{
    public bool RulesRefuse => Outcome is { IsAllowed: false };
}

/// <summary>
/// Orders the dialog's applications so it starts on one the user can actually be impersonated into: each is dry-run
/// through the live rules as the link would run them (this operator, this user, the application's first callback,
/// now). Allowed ones come first; then those the rules got furthest through (a refusal by a later rule, such as support
/// hours, says less about the application than one by an earlier rule, such as "approved applications only"). Nothing
/// is written and nothing is sent: the outcome's metadata updates are discarded, each run gets a fresh <c>global</c>, and a
/// rule's HTTP calls are refused inside the rule (no fixtures), so a rule that needs its call is shown as refusing.
/// </summary>
public static class ImpersonationPreview
{
    public static IReadOnlyList<ImpersonationChoice> Order(
        IReadOnlyList<Client> clients, TenantUser user, IReadOnlyList<string> roles, TenantUser? impersonator, Connection? connection, TenantSettings settings,
        RuleSetProvider rules, HttpContext http, DateTimeOffset now)
    {
        if (impersonator is null || connection is null || rules.Current is not { } pipeline)
        {
            return [.. clients.Select(c => new ImpersonationChoice(c, null))];
        }
        var order = pipeline.RuleSet.Enabled.Select((r, i) => (r.Name, i)).ToDictionary(p => p.Name, p => p.i);
        var choices = clients.Select(client =>
        {
            var parameters = new ImpersonationParameters("oauth2", ImpersonationParameters.Code, ResponseModes.Query, client.Callbacks[0], ["openid"], null, null);
            var link = new RedeemedLink("lnk_preview", user.UserId, impersonator.UserId, client.ClientId, parameters, now);
            var transaction = ImpersonationTransactionBuilder.Build(new ImpersonatedLogin(link, user, impersonator, client, connection, settings, roles), http, "preview", now);
            // A preview never calls out: each HTTP call a rule makes fails inside the rule (ERR_NO_FIXTURE), as in "Try this rule".
            var noCalls = new Rules.Engine.Http.FixtureHttpTransport([], pipeline.Egress);
            return new ImpersonationChoice(client, pipeline.Execute(transaction, new ExecutionOptions { FreshGlobal = true, Http = noCalls }));
        }).ToArray();
        int Progress(ImpersonationChoice choice) => choice.Outcome is { IsAllowed: true } ? int.MaxValue
            : choice.Outcome?.Rule is { } rule && order.TryGetValue(rule, out var index) ? index : -1;
        return [.. choices.OrderByDescending(Progress)];
    }
}
