using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rules.PeerComparison.Engines;

/// <summary>What a native rule works on during one login; mirrors what the JavaScript rules read and write.</summary>
public sealed class NativeLogin(JsonObject user, JsonObject context, DateTimeOffset now)
{
    private JsonObject? _appMetadata;

    public JsonObject User { get; } = user;
    public JsonObject Context { get; } = context;
    public DateTimeOffset Now { get; } = now;
    public JsonObject IdToken { get; } = [];
    public JsonObject AccessToken { get; } = [];
    public List<string> Logs { get; } = [];
    public List<JsonObject> MetadataUpdates { get; } = [];
    public string CurrentRule { get; set; } = "";

    public bool Impersonated => User["impersonated"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
    public string? ImpersonatorEmail => (string?)User["impersonator"]?["email"];
    public string? ImpersonatorId => (string?)User["impersonator"]?["user_id"];

    /// <summary>app_metadata as the rules see it: copied on first write, so the transaction itself is never changed.</summary>
    public JsonObject AppMetadata => _appMetadata ??= User["app_metadata"] is JsonObject md ? (JsonObject)md.DeepClone() : [];

    public void Log(string text) => Logs.Add($"[{CurrentRule}] {text}");
}

/// <summary>A rule's verdict: null lets the login go on; otherwise the denial's error code and description.</summary>
public sealed record NativeDenial(bool Unauthorized, string Description);

/// <summary>
/// The seven sample rules (Rules.Samples/rules) hand-written in C#, keyed by file name: the floor an engine
/// cannot beat. Configuration is parsed once per pipeline, as a C# author would.
/// </summary>
public sealed class NativeRules
{
    private const string Namespace = "https://rules.example.com/";
    private static readonly string[] Days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private readonly string[] _agents;
    private readonly string[] _clients;
    private readonly string _offsetSetting;
    private readonly int? _offsetMinutes;

    public NativeRules(IReadOnlyDictionary<string, string> configuration)
    {
        _agents = SplitList(configuration.GetValueOrDefault("SUPPORT_AGENTS"));
        _clients = SplitList(configuration.GetValueOrDefault("IMPERSONATION_CLIENTS"));
        _offsetSetting = (configuration.GetValueOrDefault("BUSINESS_HOURS_UTC_OFFSET") ?? "+00:00").Trim();
        var match = Regex.Match(_offsetSetting, @"^([+-])?(\d{1,2})(?::?(\d{2}))?$");
        _offsetMinutes = match.Success
            ? (match.Groups[1].Value == "-" ? -1 : 1) * (int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) * 60
                + (match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0))
            : null;
    }

    public Func<NativeLogin, NativeDenial?> ForFile(string file) => file switch
    {
        "impersonation-support-agents-only.js" => SupportAgentsOnly,
        "impersonation-no-admin-targets.js" => NoAdminTargets,
        "impersonation-allowed-clients.js" => AllowedClients,
        "impersonation-business-hours.js" => BusinessHours,
        "email-verified.js" => EmailVerified,
        "impersonation-token-claims.js" => TokenClaims,
        "add-roles-and-count-visits.js" => AddRolesAndCountVisits,
        _ => throw new ArgumentException($"no native version of rule file '{file}'", nameof(file)),
    };

    private static string[] SplitList(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private NativeDenial? SupportAgentsOnly(NativeLogin login)
    {
        if (!login.Impersonated) return null;
        var email = (login.ImpersonatorEmail ?? "").ToLowerInvariant();
        var id = login.ImpersonatorId;
        foreach (var agent in _agents)
        {
            if (agent.Contains('@') ? agent.ToLowerInvariant() == email : agent == id) return null;
        }
        login.Log($"Impersonation of {(string?)login.User["user_id"]} refused: {(string.IsNullOrEmpty(login.ImpersonatorEmail) ? id : login.ImpersonatorEmail)} is not in SUPPORT_AGENTS");
        return new NativeDenial(true, "You are not allowed to impersonate users.");
    }

    private static NativeDenial? NoAdminTargets(NativeLogin login)
    {
        if (!login.Impersonated) return null;
        var roles = login.AppMetadata["roles"] as JsonArray;
        if (roles is null || !roles.Any(r => (string?)r is "admin" or "owner")) return null;
        login.Log($"{login.ImpersonatorEmail} tried to impersonate {(string?)login.User["email"]}, who has roles {string.Join(", ", roles.Select(r => (string?)r))}");
        return new NativeDenial(false, "Administrator accounts cannot be impersonated.");
    }

    private NativeDenial? AllowedClients(NativeLogin login)
    {
        if (!login.Impersonated) return null;
        var clientId = (string?)login.Context["clientID"];
        var optedIn = login.Context["clientMetadata"]?["allow_impersonation"] is JsonValue v && v.TryGetValue<string>(out var s) && s == "true";
        if (Array.IndexOf(_clients, clientId) >= 0 || optedIn) return null;
        var clientName = (string?)login.Context["clientName"];
        login.Log($"Impersonation into {clientName} ({clientId}) refused for {login.ImpersonatorEmail}");
        return new NativeDenial(true, $"Impersonation is not enabled for {(string.IsNullOrEmpty(clientName) ? "this application" : clientName)}.");
    }

    private NativeDenial? BusinessHours(NativeLogin login)
    {
        if (!login.Impersonated) return null;
        if (_offsetMinutes is not { } offset) return new NativeDenial(false, "Impersonation is unavailable: BUSINESS_HOURS_UTC_OFFSET is misconfigured.");
        var desk = login.Now.UtcDateTime.AddMinutes(offset);
        var day = (int)desk.DayOfWeek;
        if (day is >= 1 and <= 5 && desk.Hour is >= 8 and < 18) return null;
        login.Log($"Impersonation by {login.ImpersonatorEmail} refused at {Days[day]} {desk:HH:mm} desk time (UTC{_offsetSetting})");
        return new NativeDenial(true, "Impersonation is only allowed during support hours (Monday to Friday, 08:00-18:00).");
    }

    private static NativeDenial? EmailVerified(NativeLogin login) =>
        login.User["email_verified"] is JsonValue v && v.TryGetValue<bool>(out var verified) && verified
            ? null
            : new NativeDenial(true, "Please verify your email before logging in.");

    private static NativeDenial? TokenClaims(NativeLogin login)
    {
        if (!login.Impersonated) return null;
        var email = login.ImpersonatorEmail;
        var id = login.ImpersonatorId;
        login.IdToken[Namespace + "impersonated"] = true;
        login.IdToken[Namespace + "impersonator"] = email;
        login.AccessToken[Namespace + "impersonated"] = true;
        login.AccessToken[Namespace + "impersonator"] = email;
        login.AccessToken[Namespace + "impersonator_id"] = id;
        var requested = (string?)login.Context["request"]?["query"]?["scope"] ?? "";
        login.AccessToken["scope"] = new JsonArray(requested.Split(' ')
            .Where(s => s.Length > 0 && !s.StartsWith("delete:", StringComparison.Ordinal)).Select(s => (JsonNode)s).ToArray());
        login.Log($"{email} ({id}) is signed in as {(string?)login.User["email"]} on {(string?)login.Context["clientName"]}");
        return null;
    }

    private static NativeDenial? AddRolesAndCountVisits(NativeLogin login)
    {
        var metadata = login.AppMetadata;
        JsonNode roles = metadata["roles"] is JsonArray r ? r : new JsonArray();
        login.IdToken[Namespace + "roles"] = roles.DeepClone();
        login.AccessToken[Namespace + "roles"] = roles.DeepClone();
        if (login.Impersonated) return null;

        var visits = metadata["visits"] is JsonValue v && v.TryGetValue<double>(out var n) ? n : 0;
        metadata["visits"] = visits + 1;
        metadata["last_visit"] = login.Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        login.MetadataUpdates.Add(new JsonObject
        {
            ["kind"] = "app_metadata",
            ["user_id"] = (string?)login.User["user_id"],
            ["metadata"] = metadata.DeepClone(),
            ["rule"] = login.CurrentRule,
        });
        return null;
    }
}
