using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Host.Hosting;

namespace Rules.Host.OAuth;

/// <summary>
/// The authorization response of one login (RFC 6749 §4.1.2, §4.2.2, §4.1.2.1, and OAuth 2.0 Form Post Response
/// Mode): where it goes (<see cref="RedirectUri"/>, <see cref="ResponseMode"/>) and what it carries: a code, tokens,
/// or <see cref="Error"/> and <see cref="ErrorDescription"/>; always the client's <see cref="State"/>. Delivered as a
/// 302 with the parameters in the query or the fragment, or a 200 page whose form posts them. Values are encoded
/// for where they go; the page loads nothing from outside.
/// </summary>
public sealed record AuthorizeResponse(string RedirectUri, string ResponseMode)
{
    public string? Code { get; init; }
    public string? AccessToken { get; init; }
    public string? TokenType { get; init; }
    public long? ExpiresIn { get; init; }
    public string? IdToken { get; init; }
    public string? Error { get; init; }
    public string? ErrorDescription { get; init; }
    public string? State { get; init; }

    public bool IsError => Error is not null;

    /// <summary>An error the application gets at its callback (access_denied, login_required, interaction_required, ...).</summary>
    public static AuthorizeResponse Failure(string redirectUri, string responseMode, string error, string? errorDescription, string? state) =>
        new(redirectUri, responseMode) { Error = error, ErrorDescription = errorDescription, State = state };

    /// <summary>The parameters present, in the order the callback has always received them.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Parameters()
    {
        var parameters = new List<KeyValuePair<string, string?>>(5);
        Add("code", Code);
        Add("access_token", AccessToken);
        Add("token_type", TokenType);
        Add("expires_in", ExpiresIn?.ToString(CultureInfo.InvariantCulture));
        Add("id_token", IdToken);
        Add("error", Error);
        Add("error_description", ErrorDescription);
        Add("state", State);
        return parameters;

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parameters.Add(new(name, value));
            }
        }
    }

    /// <summary>Sends the browser to the callback with the response.</summary>
    public IResult ToResult(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var present = Parameters();
        return ResponseMode == ResponseModes.FormPost ? FormPost(http, RedirectUri, present) : Results.Redirect(Location(RedirectUri, ResponseMode, present));
    }

    /// <summary>
    /// A page that tells the user why, then hands the same parameters to the callback when they press the button:
    /// for a login the user is watching, so a rule's denial is read on our page before the application gets it.
    /// </summary>
    public IResult ToContinuePage(HttpContext http, string title, string message, string button)
    {
        var present = Parameters();
        var body = new StringBuilder();
        body.Append("<h1>").Append(HtmlPage.Encode(title)).Append("</h1>\n<p class=\"error\" role=\"alert\">").Append(HtmlPage.Encode(message)).Append("</p>\n");
        if (ResponseMode == ResponseModes.FormPost)
        {
            body.Append("<form method=\"post\" action=\"").Append(HtmlPage.Encode(RedirectUri)).Append("\">\n");
            AppendHiddenFields(body, present);
            body.Append("<button type=\"submit\">").Append(HtmlPage.Encode(button)).Append("</button>\n</form>");
        }
        else
        {
            body.Append("<a class=\"button\" href=\"").Append(HtmlPage.Encode(Location(RedirectUri, ResponseMode, present))).Append("\">")
                .Append(HtmlPage.Encode(button)).Append("</a>");
        }
        return HtmlPage.Render(http, title, body.ToString(), 200, FormActionOrigin(RedirectUri));
    }

    private static string Location(string callbackUrl, string responseMode, IEnumerable<KeyValuePair<string, string?>> parameters) =>
        responseMode == ResponseModes.Fragment ? WithFragment(callbackUrl, parameters) : QueryHelpers.AddQueryString(callbackUrl, parameters);

    private static string WithFragment(string callbackUrl, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var hash = callbackUrl.IndexOf('#');
        var baseUrl = hash >= 0 ? callbackUrl[..hash] : callbackUrl;
        return baseUrl + "#" + string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}"));
    }

    private static IResult FormPost(HttpContext http, string callbackUrl, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var html = HtmlEncoder.Default;
        var nonce = Secrets.NewSecret();
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Signing in</title></head>\n<body>\n");
        page.Append("<form method=\"post\" action=\"").Append(html.Encode(callbackUrl)).Append("\">\n");
        AppendHiddenFields(page, parameters);
        page.Append("<noscript><p>Script is turned off: press Continue to finish signing in.</p><button type=\"submit\">Continue</button></noscript>\n");
        page.Append("</form>\n");
        page.Append("<script nonce=\"").Append(nonce).Append("\">document.forms[0].submit();</script>\n</body>\n</html>\n");

        var formAction = FormActionOrigin(callbackUrl) is { } origin ? $" form-action {origin};" : "";
        http.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}';{formAction} frame-ancestors 'none'; base-uri 'none'";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(page.ToString(), "text/html; charset=utf-8");
    }

    private static void AppendHiddenFields(StringBuilder page, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            page.Append("<input type=\"hidden\" name=\"").Append(HtmlPage.Encode(name)).Append("\" value=\"").Append(HtmlPage.Encode(value)).Append("\">\n");
        }
    }

    /// <summary>The callback's origin for CSP form-action, so the page can post only there.</summary>
    private static string? FormActionOrigin(string callbackUrl) =>
        Uri.TryCreate(callbackUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}
