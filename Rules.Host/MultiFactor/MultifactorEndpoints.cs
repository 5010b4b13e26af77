using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Antiforgery;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Login;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.MultiFactor;

/// <summary>
/// GET and POST /login/mfa (and POST /login/mfa/continue): the second step of a login the rules allowed on condition
/// of a second factor. Like the login page, the authorization request travels in the query string and is validated
/// again; the suspended login itself is the <c>rules_mfa</c> cookie's challenge row. A user without a confirmed factor
/// enrols first (QR code, a first code, recovery codes shown once). Only a passed challenge finishes the login:
/// the rules run again with <c>{ name: 'mfa' }</c> in <c>authentication.methods</c>, then the code or tokens are issued.
/// </summary>
public static class MultifactorEndpoints
{
    private const string Expired = "This sign-in step expired or was already used. Go back to the application and sign in again.";

    public static IResult Show(HttpContext http, AuthorizeRequestValidator validator, IAntiforgery antiforgery, MultifactorChallengeStore challenges,
        FactorStore factors, TenantStore store, AuditLog audit, TimeProvider clock)
    {
        var (loaded, refusal) = Load(http, validator, challenges, store, audit, clock);
        if (loaded is null)
        {
            return refusal!;
        }
        var tokens = antiforgery.GetAndStoreTokens(http);
        return Render(http, loaded, factors, store, tokens.FormFieldName, tokens.RequestToken!);
    }

    public static async Task<IResult> SubmitAsync(HttpContext http, AuthorizeRequestValidator validator, IAntiforgery antiforgery,
        MultifactorChallengeStore challenges, FactorStore factors, MultifactorAttemptLimiter limiter, TenantStore store, AuditLog audit,
        LoginCompletion completion, SessionStore sessions, RememberBrowser remember, TimeProvider clock)
    {
        var (loaded, refusal) = Load(http, validator, challenges, store, audit, clock);
        if (loaded is null)
        {
            return refusal!;
        }
        if (await RefusedForm(http, antiforgery) is { } refused)
        {
            return refused;
        }

        var form = await http.Request.ReadFormAsync();
        var code = form[MultifactorPage.CodeField].ToString().Trim();
        var rememberRequested = form[MultifactorPage.RememberField].ToString() == "true";
        var tokens = antiforgery.GetAndStoreTokens(http);
        IResult Again(string error, int status) => Render(http, loaded, factors, store, tokens.FormFieldName, tokens.RequestToken!, error, status);

        var (request, challenge, user) = loaded;
        if (code.Length is 0 or > 32)
        {
            return Again("Enter the code.", 400);
        }
        if (limiter.IsLimited(user.UserId))
        {
            Audit(http, audit, clock, request, user, MultifactorAttemptLimiter.LimitedType, "Too many wrong codes: codes refused for now");
            return Again("Too many wrong codes. Try again later.", 429);
        }

        var enrolled = factors.Find(user.UserId) is { Confirmed: true };
        if (code.Length == Totp.Digits)
        {
            switch (factors.CheckCode(user.UserId, code))
            {
                case CodeCheck.Wrong:
                    Audit(http, audit, clock, request, user, MultifactorAttemptLimiter.FailedCodeType, "Wrong one-time code", "wrong_code");
                    return Again("That code is not right. Check your authenticator app and try again.", 401);
                case CodeCheck.Replayed:
                    Audit(http, audit, clock, request, user, MultifactorAttemptLimiter.FailedCodeType, "One-time code used again", "replayed_code");
                    return Again("That code was already used. Wait for the next one.", 401);
            }
            if (!enrolled)
            {
                Audit(http, audit, clock, request, user, MultifactorAttemptLimiter.EnrolledType, "Authenticator app enrolled");
                challenges.MarkVerified(http, rememberRequested);
                var fresh = antiforgery.GetAndStoreTokens(http);
                return MultifactorPage.RecoveryCodes(http, request, factors.NewRecoveryCodes(user.UserId), fresh.FormFieldName, fresh.RequestToken!);
            }
            Audit(http, audit, clock, request, user, MultifactorAttemptLimiter.SucceededType, "Second factor verified", "otp");
        }
        else if (enrolled && factors.UseRecoveryCode(user.UserId, code))
        {
            Audit(http, audit, clock, request, user, MultifactorAttemptLimiter.RecoverySucceededType, "Recovery code used", "recovery_code");
        }
        else
        {
            Audit(http, audit, clock, request, user, MultifactorAttemptLimiter.FailedRecoveryType, "Wrong or used recovery code", "wrong_recovery_code");
            return Again(enrolled ? "That recovery code is not valid or was already used." : "Enter the 6-digit code your app shows.", 401);
        }

        challenges.MarkVerified(http, rememberRequested);
        return await FinishAsync(http, request, challenges, store, completion, sessions, remember, clock);
    }

    /// <summary>After the recovery codes were shown: finish the verified login.</summary>
    public static async Task<IResult> ContinueAsync(HttpContext http, AuthorizeRequestValidator validator, IAntiforgery antiforgery,
        MultifactorChallengeStore challenges, TenantStore store, AuditLog audit, LoginCompletion completion, SessionStore sessions,
        RememberBrowser remember, TimeProvider clock)
    {
        var (loaded, refusal) = Load(http, validator, challenges, store, audit, clock);
        if (loaded is null)
        {
            return refusal!;
        }
        if (await RefusedForm(http, antiforgery) is { } refused)
        {
            return refused;
        }
        return await FinishAsync(http, loaded.Request, challenges, store, completion, sessions, remember, clock);
    }

    private static async Task<IResult> FinishAsync(HttpContext http, AuthorizeRequest request, MultifactorChallengeStore challenges, TenantStore store,
        LoginCompletion completion, SessionStore sessions, RememberBrowser remember, TimeProvider clock)
    {
        if (challenges.TakeVerified(http) is not { } challenge)
        {
            return HtmlPage.Message(http, "Sign-in expired", Expired, 400);
        }
        http.Response.Cookies.Delete(MultifactorChallengeStore.CookieName, MultifactorChallengeStore.CookieOptions(http, null));
        if (store.GetUser(challenge.UserId) is not { Blocked: false } user)
        {
            return HtmlPage.Message(http, "Sign-in refused", "This account is blocked or no longer exists.", 403);
        }

        SsoSession? session = null;
        if (challenge.SessionHash is { } sessionHash)
        {
            // The login came from an SSO session: it must still be that session (not ended, not swapped).
            session = sessions.Find(http);
            if (session is null || Secrets.Hash(session.Secret) != sessionHash)
            {
                return HtmlPage.Message(http, "Sign-in expired", Expired, 400);
            }
        }

        var methods = (JsonArray)challenge.Methods.DeepClone();
        methods.Add(LoginTransactionBuilder.Method("mfa", clock.GetUtcNow()));
        var kind = session is null ? LoginKind.Password : LoginKind.SingleSignOn;
        var login = await completion.CompleteAsync(http, request, user, kind, session, proof: new MultifactorProof(methods, challenge.LoginsCount, challenge.AuthenticatedAt));
        if (login.Outcome.IsAllowed)
        {
            if (challenge.AllowRemember && challenge.RememberRequested)
            {
                remember.Remember(http, user.UserId);
            }
            return login.ToResult(http);
        }
        return login.Suspended ?? login.Response!.ToContinuePage(http,
            "Sign-in refused", login.Outcome.ErrorDescription ?? "Access denied.", $"Return to {request.Client.Name}");
    }

    private sealed record Loaded(AuthorizeRequest Request, MultifactorChallenge Challenge, TenantUser User);

    /// <summary>The validated authorize request and the open challenge it belongs to, or the answer to give instead.</summary>
    private static (Loaded? Loaded, IResult? Refusal) Load(HttpContext http, AuthorizeRequestValidator validator, MultifactorChallengeStore challenges, TenantStore store,
        AuditLog audit, TimeProvider clock)
    {
        var validation = validator.Validate(http.Request.Query);
        if (validation.Request is not { } request)
        {
            return (null, AuthorizeEndpoint.Refuse(http, validation, audit, clock));
        }
        var challenge = challenges.Find(http);
        if (challenge is null || challenge.ClientId != request.Client.ClientId || challenge.Connection != request.Connection.Name)
        {
            return (null, HtmlPage.Message(http, "Sign-in expired", Expired, 400));
        }
        if (store.GetUser(challenge.UserId) is not { Blocked: false } user)
        {
            return (null, HtmlPage.Message(http, "Sign-in refused", "This account is blocked or no longer exists.", 403));
        }
        return (new Loaded(request, challenge, user), null);
    }

    private static async Task<IResult?> RefusedForm(HttpContext http, IAntiforgery antiforgery)
    {
        if (!http.Request.HasFormContentType)
        {
            return HtmlPage.Message(http, "Sign-in failed", "The form was not sent as a form.", 400);
        }
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return HtmlPage.Message(http, "Sign-in failed", "This page expired or did not come from this server. Go back and try again.", 400);
        }
    }

    private static IResult Render(HttpContext http, Loaded loaded, FactorStore factors, TenantStore store, string csrfField, string csrfToken,
        string? error = null, int statusCode = 200)
    {
        var (request, challenge, user) = loaded;
        // StartEnrollment is null when the factor is already confirmed (also by a concurrent request): challenge then.
        var started = factors.Find(user.UserId) is { Confirmed: true } ? null : factors.StartEnrollment(user.UserId);
        if (started is not { } enrolment)
        {
            return MultifactorPage.Challenge(http, request, challenge.AllowRemember, csrfField, csrfToken, error, statusCode);
        }
        var secret = enrolment.Secret;
        var issuer = store.GetSettings().FriendlyName;
        var qr = QrCodeSvg.Render(Totp.ProvisioningUri(issuer, user.Email ?? user.UserId, secret));
        return MultifactorPage.Enroll(http, request, qr, secret, challenge.AllowRemember, csrfField, csrfToken, error, statusCode);
    }

    private static void Audit(HttpContext http, AuditLog audit, TimeProvider clock, AuthorizeRequest request, TenantUser user, string type,
        string description, string? method = null)
    {
        var details = new JsonObject { ["connection"] = request.Connection.Name };
        if (method is not null)
        {
            details["method"] = method;
        }
        audit.Write(AuditEntry.For(http, clock.GetUtcNow(), type, description) with
        {
            ClientId = request.Client.ClientId,
            ClientName = request.Client.Name,
            UserId = user.UserId,
            UserName = user.Email,
            Details = details,
        });
    }
}
