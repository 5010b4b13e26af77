using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Rules.Host.Risk;

/// <summary>
/// Auth0's <c>context.riskAssessment</c> (Adaptive MFA's shape): <c>{ confidence, version: "1", assessments: { NewDevice,
/// UntrustedIP } }</c>, each assessment <c>{ confidence, code, details }</c> and the overall confidence the lowest of
/// them. NewDevice compares the browser's device cookie and user agent with the user's history (<see cref="DeviceHistory"/>);
/// UntrustedIP looks the client's address up in the operator's deny list (<c>Rules:Risk:UntrustedIps</c>). Auth0's
/// ImpossibleTravel is not assessed (it needs the geolocation of every past login).
/// </summary>
public sealed class RiskAssessor(DeviceHistory devices, IOptions<RiskOptions> options)
{
    private readonly IReadOnlyList<(string Entry, IPNetwork Network)> _untrusted = options.Value.ParseUntrustedIps();

    public JsonObject Assess(string userId, HttpContext http)
    {
        var newDevice = NewDevice(userId, http);
        var untrustedIp = UntrustedIp(http.Connection.RemoteIpAddress);
        return new JsonObject
        {
            ["confidence"] = Lowest(newDevice["confidence"]!.GetValue<string>(), untrustedIp["confidence"]!.GetValue<string>()),
            ["version"] = "1",
            ["assessments"] = new JsonObject { ["NewDevice"] = newDevice, ["UntrustedIP"] = untrustedIp },
        };
    }

    private JsonObject NewDevice(string userId, HttpContext http)
    {
        var userAgent = http.Request.Headers.UserAgent.ToString();
        var (hasHistory, deviceKnown, userAgentKnown) = devices.Check(userId, DeviceHistory.IncomingDeviceId(http), userAgent);
        var (confidence, code) = (hasHistory, deviceKnown, userAgentKnown) switch
        {
            (false, _, _) => ("neutral", "initial_login"),
            (_, true, true) => ("high", "match"),
            (_, true, false) or (_, false, true) => ("medium", "partial_match"),
            _ => ("low", "no_match"),
        };
        return new JsonObject
        {
            ["confidence"] = confidence,
            ["code"] = code,
            ["details"] = new JsonObject { ["device"] = deviceKnown ? "known" : "unknown", ["useragent"] = userAgentKnown ? "known" : "unknown" },
        };
    }

    private JsonObject UntrustedIp(IPAddress? address)
    {
        if (address is null)
        {
            return new JsonObject { ["confidence"] = "neutral", ["code"] = "invalid_ip_address", ["details"] = new JsonObject() };
        }
        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var matches = _untrusted.Where(u => u.Network.Contains(ip)).Select(u => (JsonNode?)u.Entry).ToArray();
        return matches.Length > 0
            ? new JsonObject
            {
                ["confidence"] = "low",
                ["code"] = "found_on_deny_list",
                ["details"] = new JsonObject { ["ip"] = ip.ToString(), ["matches"] = new JsonArray(matches), ["source"] = "Rules:Risk:UntrustedIps", ["category"] = "configured" },
            }
            : new JsonObject { ["confidence"] = "high", ["code"] = "not_found_on_deny_list", ["details"] = new JsonObject { ["ip"] = ip.ToString() } };
    }

    /// <summary>low &lt; medium &lt; high; neutral says nothing, so it wins only when every assessment is neutral.</summary>
    private static string Lowest(params string[] confidences)
    {
        string[] order = ["low", "medium", "high"];
        var rated = confidences.Where(c => c != "neutral").ToArray();
        return rated.Length == 0 ? "neutral" : rated.MinBy(c => Array.IndexOf(order, c))!;
    }
}

public static class RiskFeature
{
    public static IServiceCollection AddRisk(this IServiceCollection services)
    {
        services.AddOptions<RiskOptions>().BindConfiguration(RiskOptions.Section);
        services.AddSingleton<DeviceHistory>();
        services.AddSingleton<RiskAssessor>();
        return services;
    }
}
