using System.Text.Json.Nodes;

namespace Rules.Engine.Pipeline;

/// <summary>Which of the user's metadata objects an update changes.</summary>
public enum MetadataKind
{
    /// <summary><c>app_metadata</c>: what the application and rules own; users cannot change it.</summary>
    AppMetadata,
    /// <summary><c>user_metadata</c>: what the user may edit.</summary>
    UserMetadata,
}

/// <summary>
/// A metadata change a rule asked for through auth0.users.updateAppMetadata / updateUserMetadata.
/// The host merges it into the stored user (top-level keys, null removes a key, as Auth0's PATCH does),
/// and only when the login is allowed.
/// </summary>
public sealed record MetadataUpdate(MetadataKind Kind, string UserId, JsonObject Metadata, string Rule);
