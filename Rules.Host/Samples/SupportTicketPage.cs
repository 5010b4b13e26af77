using Rules.Host.Hosting;

namespace Rules.Host.Samples;

/// <summary>
/// GET /samples/support-ticket?state=…: the small form the sample rule <c>require-support-ticket.js</c>
/// (Rules.Samples/support-ticket) redirects an impersonator to. It asks for the ticket number and posts it, with the
/// state, back to /continue on this server. A real deployment may point the rule at its own helpdesk page instead;
/// this one exists so the sample works without any third-party site. It stores nothing and decides nothing: the rule
/// checks the ticket when the login continues.
/// </summary>
public static class SupportTicketPage
{
    public const string Path = "/samples/support-ticket";

    public static IResult Show(HttpContext http)
    {
        var state = http.Request.Query["state"].ToString();
        if (state.Length is 0 or > 64)
        {
            return HtmlPage.Message(http, "Nothing to continue", "This page is reached from a sign-in that asks for a support ticket. Start from the impersonation link.", 400);
        }
        return HtmlPage.Render(http, "Support ticket", $"""
            <h1>Why are you signing in as this user?</h1>
            <p>Enter the support ticket this session is for. It is written to the audit log and into the session's tokens.</p>
            <form method="post" action="/continue">
              <input type="hidden" name="state" value="{HtmlPage.Encode(state)}">
              <label for="ticket">Ticket number</label>
              <input id="ticket" name="ticket" required pattern="[A-Z]{2,10}-[0-9]{1,10}" placeholder="SUP-1234" autocomplete="off" autofocus>
              <button type="submit">Continue</button>
            </form>
            """);
    }

    public static IEndpointRouteBuilder MapSamplePages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, Show);
        return endpoints;
    }
}
