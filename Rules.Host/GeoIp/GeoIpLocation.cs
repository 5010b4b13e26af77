using System.Net;
using System.Text.Json.Nodes;

namespace Rules.Host.GeoIp;

/// <summary>Where an address is, as far as the database knows: the fields of Auth0's <c>context.request.geoip</c>.</summary>
public sealed record GeoIpLocation(
    string? CountryCode,
    string? CountryName,
    string? CityName,
    double? Latitude,
    double? Longitude,
    string? TimeZone,
    string? ContinentCode)
{
    /// <summary>Auth0's shape; <c>country_code3</c> is derived from the two-letter code. A field the database lacks is absent.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        void Add(string name, JsonNode? value)
        {
            if (value is not null) json[name] = value;
        }
        Add("country_code", CountryCode);
        Add("country_code3", CountryCodes.ToAlpha3(CountryCode));
        Add("country_name", CountryName);
        Add("city_name", CityName);
        Add("latitude", Latitude);
        Add("longitude", Longitude);
        Add("time_zone", TimeZone);
        Add("continent_code", ContinentCode);
        return json;
    }
}

/// <summary>
/// The seam between logins and a geolocation database: <see cref="MaxMindGeoIpLookup"/> in production, a fake in tests.
/// Registered only when the operator names a database (<c>Rules:GeoIp:Database</c>); without one, logins carry no geoip.
/// </summary>
public interface IGeoIpLookup
{
    /// <summary>The address's location, or null when the database has no record of it.</summary>
    GeoIpLocation? Lookup(IPAddress address);
}
