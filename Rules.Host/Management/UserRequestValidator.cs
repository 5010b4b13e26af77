using System.Net.Mail;
using System.Text.Json.Nodes;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>PATCH /api/v2/users/{id}: only the fields present change; a null attribute removes it.</summary>
public sealed record UserUpdateRequest(
    string? Email,
    bool? EmailVerified,
    bool? Blocked,
    IReadOnlyDictionary<string, string?> Attributes,
    JsonObject? AppMetadata,
    JsonObject? UserMetadata,
    string? Password,
    string? Connection);

/// <summary>POST /api/v2/users.</summary>
public sealed record UserCreateRequest(
    string Connection,
    string? UserId,
    string? Email,
    bool EmailVerified,
    bool Blocked,
    IReadOnlyDictionary<string, string> Attributes,
    JsonObject AppMetadata,
    JsonObject UserMetadata,
    string? Password);

/// <summary>
/// Validates user bodies against the subset of Auth0's user schema this server stores. Unknown fields are refused
/// (as Auth0 does) rather than silently dropped, so a typo such as "user_metdata" is visible to the caller.
/// </summary>
public static class UserRequestValidator
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    /// <summary>Profile attributes stored as plain strings.</summary>
    public static readonly string[] Attributes = ["name", "nickname", "picture", "given_name", "family_name"];

    // verify_email is accepted for compatibility with Auth0 clients; this server sends no email.
    private static readonly string[] UpdateFields = [.. Attributes, "email", "email_verified", "blocked", "app_metadata", "user_metadata", "password", "connection", "verify_email"];
    private static readonly string[] CreateFields = [.. UpdateFields, "user_id"];

    public static Validated<UserUpdateRequest> ValidateUpdate(JsonObject body)
    {
        var reader = new PayloadReader(body).AllowOnly(UpdateFields).RequireAny();
        var email = reader.String("email", maxLength: 254);
        var emailVerified = reader.Boolean("email_verified");
        var blocked = reader.Boolean("blocked");
        reader.Boolean("verify_email");
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Attributes.Where(reader.Has))
        {
            attributes[name] = reader.String(name, nullable: true, maxLength: 300);
        }
        var appMetadata = reader.Object("app_metadata");
        var userMetadata = reader.Object("user_metadata");
        var password = reader.String("password", maxLength: MaxPasswordLength);
        var connection = reader.String("connection", maxLength: 128);
        CheckEmail(reader, email);
        CheckPicture(reader, attributes.GetValueOrDefault("picture"));
        CheckPassword(reader, password);
        return reader.Error is { } error
            ? error
            : new UserUpdateRequest(email, emailVerified, blocked, attributes, appMetadata, userMetadata, password, connection);
    }

    public static Validated<UserCreateRequest> ValidateCreate(JsonObject body)
    {
        var reader = new PayloadReader(body).AllowOnly(CreateFields);
        var connection = reader.String("connection", required: true, maxLength: 128);
        var userId = reader.String("user_id", maxLength: 255);
        var email = reader.String("email", maxLength: 254);
        var emailVerified = reader.Boolean("email_verified");
        var blocked = reader.Boolean("blocked");
        reader.Boolean("verify_email");
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Attributes.Where(reader.Has))
        {
            if (reader.String(name, maxLength: 300) is { } value)
            {
                attributes[name] = value;
            }
        }
        var appMetadata = reader.Object("app_metadata");
        var userMetadata = reader.Object("user_metadata");
        var password = reader.String("password", maxLength: MaxPasswordLength);
        CheckEmail(reader, email);
        CheckPicture(reader, attributes.GetValueOrDefault("picture"));
        CheckPassword(reader, password);
        if (userId is not null && (userId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '/') || userId.EndsWith('|')))
        {
            reader.Fail("Payload validation error: 'user_id may not contain whitespace, control characters or \"/\", nor end with \"|\"' on property user_id.");
        }
        return reader.Error is { } error
            ? error
            : new UserCreateRequest(connection!, userId, email, emailVerified ?? false, blocked ?? false, attributes,
                appMetadata ?? [], userMetadata ?? [], password);
    }

    private static void CheckEmail(PayloadReader reader, string? email)
    {
        if (email is not null && !(MailAddress.TryCreate(email, out var address) && address.Address == email))
        {
            reader.Fail("Payload validation error: 'Object didn't pass validation for format email: " + email + "' on property email.");
        }
    }

    private static void CheckPicture(PayloadReader reader, string? picture)
    {
        if (picture is not null && !(Uri.TryCreate(picture, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            reader.Fail("Payload validation error: 'Object didn't pass validation for format url' on property picture.");
        }
    }

    private static void CheckPassword(PayloadReader reader, string? password)
    {
        if (password is not null && password.Length < MinPasswordLength)
        {
            reader.Fail($"PasswordStrengthError: Password is too weak; it must be at least {MinPasswordLength} characters long.");
        }
    }
}
