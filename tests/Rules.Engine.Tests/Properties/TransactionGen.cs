using System.Text.Json.Nodes;
using CsCheck;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Properties;

/// <summary>
/// Random logins as the host could hand them to the pipeline: profiles and contexts with odd values (long strings
/// within the sandbox's limits, unicode, NaN-ish strings, nested objects and arrays, missing fields), impersonated
/// or not. Generated as JSON text, so a failing case prints as something a person can paste into <c>rules eval</c>.
/// </summary>
internal static class TransactionGen
{
    // Ids the sample rules.json configuration names, so generated logins reach the rules' interesting branches.
    private const string SupportAgent = "auth0|64b7f0c2a1e9d3f4b5c6a7d8";
    private const string SupportAgentEmail = "maria.gonzalez@acme-support.example.com";
    private static readonly string[] ConfiguredClients = ["kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA", "Vb7nM2qW9eR4tY1uI6oP3aS8dF5gH0jK"];

    private static readonly string[] OddStrings =
    [
        "", " ", "NaN", "Infinity", "-Infinity", "-0", "1e309", "0x1F", "null", "undefined", "true", "[object Object]",
        "__proto__", "constructor", "prototype", "toString", "hasOwnProperty",
        "' OR 1=1 --", "\"; DROP TABLE users; --", "<script>alert(1)</script>", "javascript:alert(1)", "${7*7}", "{{7*7}}",
        "\u0000", "line\nbreak", "tab\tand\r\n", "\u202Eevil", "\uFEFFbom", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "مرحبا", "日本語", "👩‍💻🚀", "Zalgơ̸͎",
        "\ud800", "admin", "support", "Admin", "ADMIN",
    ];

    private static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.String[Gen.Char.AlphaNumeric, 0, 24]),
        (3, Gen.OneOf(OddStrings)),
        (2, Gen.String[0, 16]),
        // Long, but well inside MaxStringLength: conversion and the rules' string handling must cope.
        (1, Gen.Int[1_000, 200_000].Select(n => new string('x', n))));

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency(
        (4, Text.Select(s => (JsonNode?)JsonValue.Create(s))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.Double[-1e300, 1e300].Select(d => (JsonNode?)JsonValue.Create(d))),
        (1, Gen.OneOf(0.0, -0.0, 1e-320, double.MaxValue, 9007199254740993d).Select(d => (JsonNode?)JsonValue.Create(d))),
        (1, Gen.Const<JsonNode?>(() => null)));

    private static readonly Gen<string> Key = Gen.Frequency(
        (4, Gen.String[Gen.Char.AlphaNumeric, 1, 12]),
        (1, Gen.OneOf("__proto__", "constructor", "prototype", "", "a.b", "$where", "impersonated", "impersonator", "user_id", "😀", "https://auth0.com/x")));

    /// <summary>Any JSON value, nesting objects and arrays up to <paramref name="depth"/> levels.</summary>
    public static Gen<JsonNode?> Value(int depth) => depth == 0
        ? Scalar
        : Gen.Frequency((5, Scalar), (1, Object(depth - 1).Select(o => (JsonNode?)o)), (1, Array(depth - 1).Select(a => (JsonNode?)a)));

    public static Gen<JsonObject> Object(int depth) =>
        Gen.Select(Key, Value(depth)).Array[0, 5].Select(pairs =>
        {
            var obj = new JsonObject();
            foreach (var (key, value) in pairs)
            {
                obj[key] = value; // a repeated key keeps the last value, as JSON.parse does
            }
            return obj;
        });

    private static Gen<JsonArray> Array(int depth) => Value(depth).Array[0, 5].Select(items => new JsonArray(items));

    /// <summary>A field that is absent, an odd value of any type, or a plausible value.</summary>
    private static Gen<JsonNode?> Field(Gen<JsonNode?> plausible) => Gen.Frequency((3, plausible), (1, Value(2)));

    private static Gen<JsonNode?> Strings(params string[] values) => Gen.OneOf(values).Select(v => (JsonNode?)JsonValue.Create(v));

    // Half the time every field is there, so enough logins get past the sample rules' checks to reach an allow.
    private static readonly Gen<int> Present = Gen.Frequency((1, Gen.Int[0, 31]), (1, Gen.Const(31)));

    private static readonly Gen<JsonNode?> Roles = Gen.OneOf("user", "admin", "support", "billing", "<script>").Array[0, 4]
        .Select(r => (JsonNode?)new JsonArray(r.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()));

    private static readonly Gen<JsonObject> AppMetadata =
        Gen.Select(Gen.Bool, Field(Roles), Gen.Bool, Object(2), (hasRoles, roles, hasExtra, extra) =>
        {
            var md = hasExtra ? extra : new JsonObject();
            if (hasRoles) md["roles"] = roles;
            return md;
        });

    private static readonly Gen<JsonObject> User =
        Gen.Select(
            Field(Gen.Frequency((3, Strings("auth0|63f2a9c1d4e5b6a7c8d9e0f1", "auth0|63e1b8d0c3f4a5b6c7d8e9f0", SupportAgent)), (1, Text.Select(t => (JsonNode?)JsonValue.Create(t))))),
            Field(Strings("jordan.lee@gmail.com", "sam@acme.example.com", SupportAgentEmail, "not-an-email")),
            Field(Gen.Frequency((3, Gen.Const(true)), (1, Gen.Bool)).Select(b => (JsonNode?)JsonValue.Create(b))),
            Field(AppMetadata.Select(m => (JsonNode?)m)),
            Object(3),
            Present, // which of the five main fields are present
            (id, email, verified, appMetadata, extra, present) =>
            {
                var user = extra;
                foreach (var reserved in new[] { "impersonated", "impersonator" })
                {
                    user.Remove(reserved); // impersonation is decided by the transaction generator, below
                }
                if ((present & 1) != 0) user["user_id"] = id;
                if ((present & 2) != 0) user["email"] = email;
                if ((present & 4) != 0) user["email_verified"] = verified;
                if ((present & 8) != 0) user["app_metadata"] = appMetadata;
                if ((present & 16) != 0) user["name"] = "Generated User";
                return user;
            });

    private static readonly Gen<JsonObject> Impersonator =
        Gen.Select(Field(Strings(SupportAgent, "auth0|6522d1e2f3a4b5c6d7e8f9a0", "")), Field(Strings(SupportAgentEmail, "x@y")),
            (id, email) => new JsonObject { ["user_id"] = id, ["email"] = email });

    private static readonly Gen<JsonObject> Request =
        Gen.Select(Field(Strings("203.0.113.7", "::1", "999.999.1.1")), Field(Text.Select(t => (JsonNode?)JsonValue.Create(t))), Object(2), Object(1),
            (ip, userAgent, query, geoip) => new JsonObject { ["ip"] = ip, ["userAgent"] = userAgent, ["hostname"] = "localhost", ["query"] = query, ["geoip"] = geoip });

    private static readonly Gen<JsonObject> Context =
        Gen.Select(
            Field(Gen.Frequency((3, Strings(ConfiguredClients)), (1, Strings("Mn5bV0cX7zL2kJ9hG4fD1sA6pO3iU8yT", "")))),
            Field(Strings("oidc-basic-profile", "oauth2", "samlp", "wsfed", "delegation", "redirect-callback", "oauth2-refresh-token", "")),
            Field(Request.Select(r => (JsonNode?)r)),
            Field(Gen.Frequency((2, Strings("openid profile email", "")), (1, Roles))),
            Field(Gen.Int[0, 1000].Select(n => (JsonNode?)JsonValue.Create(n))),
            Present,
            (clientId, protocol, request, scope, loginsCount, present) =>
            {
                var context = new JsonObject { ["clientName"] = "Generated App", ["connection"] = "Username-Password-Authentication" };
                if ((present & 1) != 0) context["clientID"] = clientId;
                if ((present & 2) != 0) context["protocol"] = protocol;
                if ((present & 4) != 0) context["request"] = request;
                if ((present & 8) != 0) context["accessToken"] = new JsonObject { ["scope"] = scope };
                if ((present & 16) != 0) context["stats"] = new JsonObject { ["loginsCount"] = loginsCount };
                return context;
            });

    // 2020-01-01 .. 2030-12-31, minute precision: business-hours rules see every day and hour.
    private static readonly Gen<DateTimeOffset> Now =
        Gen.Int[0, 11 * 366 * 24 * 60].Select(minutes => new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes));

    public static readonly Gen<TransactionInput> Transaction =
        Gen.Select(User, Context, Gen.Bool, Impersonator, Now, Gen.ULong, (user, context, impersonated, impersonator, now, seed) =>
        {
            if (impersonated)
            {
                user["impersonated"] = true;
                user["impersonator"] = impersonator;
            }
            return new TransactionInput(user.ToJsonString(), context.ToJsonString(), now, seed);
        });
}

/// <summary>One generated login, immutable (the pipeline gets fresh objects on every run) and printable.</summary>
internal sealed record TransactionInput(string UserJson, string ContextJson, DateTimeOffset Now, ulong RandomSeed)
{
    public LoginTransaction ToTransaction() =>
        new(JsonNode.Parse(UserJson)!.AsObject(), JsonNode.Parse(ContextJson)!.AsObject(), Now);

    public ExecutionOptions Options => ExecutionOptions.Deterministic(RandomSeed);

    public override string ToString() =>
        $"now={Now:O} seed={RandomSeed}\nuser={Shorten(UserJson)}\ncontext={Shorten(ContextJson)}";

    // Long generated strings would bury the rest of a failure report.
    private static string Shorten(string json) => System.Text.RegularExpressions.Regex.Replace(json, "x{200,}", m => $"x{{{m.Length} times}}");
}
