using System.Text.Json.Serialization;

namespace Rules.Host.Errors;

[JsonSerializable(typeof(Auth0ErrorBody))]
[JsonSerializable(typeof(OAuthErrorBody))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
