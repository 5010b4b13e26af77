using System.Text;
using Rules.Host.Hosting;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// The "Sign in as User" part of a user's page: the button and its dialog (application, Advanced Settings, then the
/// one-time link with Copy and Open), or, when the button cannot be shown, the "I can't see this button" note that
/// names each failing condition and its fix. The dialog's behaviour is in impersonate.js.
/// </summary>
public static class SignInAsUser
{
    /// <param name="codeRequired">The tenant requires a fresh second-factor code from the impersonator (Rules:Login:Multifactor:RequireForImpersonators).</param>
    public static string Section(TenantUser user, ImpersonationAvailability availability, IReadOnlyList<ImpersonationChoice> choices, bool operatorMayImpersonate, DashboardOperator who, bool codeRequired = false)
    {
        if (!availability.ShowButton)
        {
            var problems = string.Concat(availability.Problems.Select(p => $"<li>{HtmlPage.Encode(p)}</li>"));
            return $"""
                <section aria-labelledby="impersonate-heading" class="card">
                  <h2 id="impersonate-heading">Sign in as User</h2>
                  <details class="note" id="impersonation-unavailable" open>
                    <summary>I can't see this button</summary>
                    <p>"Sign in as User" is shown only when impersonation is enabled for the tenant, an application has an Allowed Callback URL, and that application has the user's connection enabled. Here:</p>
                    <ul>{problems}</ul>
                  </details>
                </section>
                """;
        }

        var options = new StringBuilder();
        // The first option is one the rules let this impersonation into (ImpersonationPreview orders them), so the first
        // link a newcomer opens works; one the rules would refuse now says so, and why, when picked.
        foreach (var choice in choices)
        {
            var refusal = choice.RulesRefuse ? $""" data-refusal="{HtmlPage.Encode($"The rules would refuse this now: {choice.Outcome!.ErrorDescription} (rule “{choice.Outcome.Rule}”).")}" """ : " ";
            options.Append($"""<option value="{HtmlPage.Encode(choice.Client.ClientId)}"{refusal}>{HtmlPage.Encode(choice.Client.Name)}{(choice.RulesRefuse ? " (the rules refuse it now)" : "")}</option>""");
        }
        var first = choices.Count > 0 ? choices[0] : null;
        var warning = operatorMayImpersonate
            ? ""
            : DashboardPage.Notice($"You ({who.Email ?? who.UserId}) are not in the tenant's impersonators list (tenant.impersonation.impersonators), so a link will be refused.", "warning");
        var self = user.UserId == who.UserId ? DashboardPage.Notice("This is your own account: you cannot impersonate yourself.", "warning") : "";
        return $"""
            <section aria-labelledby="impersonate-heading" class="card">
              <h2 id="impersonate-heading">Sign in as User</h2>
              <p class="muted">Get a one-time link that signs you in to an application as this user. The rules run on it, and the audit trail records you as the impersonator.</p>
              {warning}{self}
              <button type="button" id="impersonate-open" data-user-id="{HtmlPage.Encode(user.UserId)}">Sign in as User</button>
              <dialog id="impersonate-dialog" aria-labelledby="impersonate-dialog-title">
                <h2 id="impersonate-dialog-title">Sign in as {HtmlPage.Encode(user.Email ?? user.UserId)}</h2>
                <form id="impersonate-form" novalidate>
                  <label for="impersonate-client">Application to sign in to</label>
                  <select id="impersonate-client" name="client_id" aria-describedby="impersonate-client-id impersonate-client-refusal">{options}</select>
                  <p class="muted client-id">Client ID <code id="impersonate-client-id">{HtmlPage.Encode(first?.Client.ClientId)}</code></p>
                  <p id="impersonate-client-refusal" class="notice warning"{(first is { RulesRefuse: true } ? "" : " hidden")}>{(first is { RulesRefuse: true } ? HtmlPage.Encode($"The rules would refuse this now: {first.Outcome!.ErrorDescription} (rule “{first.Outcome.Rule}”).") : "")}</p>
                  <details id="impersonate-advanced">
                    <summary>Advanced Settings</summary>
                    <fieldset><legend>Response mode</legend>
                      <label class="inline"><input type="radio" name="response_mode" value="get" checked> <span id="impersonate-get-mode">GET (query)</span></label>
                      <label class="inline"><input type="radio" name="response_mode" value="post"> POST (form_post)</label>
                    </fieldset>
                    <p class="muted" id="impersonate-mode-note">The code arrives in the callback's query string.</p>
                    <fieldset><legend>Response type</legend>
                      <label class="inline"><input type="radio" name="response_type" value="code" checked> code</label>
                      <label class="inline"><input type="radio" name="response_type" value="token"> token</label>
                    </fieldset>
                    <label for="impersonate-scope">Scope <span class="muted">(space-separated; must include openid)</span></label>
                    <input id="impersonate-scope" name="scope" type="text" value="openid" autocomplete="off">
                    <label for="impersonate-state">State</label>
                    <input id="impersonate-state" name="state" type="text" autocomplete="off">
                  </details>
                  {(codeRequired ? CodeField : "")}
                  <p id="impersonate-error" class="notice error" role="alert" hidden></p>
                  <div class="actions">
                    <button type="submit" id="impersonate-submit">Get link</button>
                    <button type="button" class="secondary" data-close-dialog>Cancel</button>
                  </div>
                </form>
                <div id="impersonate-result" hidden>
                  <label for="impersonate-url">One-time link <span class="muted" id="impersonate-expiry"></span></label>
                  <textarea id="impersonate-url" readonly rows="3"></textarea>
                  <p class="muted" id="impersonate-target"></p>
                  <div class="actions">
                    <button type="button" id="impersonate-copy">Copy</button>
                    <a id="impersonate-link" class="button" href="#" target="_blank" rel="noopener noreferrer">Open</a>
                    <button type="button" class="secondary" data-close-dialog>Close</button>
                  </div>
                  <p id="impersonate-copied" class="muted" role="status"></p>
                </div>
              </dialog>
            </section>
            """;
    }

    private const string CodeField = """
        <label for="impersonate-mfa-code">Your verification code <span class="muted">(6 digits from your authenticator app, or a recovery code: this tenant asks impersonators for one)</span></label>
        <input id="impersonate-mfa-code" name="mfa_code" type="text" autocomplete="one-time-code" required>
        """;
}
