using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;
using static Rules.Host.Tests.Hostile.HostileInputs;

namespace Rules.Host.Tests.Hostile;

/// <summary>
/// The catalogue of issue 8's "hostile input at the HTTP edge": malformed and hostile requests against every endpoint,
/// each with the refusal it must get. Grouped by endpoint; a case's name says what it tries.
/// </summary>
internal static class HostileRequests
{
    private const string Jordan = HostHarness.Jordan;

    public static IReadOnlyList<HostileRequest> All { get; } =
    [
        // ---- POST /oauth/token ----
        new("token: truncated JSON", _ => Ok(Raw(HttpMethod.Post, "/oauth/token", "{\"grant_type\": \"client_credentials\",")), HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: wrong types (number grant_type, array client_id)", _ => Ok(Raw(HttpMethod.Post, "/oauth/token", "{\"grant_type\": 42, \"client_id\": [\"x\"], \"client_secret\": {}}")), HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: body over the size limit", _ => Ok(Raw(HttpMethod.Post, "/oauth/token", HugeJsonBody("client_secret"))), HttpStatusCode.RequestEntityTooLarge, Refusal.OAuthJson),
        new("token: text/plain body", _ => Ok(Raw(HttpMethod.Post, "/oauth/token", "grant_type=client_credentials", "text/plain")), HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: repeated form parameter", _ => Ok(Raw(HttpMethod.Post, "/oauth/token",
            $"grant_type=client_credentials&client_id={HostHarness.ToolingClientId}&client_id={HostHarness.PortalId}&client_secret={HostHarness.ToolingSecret}", "application/x-www-form-urlencoded")),
            HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: form body over the size limit", _ => Ok(Raw(HttpMethod.Post, "/oauth/token", HugeFormBody("client_secret"), "application/x-www-form-urlencoded")), HttpStatusCode.RequestEntityTooLarge, Refusal.OAuthJson),
        new("token: body that is not UTF-8", _ => Ok(new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new ByteArrayContent([(byte)'{', 0xff, 0xfe, (byte)'}']) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        }), HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: HTTP Basic credentials that are not base64", _ => Ok(WithAuthorization(Raw(HttpMethod.Post, "/oauth/token",
            "grant_type=client_credentials&audience=" + Uri.EscapeDataString(HostHarness.ManagementAudience), "application/x-www-form-urlencoded"), "Basic !!!" + SqlOr)),
            HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: SQL in client_id", _ => Ok(TokenRequest(new() { ["grant_type"] = "client_credentials", ["client_id"] = SqlOr, ["client_secret"] = SqlOr, ["audience"] = HostHarness.ManagementAudience })),
            HttpStatusCode.Unauthorized, Refusal.OAuthJson),
        new("token: SQL in client_secret of a real client", _ => Ok(TokenRequest(new() { ["grant_type"] = "client_credentials", ["client_id"] = HostHarness.ToolingClientId, ["client_secret"] = SqlDrop, ["audience"] = HostHarness.ManagementAudience })),
            HttpStatusCode.Unauthorized, Refusal.OAuthJson),
        new("token: script as grant_type, unknown fields", _ => Ok(TokenRequest(new() { ["grant_type"] = Script, ["client_id"] = HostHarness.ToolingClientId, ["client_secret"] = HostHarness.ToolingSecret, ["is_admin"] = true, ["__proto__"] = new JsonObject() })),
            HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: replayed authorization code", async h =>
        {
            var code = await h.CodeAsync();
            (await h.ExchangeAsync(code)).EnsureSuccessStatusCode();
            return Exchange(code);
        }, HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: code with a redirect_uri other than the one it was issued for", async h => Exchange(await h.CodeAsync(), redirectUri: EvilCallback), HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: code issued to one app redeemed by another", async h => Exchange(await h.CodeAsync(), HostHarness.BillingId, HostHarness.BillingSecret, HostHarness.BillingCallback), HttpStatusCode.BadRequest, Refusal.OAuthJson),
        new("token: forged code", _ => Ok(Exchange(SqlOr)), HttpStatusCode.BadRequest, Refusal.OAuthJson),

        // ---- POST /users/{id}/impersonate ----
        new("impersonate: no token", _ => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), token: null)), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("impersonate: token signed by another RSA key", h => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), ForgedTokens.SignedByAnotherKey(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("impersonate: alg none token", h => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), ForgedTokens.AlgNone(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("impersonate: expired token", h => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), ForgedTokens.Expired(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("impersonate: token for the userinfo audience", h => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), ForgedTokens.ForAudience(h, HostHarness.Issuer + "userinfo"))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("impersonate: claims swapped under a genuine signature", h => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), ForgedTokens.WithSwappedPayload(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("impersonate: token without impersonate:users", h => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), ForgedTokens.WithScope(h, "read:users"))), HttpStatusCode.Forbidden, Refusal.Auth0Json),
        new("impersonate: 64 KB Authorization header", _ => Ok(Impersonate(Jordan, HostHarness.ImpersonationBody().ToJsonString(), HugeHeaderValue()[7..])), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("impersonate: truncated JSON", async h => Impersonate(Jordan, "{\"protocol\": \"oauth2\", \"impersonator_id\": ", await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: additionalParameters is a string", async h => Impersonate(Jordan, With(HostHarness.ImpersonationBody(), "additionalParameters", "response_type=code"), await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: body over the size limit", async h => Impersonate(Jordan, HugeJsonBody(), await Admin(h)), HttpStatusCode.RequestEntityTooLarge, Refusal.Auth0Json),
        new("impersonate: callback_url on another host", async h => Impersonate(Jordan, HostHarness.ImpersonationBody(callbackUrl: EvilCallback).ToJsonString(), await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: callback_url that only starts like an allowed one", async h => Impersonate(Jordan, HostHarness.ImpersonationBody(callbackUrl: LookalikeCallback).ToJsonString(), await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: javascript: callback_url", async h => Impersonate(Jordan, HostHarness.ImpersonationBody(callbackUrl: JavascriptUrl).ToJsonString(), await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: SQL as impersonator_id", async h => Impersonate(Jordan, HostHarness.ImpersonationBody(impersonatorId: SqlOr).ToJsonString(), await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: script as client_id and state", async h => Impersonate(Jordan, HostHarness.ImpersonationBody(clientId: Script, state: Script).ToJsonString(), await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: an impersonator who may not impersonate (their email must not come back)", async h => Impersonate(Jordan, HostHarness.ImpersonationBody(impersonatorId: HostHarness.Noor).ToJsonString(), await Admin(h)),
            HttpStatusCode.Forbidden, Refusal.Auth0Json),
        new("impersonate: a 100 KB state to carry into the redirect", async h => Impersonate(Jordan, HostHarness.ImpersonationBody(state: new string('s', 100 * 1024)).ToJsonString(), await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("impersonate: SQL as the user id in the path", async h => Impersonate(SqlDrop, HostHarness.ImpersonationBody().ToJsonString(), await Admin(h)), HttpStatusCode.NotFound, Refusal.Auth0Json),

        // ---- GET /impersonation/{secret} ----
        new("link: made-up secret", _ => Ok(Get("/impersonation/" + new string('A', 43))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("link: script as the secret", _ => Ok(Get("/impersonation/" + Uri.EscapeDataString(Script))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("link: made-up secret, asked for as JSON", _ => Ok(WithAccept(Get("/impersonation/" + Uri.EscapeDataString(SqlOr)), "application/json")), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("link: followed a second time", async h =>
        {
            var link = await h.CreateLinkAsync();
            (await h.FollowAsync(link)).StatusCode.Should().Be(HttpStatusCode.Redirect);
            return Get(link);
        }, HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("link: followed after it expired", async h =>
        {
            var link = await h.CreateLinkAsync();
            h.Clock.Advance(TimeSpan.FromHours(1));
            return Get(link);
        }, HttpStatusCode.BadRequest, Refusal.HtmlPage),

        // ---- GET /authorize ----
        new("authorize: redirect_uri on another host", _ => Ok(Get("/authorize?" + LoginBrowser.Query(redirectUri: EvilCallback, state: Script))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("authorize: redirect_uri with userinfo trick", _ => Ok(Get("/authorize?" + LoginBrowser.Query(redirectUri: UserinfoCallback))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("authorize: scheme-relative redirect_uri", _ => Ok(Get("/authorize?" + LoginBrowser.Query(redirectUri: SchemeRelative))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("authorize: javascript: redirect_uri", _ => Ok(Get("/authorize?" + LoginBrowser.Query(redirectUri: JavascriptUrl))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("authorize: a state over 2048 characters", _ => Ok(Get("/authorize?" + LoginBrowser.Query(state: new string('s', 60_000)))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("authorize: client_id given twice", _ => Ok(Get("/authorize?" + LoginBrowser.Query(extra: ("client_id", HostHarness.BillingId)))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("authorize: script as client_id", _ => Ok(Get("/authorize?" + LoginBrowser.Query(clientId: Script, state: Script))), HttpStatusCode.BadRequest, Refusal.HtmlPage),

        // ---- GET and POST /login ----
        new("login page: SQL as client_id", _ => Ok(Get("/login?" + LoginBrowser.Query(clientId: SqlOr))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("login page: redirect_uri on another host", _ => Ok(Get("/login?" + LoginBrowser.Query(redirectUri: EvilCallback))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("login: no CSRF token, SQL and script in the credentials", _ => Ok(LoginPost(LoginBrowser.Query(state: Script), $"email={Uri.EscapeDataString(SqlOr)}&password={Uri.EscapeDataString(Script)}")),
            HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("login: forged CSRF token for a real user", _ => Ok(LoginPost(LoginBrowser.Query(), $"csrf=CfDJ8forged&email={Uri.EscapeDataString(HostHarness.JordanEmail)}&password=Sample-Passw0rd!")),
            HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("login: valid CSRF token, script as the email, SQL as the password", h => WithCsrf(h, LoginBrowser.Query(state: Script),
            $"email={Uri.EscapeDataString(Script + "@example.com")}&password={Uri.EscapeDataString(SqlDrop)}"), HttpStatusCode.Unauthorized, Refusal.HtmlPage),
        new("login: valid CSRF token, SQL as the email", h => WithCsrf(h, LoginBrowser.Query(),
            $"email={Uri.EscapeDataString(SqlOr)}&password={Uri.EscapeDataString(SqlOr)}"), HttpStatusCode.Unauthorized, Refusal.HtmlPage),
        new("login: JSON instead of a form", _ => Ok(Raw(HttpMethod.Post, "/login?" + LoginBrowser.Query(), "{\"email\":\"jordan.lee@gmail.com\",\"password\":\"Sample-Passw0rd!\"}")),
            HttpStatusCode.BadRequest, Refusal.HtmlPage),

        // ---- GET /v2/logout ----
        new("logout: returnTo on another host", _ => Ok(Get($"/v2/logout?client_id={HostHarness.PortalId}&returnTo={Uri.EscapeDataString(EvilCallback)}")), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("logout: javascript: returnTo, script as client_id", _ => Ok(Get($"/v2/logout?client_id={Uri.EscapeDataString(Script)}&returnTo={Uri.EscapeDataString(JavascriptUrl)}")), HttpStatusCode.BadRequest, Refusal.HtmlPage),

        // ---- GET /oidc/logout ----
        new("oidc logout: id_token_hint signed by another key, redirect to another host", h => Ok(Get("/oidc/logout?id_token_hint=" + ForgedTokens.SignedByAnotherKey(h, PortalIdToken(h))
            + "&post_logout_redirect_uri=" + Uri.EscapeDataString(EvilCallback) + "&state=" + Uri.EscapeDataString(Script))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("oidc logout: alg none id_token_hint", h => Ok(Get("/oidc/logout?id_token_hint=" + ForgedTokens.AlgNone(h, PortalIdToken(h))
            + "&post_logout_redirect_uri=" + Uri.EscapeDataString(EvilCallback))), HttpStatusCode.BadRequest, Refusal.HtmlPage),
        new("oidc logout: javascript: post_logout_redirect_uri", _ => Ok(Get($"/oidc/logout?client_id={HostHarness.PortalId}&post_logout_redirect_uri={Uri.EscapeDataString(JavascriptUrl)}")),
            HttpStatusCode.BadRequest, Refusal.HtmlPage),

        // ---- GET /userinfo ----
        new("userinfo: alg none token for a real user", h => Ok(Get("/userinfo", ForgedTokens.AlgNone(h, new JsonObject
        {
            ["sub"] = Jordan, ["iss"] = HostHarness.Issuer, ["aud"] = HostHarness.Issuer + "userinfo", ["scope"] = "openid profile email",
            ["exp"] = h.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(),
        }))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("userinfo: 64 KB Authorization header", _ => Ok(WithAuthorization(Get("/userinfo"), HugeHeaderValue())), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("userinfo: Management API token", h => Ok(Get("/userinfo", ForgedTokens.ForAudience(h, HostHarness.ManagementAudience, Jordan))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("userinfo: token signed by another RSA key", h => Ok(Get("/userinfo", ForgedTokens.SignedByAnotherKey(h, new JsonObject
        {
            ["sub"] = Jordan, ["iss"] = HostHarness.Issuer, ["aud"] = HostHarness.Issuer + "userinfo", ["scope"] = "openid profile email",
            ["exp"] = h.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(),
        }))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),

        // ---- /api/v2/users ----
        new("users: list with a forged token", h => Ok(Get("/api/v2/users", ForgedTokens.SignedByAnotherKey(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("users: list with a non-numeric per_page", async h => Get("/api/v2/users?per_page=" + Uri.EscapeDataString(SqlOr), await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("users: get by a SQL id", async h => Get("/api/v2/users/" + Uri.EscapeDataString(SqlOr), await Admin(h)), HttpStatusCode.NotFound, Refusal.Auth0Json),
        new("users: patch with wrong types", async h => Send(HttpMethod.Patch, "/api/v2/users/" + Uri.EscapeDataString(Jordan), "{\"email\": 42, \"blocked\": \"yes\"}", await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("users: patch with an unknown field", async h => Send(HttpMethod.Patch, "/api/v2/users/" + Uri.EscapeDataString(Jordan), "{\"is_admin\": true}", await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("users: patch with JSON nested 1000 deep", async h => Send(HttpMethod.Patch, "/api/v2/users/" + Uri.EscapeDataString(Jordan), "{\"app_metadata\": {\"x\": " + DeepJson(1000) + "}}", await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("users: patch without a content type", async h => Send(HttpMethod.Patch, "/api/v2/users/" + Uri.EscapeDataString(Jordan), null, await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("users: patch without a token", _ => Ok(Send(HttpMethod.Patch, "/api/v2/users/" + Uri.EscapeDataString(Jordan), "{\"blocked\": true}", token: null)), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("users: create with a script email and SQL password", async h => Send(HttpMethod.Post, "/api/v2/users",
            new JsonObject { ["connection"] = "Username-Password-Authentication", ["email"] = Script, ["password"] = SqlDrop }.ToJsonString(), await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("users: create with truncated JSON", async h => Send(HttpMethod.Post, "/api/v2/users", "{\"email\": \"x@example.com\", ", await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("users: create with a body over the size limit", async h => Send(HttpMethod.Post, "/api/v2/users", HugeJsonBody("email"), await Admin(h)), HttpStatusCode.RequestEntityTooLarge, Refusal.Auth0Json),
        new("users: create with an alg none token", h => Ok(Send(HttpMethod.Post, "/api/v2/users",
            "{\"connection\":\"Username-Password-Authentication\",\"email\":\"mallory@example.com\",\"password\":\"Str0ng-Passw0rd!\"}", ForgedTokens.AlgNone(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),

        // ---- /api/v2/rules ----
        new("rules: create with a script that is SQL", async h => Send(HttpMethod.Post, "/api/v2/rules", new JsonObject { ["name"] = "sql", ["script"] = SqlDrop }.ToJsonString(), await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("rules: create with a script tag as its name", async h => Send(HttpMethod.Post, "/api/v2/rules",
            new JsonObject { ["name"] = Script, ["script"] = "function (user, context, callback) { callback(null, user, context); }" }.ToJsonString(), await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("rules: create with an expired token", h => Ok(Send(HttpMethod.Post, "/api/v2/rules",
            new JsonObject { ["name"] = "allow-all", ["script"] = "function (user, context, callback) { callback(null, user, context); }" }.ToJsonString(), ForgedTokens.Expired(h))),
            HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("rules: patch a SQL id", async h => Send(HttpMethod.Patch, "/api/v2/rules/" + Uri.EscapeDataString(SqlOr), "{\"enabled\": false}", await Admin(h)), HttpStatusCode.NotFound, Refusal.Auth0Json),
        new("rules: patch with wrong types", async h => Send(HttpMethod.Patch, "/api/v2/rules/" + await FirstRuleId(h), "{\"enabled\": \"false\", \"order\": \"first\"}", await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("rules: delete with a token signed by another key", async h => Send(HttpMethod.Delete, "/api/v2/rules/" + await FirstRuleId(h), null, ForgedTokens.SignedByAnotherKey(h)), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("rules: delete with a read-only token", async h => Send(HttpMethod.Delete, "/api/v2/rules/" + await FirstRuleId(h), null, ForgedTokens.WithScope(h, "read:rules")), HttpStatusCode.Forbidden, Refusal.Auth0Json),

        // ---- /api/v2/rules-configs/{key} ----
        new("rules-configs: SQL as the key", async h => Send(HttpMethod.Put, "/api/v2/rules-configs/" + Uri.EscapeDataString(SqlOr), "{\"value\": \"x\"}", await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("rules-configs: a number as the value", async h => Send(HttpMethod.Put, "/api/v2/rules-configs/SUPPORT_AGENTS", "{\"value\": 5}", await Admin(h)), HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("rules-configs: a form body instead of JSON", async h => WithAuthorization(Raw(HttpMethod.Put, "/api/v2/rules-configs/SUPPORT_AGENTS", "value=" + Uri.EscapeDataString(SqlOr), "application/x-www-form-urlencoded"), "Bearer " + await Admin(h)),
            HttpStatusCode.BadRequest, Refusal.Auth0Json),
        new("rules-configs: a body over the size limit", async h => Send(HttpMethod.Put, "/api/v2/rules-configs/SUPPORT_AGENTS", HugeJsonBody("value"), await Admin(h)), HttpStatusCode.RequestEntityTooLarge, Refusal.Auth0Json),
        new("rules-configs: delete with an alg none token", h => Ok(Send(HttpMethod.Delete, "/api/v2/rules-configs/SUPPORT_AGENTS", null, ForgedTokens.AlgNone(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),

        // ---- /api/v2/logs and /api/v2/decision-logs ----
        new("logs: token without read:logs", h => Ok(Get("/api/v2/logs", ForgedTokens.WithScope(h, "read:users"))), HttpStatusCode.Forbidden, Refusal.Auth0Json),
        new("logs: alg none token", h => Ok(Get("/api/v2/logs?q=" + Uri.EscapeDataString(SqlOr), ForgedTokens.AlgNone(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("logs: a SQL log id", async h => Get("/api/v2/logs/" + Uri.EscapeDataString(SqlDrop), await Admin(h)), HttpStatusCode.NotFound, Refusal.Auth0Json),
        new("decision-logs: token signed by another key", h => Ok(Get("/api/v2/decision-logs", ForgedTokens.SignedByAnotherKey(h))), HttpStatusCode.Unauthorized, Refusal.Auth0Json),
        new("decision-logs: a script as the id", async h => Get("/api/v2/decision-logs/" + Uri.EscapeDataString(Script), await Admin(h)), HttpStatusCode.NotFound, Refusal.Auth0Json),
    ];

    public static HostileRequest Find(string name) => All.Single(c => c.Name == name);

    /// <summary>A genuine Management token with every scope: whatever refuses the request, it is not the token.</summary>
    private static Task<string> Admin(HostHarness h) => Task.FromResult(ForgedTokens.WithScope(h, ForgedTokens.AllScopes));

    private static Task<HttpRequestMessage> Ok(HttpRequestMessage request) => Task.FromResult(request);

    private static HttpRequestMessage Get(string url, string? token = null) => Send(HttpMethod.Get, url, null, token);

    private static HttpRequestMessage Raw(HttpMethod method, string url, string body, string contentType = "application/json") =>
        new(method, url) { Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)) };

    private static HttpRequestMessage Send(HttpMethod method, string url, string? json, string? token)
    {
        var request = json is null ? new HttpRequestMessage(method, url) : Raw(method, url, json);
        if (token is not null)
        {
            // Added without validation: a 64 KB or malformed value must reach the server as sent.
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }
        return request;
    }

    /// <summary>
    /// A login form post that passes the CSRF check: the page's token and its antiforgery cookie, fetched with a
    /// throwaway client, so whatever refuses the request is what the form carries.
    /// </summary>
    private static async Task<HttpRequestMessage> WithCsrf(HostHarness h, string query, string form)
    {
        using var browser = h.NewClient();
        using var page = await browser.GetAsync("/login?" + query);
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.Should().Be(HttpStatusCode.OK, html);
        var cookies = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);
        var request = LoginPost(query, $"csrf={Uri.EscapeDataString(LoginBrowser.Csrf(html))}&{form}");
        request.Headers.Add("Cookie", string.Join("; ", cookies));
        return request;
    }

    /// <summary>The claims of an ID token the portal would hold for Jordan.</summary>
    private static JsonObject PortalIdToken(HostHarness h) => new()
    {
        ["sub"] = Jordan, ["iss"] = HostHarness.Issuer, ["aud"] = HostHarness.PortalId,
        ["iat"] = h.Clock.GetUtcNow().ToUnixTimeSeconds(), ["exp"] = h.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(),
    };

    private static HttpRequestMessage WithAuthorization(HttpRequestMessage request, string value)
    {
        request.Headers.TryAddWithoutValidation("Authorization", value);
        return request;
    }

    private static HttpRequestMessage WithAccept(HttpRequestMessage request, string value)
    {
        request.Headers.TryAddWithoutValidation("Accept", value);
        return request;
    }

    private static HttpRequestMessage TokenRequest(JsonObject body) => Raw(HttpMethod.Post, "/oauth/token", body.ToJsonString());

    private static HttpRequestMessage Exchange(string code, string clientId = HostHarness.PortalId, string secret = HostHarness.PortalSecret, string redirectUri = HostHarness.PortalCallback) =>
        TokenRequest(new() { ["grant_type"] = "authorization_code", ["client_id"] = clientId, ["client_secret"] = secret, ["code"] = code, ["redirect_uri"] = redirectUri });

    private static HttpRequestMessage Impersonate(string userId, string body, string? token) =>
        Send(HttpMethod.Post, $"/users/{Uri.EscapeDataString(userId)}/impersonate", body, token);

    private static HttpRequestMessage LoginPost(string query, string form) => Raw(HttpMethod.Post, "/login?" + query, form, "application/x-www-form-urlencoded");

    private static string With(JsonObject body, string name, JsonNode value)
    {
        body[name] = value;
        return body.ToJsonString();
    }

    private static async Task<string> FirstRuleId(HostHarness h)
    {
        using var request = Get("/api/v2/rules", await Admin(h));
        var response = await h.Client.SendAsync(request);
        var rules = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return rules[0]!["id"]!.GetValue<string>();
    }
}
