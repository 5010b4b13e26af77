using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.OAuth;
using Rules.Host.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.LoginFinishing;

/// <summary>
/// The end every login takes once it knows who is signing in: the password and SSO login, the impersonation link, the
/// continue after a rule's redirect and the finish after a second factor. <see cref="RunAsync"/> runs the rules
/// (asynchronously, with the <c>auth0</c> global and the request's cancellation, so a rule that calls a service holds
/// no thread on any path); <see cref="Conclude"/> records and answers. A redirect or a second-factor challenge
/// suspends the login before it gets here (<see cref="Redirect.LoginSuspender"/>, <see cref="MultiFactor.MultifactorGate"/>);
/// those record the run and hand nothing out.
/// </summary>
public sealed class LoginFinisher(RuleSetProvider rules, RuleAuth0Globals auth0, AuthorizeResponseGenerator authorizations, LoginRecorder recorder, Database database)
{
    /// <summary>Runs a new login on the live rule set.</summary>
    public Task<Outcome> RunAsync(HttpContext http, LoginTransaction transaction) =>
        rules.ExecuteAsync(transaction, auth0.OptionsFor(http), http.RequestAborted);

    /// <summary>Runs a login continued after a redirect on the version that redirected it, with the continue's options.</summary>
    public Task<Outcome> RunAsync(HttpContext http, RulePipeline version, LoginTransaction transaction, ExecutionOptions continuation) =>
        rules.ExecuteAsync(version, transaction, continuation with { Auth0 = auth0.OptionsFor(http).Auth0 }, http.RequestAborted);

    /// <summary>
    /// Nothing is handed out without its audit record: on an allow the rules' metadata changes, the code or tokens and
    /// <paramref name="alsoWhenAllowed"/> (the SSO session, the device); on a deny the error; and either way the decision
    /// record and the audit entry: all in one transaction, committed together or not at all, before the response.
    /// </summary>
    public AuthorizeResponse Conclude(HttpContext http, LoginConclusion login, Action<Writes>? alsoWhenAllowed = null)
    {
        var response = login.Callback;
        database.Write(writes =>
        {
            if (login.Outcome.IsAllowed)
            {
                response = authorizations.Allowed(writes, http, login.Outcome, login.Grant ?? throw new ArgumentException("an allowed login needs its grant", nameof(login)), login.ResponseType, login.Callback);
                alsoWhenAllowed?.Invoke(writes);
            }
            else
            {
                response = AuthorizeResponseGenerator.Denied(login.Outcome, login.Callback);
            }
            recorder.Record(writes, login.DecisionId, login.DecisionKind, login.Now, login.Transaction, login.Outcome, login.Entry);
        });
        return response;
    }
}
