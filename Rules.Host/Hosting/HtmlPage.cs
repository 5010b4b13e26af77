using System.Text.Encodings.Web;

namespace Rules.Host.Hosting;

/// <summary>
/// The server's own HTML pages (login, errors, sign-out): one small layout with its styles inline, nothing loaded
/// from anywhere (CSP default-src 'none'), never framed, never cached. Every value put into a page goes through
/// <see cref="Encode"/>.
/// </summary>
public static class HtmlPage
{
    private const string Styles = """
        *{box-sizing:border-box}
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f4f5f7;color:#1d2330;line-height:1.45}
        main{max-width:24rem;margin:4rem auto;padding:2rem 1.75rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
        h1{font-size:1.35rem;margin:0 0 .25rem}
        p.app{margin:0 0 1.25rem;color:#5b6472}
        label{display:block;font-weight:600;margin:.9rem 0 .3rem}
        input[type=email],input[type=password]{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #8d96a5;border-radius:.3rem}
        input:focus,button:focus,a:focus{outline:3px solid #2f6fde;outline-offset:1px}
        button,a.button{display:inline-block;margin-top:1.25rem;width:100%;padding:.7rem;font:inherit;font-weight:600;text-align:center;text-decoration:none;
          color:#fff;background:#2456b5;border:0;border-radius:.3rem;cursor:pointer}
        .error{margin:1rem 0 0;padding:.7rem .8rem;border-left:4px solid #b3261e;background:#fcebea;color:#7a1410}
        @media (max-width:30rem){main{margin:0;border-radius:0;box-shadow:none;min-height:100vh}}
        """;

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>A complete page; <paramref name="body"/> is trusted markup built with <see cref="Encode"/>.</summary>
    public static IResult Render(HttpContext http, string title, string body, int statusCode = 200, string? formAction = null)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        http.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'{(formAction is null ? "" : " " + formAction)}; frame-ancestors 'none'; base-uri 'none'";
        return Results.Content($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{Encode(title)}</title>
            <style>{Styles}</style></head>
            <body><main>
            {body}
            </main></body>
            </html>
            """, "text/html; charset=utf-8", statusCode: statusCode);
    }

    /// <summary>A page with a heading and one message, for errors and confirmations.</summary>
    public static IResult Message(HttpContext http, string title, string message, int statusCode) =>
        Render(http, title, $"<h1>{Encode(title)}</h1>\n<p>{Encode(message)}</p>", statusCode);
}
