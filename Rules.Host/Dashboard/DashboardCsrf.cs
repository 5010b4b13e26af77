using Microsoft.AspNetCore.Antiforgery;
using Rules.Host.Hosting;

namespace Rules.Host.Dashboard;

/// <summary>
/// CSRF protection for every state-changing Dashboard request, in one place: ASP.NET Core antiforgery (cookie
/// <c>rules_csrf</c>, registered by the Login feature) checked against the form field <c>csrf</c> or, for fetch()
/// calls, the <see cref="HeaderName"/> header. The token is bound to the signed-in operator, so one operator's token
/// does not work in another's session. A request that fails the check changes nothing.
/// </summary>
public static class DashboardCsrf
{
    public const string HeaderName = "X-CSRF-Token";

    public static TBuilder RequireCsrfToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            try
            {
                await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            }
            catch (AntiforgeryValidationException)
            {
                const string message = "This page expired or did not come from this server (the CSRF token is missing or wrong). Reload the page and try again.";
                return http.Request.Path.StartsWithSegments(DashboardRoutes.Api)
                    ? Results.Json(new { statusCode = 400, error = "Bad Request", message, errorCode = "invalid_csrf_token" }, statusCode: 400)
                    : HtmlPage.Message(http, "Request refused", message, 400);
            }
            return await next(context);
        });

    /// <summary>A fresh token for the page being rendered (also sets the cookie half).</summary>
    public static string Token(HttpContext http) =>
        http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken!;

    public static string Field(string token) => $"""<input type="hidden" name="csrf" value="{HtmlPage.Encode(token)}">""";
}
