
namespace Rules.Host.Errors;

/// <summary>
/// Errors as Auth0's APIs return them: <c>{ "statusCode", "error", "message", "errorCode" }</c>.
/// The message is written for the caller; it never carries a stack trace, a secret or another user's data.
/// </summary>
public sealed record Auth0Error(int StatusCode, string Error, string Message, string? ErrorCode = null) : IValidationError
{
    string IValidationError.Code => ErrorCode ?? Error;

    string IValidationError.Description => Message;

    public IResult ToResult() => Results.Json(
        new Auth0ErrorBody(StatusCode, Error, Message, ErrorCode),
        AppJsonContext.Default.Auth0ErrorBody,
        statusCode: StatusCode);

    public static Auth0Error BadRequest(string message, string errorCode = "invalid_body") => new(400, "Bad Request", message, errorCode);

    public static Auth0Error Unauthorized(string message, string errorCode = "invalid_token") => new(401, "Unauthorized", message, errorCode);

    public static Auth0Error Forbidden(string message, string errorCode = "insufficient_scope") => new(403, "Forbidden", message, errorCode);

    public static Auth0Error NotFound(string message, string errorCode = "inexistent_resource") => new(404, "Not Found", message, errorCode);

    /// <summary>
    /// The one 413 every route answers (Management API, impersonation, Dashboard, Kestrel's own limit): Auth0 still
    /// names the status as RFC 2616 did, "Request Entity Too Large".
    /// </summary>
    public static Auth0Error PayloadTooLarge(long limit) =>
        new(413, "Request Entity Too Large", $"The request body is larger than the {limit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}-byte limit.", "payload_too_large");

    public static Auth0Error Conflict(string message, string errorCode = "conflict") => new(409, "Conflict", message, errorCode);
}

public sealed record Auth0ErrorBody(int statusCode, string error, string message, string? errorCode);

/// <summary>
/// OAuth 2.0 errors: the shape /oauth/token returns (RFC 6749 §5.2), and the error and error_description an
/// authorization response carries to the callback (§4.1.2.1).
/// </summary>
public sealed record OAuthError(string Error, string ErrorDescription, int StatusCode = 400) : IValidationError
{
    string IValidationError.Code => Error;

    string IValidationError.Description => ErrorDescription;

    public IResult ToResult() => Results.Json(new OAuthErrorBody(Error, ErrorDescription), AppJsonContext.Default.OAuthErrorBody, statusCode: StatusCode);
}

public sealed record OAuthErrorBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
    [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string ErrorDescription);
