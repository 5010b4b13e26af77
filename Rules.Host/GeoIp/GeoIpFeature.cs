namespace Rules.Host.GeoIp;

/// <summary>Operator settings under <c>Rules:GeoIp</c>.</summary>
public sealed class GeoIpOptions
{
    public const string Section = "Rules:GeoIp";

    /// <summary>Path to a MaxMind-format database (.mmdb). Unset: logins carry no <c>context.request.geoip</c>.</summary>
    public string? Database { get; set; }
}

/// <summary>
/// Registers the geolocation lookup when the operator names a database. The composition root (HostApp) opens
/// it at start-up, so a wrong path stops the server with a clear message instead of failing logins.
/// </summary>
public static class GeoIpFeature
{
    public static IServiceCollection AddGeoIp(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(GeoIpOptions.Section).Get<GeoIpOptions>() ?? new GeoIpOptions();
        if (!string.IsNullOrWhiteSpace(options.Database))
        {
            var path = Path.GetFullPath(options.Database);
            services.AddSingleton<IGeoIpLookup>(_ => new MaxMindGeoIpLookup(path));
        }
        return services;
    }
}
