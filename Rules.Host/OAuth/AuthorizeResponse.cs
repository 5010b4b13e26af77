using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.WebUtilities;

namespace Rules.Host.OAuth;

/// <summary>
/// Delivers the authorization response to the callback (RFC 6749 §4.1.2, §4.2.2, and OAuth 2.0 Form Post
/// Response Mode): a 302 with the parameters in the query or the fragment, or a 200 page whose form posts
/// them. Values are encoded for where they go; the page loads nothing from outside.
/// </summary>
public static class AuthorizeResponse
{
    public static IResult Create(HttpContext http, string callbackUrl, string responseMode, IReadOnlyList<KeyValuePair<string, string?>> parameters)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var present = parameters.Where(p => p.Value is not null).ToArray();
        return responseMode switch
        {
            ResponseModes.Query => Results.Redirect(QueryHelpers.AddQueryString(callbackUrl, present)),
            ResponseModes.Fragment => Results.Redirect(WithFragment(callbackUrl, present)),
            _ => FormPost(http, callbackUrl, present),
        };
    }

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
        foreach (var (name, value) in parameters)
        {
            page.Append("<input type=\"hidden\" name=\"").Append(html.Encode(name)).Append("\" value=\"").Append(html.Encode(value!)).Append("\">\n");
        }
        page.Append("<noscript><p>Script is turned off: press Continue to finish signing in.</p><button type=\"submit\">Continue</button></noscript>\n");
        page.Append("</form>\n");
        page.Append("<script nonce=\"").Append(nonce).Append("\">document.forms[0].submit();</script>\n</body>\n</html>\n");

        var formAction = Uri.TryCreate(callbackUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? $" form-action {uri.GetLeftPart(UriPartial.Authority)};"
            : "";
        http.Response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}';{formAction} frame-ancestors 'none'; base-uri 'none'";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(page.ToString(), "text/html; charset=utf-8");
    }
}
