using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;

namespace Rules.Host.GeoIp;

/// <summary>
/// Looks addresses up in a MaxMind-format database (GeoLite2 or GeoIP2, City or Country editions; <c>.mmdb</c>) with
/// MaxMind's own reader, memory-mapped and thread-safe, opened once at start-up. A Country database gives no city,
/// coordinates or time zone: those fields are then absent.
/// </summary>
public sealed class MaxMindGeoIpLookup : IGeoIpLookup, IDisposable
{
    private readonly DatabaseReader _reader;
    private readonly bool _hasCities;

    public MaxMindGeoIpLookup(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Rules:GeoIp:Database names '{path}', which does not exist. Point it at a MaxMind .mmdb file (e.g. GeoLite2-City.mmdb), or remove the setting to serve logins without context.request.geoip.");
        }
        try
        {
            _reader = new DatabaseReader(path, FileAccessMode.MemoryMapped);
        }
        catch (InvalidDatabaseException e)
        {
            throw new InvalidOperationException($"Rules:GeoIp:Database: '{path}' is not a MaxMind database ({e.Message}).", e);
        }
        _hasCities = _reader.Metadata.DatabaseType.Contains("City", StringComparison.OrdinalIgnoreCase);
    }

    public GeoIpLocation? Lookup(IPAddress address)
    {
        if (_hasCities)
        {
            return _reader.TryCity(address, out var city) && city is not null
                ? new GeoIpLocation(city.Country.IsoCode, city.Country.Name, city.City.Name, city.Location.Latitude, city.Location.Longitude,
                    city.Location.TimeZone, city.Continent.Code)
                : null;
        }
        return _reader.TryCountry(address, out var country) && country is not null
            ? new GeoIpLocation(country.Country.IsoCode, country.Country.Name, null, null, null, null, country.Continent.Code)
            : null;
    }

    public void Dispose() => _reader.Dispose();
}
