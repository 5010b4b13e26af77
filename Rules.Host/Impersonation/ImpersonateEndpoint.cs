using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Management;

namespace Rules.Host.Impersonation;

/// <summary>
/// POST /users/{user_id}/impersonate (Management API token with impersonate:users): reads the body and hands it to
/// <see cref="AuditedImpersonationLinks"/>, which validates, creates the one-time link and audits the answer; the link's
/// URL is returned as text/plain, as Auth0 did.
/// </summary>
public static class ImpersonateEndpoint
{
    public static async Task<IResult> HandleAsync(string user_id, HttpContext http, AuditedImpersonationLinks links)
    {
        // Who asked: the Management API token's subject (a client, "id@clients").
        var caller = http.Caller();
        var requestedBy = caller is not null && caller.TryGetPayloadValue<string>("sub", out var sub) ? sub : null;

        var read = await RequestBody.ReadAsync(http.Request);
        if (read.IsError)
        {
            var error = read.Error;
            links.AuditRefusal(http, new ImpersonationRequestValidationResult { UserId = user_id, Error = error }, requestedBy);
            return error.ToResult();
        }

        var issue = links.Issue(user_id, read.Value!, http, requestedBy);
        if (issue.IsError)
        {
            return issue.Validation.Error!.ToResult();
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(issue.Link!.Url, "text/plain; charset=utf-8");
    }
}
