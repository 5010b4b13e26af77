using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Rules.Host.Storage;

/// <summary>
/// ASP.NET Core Data Protection's key ring in the store's <c>data_protection_keys</c> table, so every instance decrypts
/// the antiforgery tokens and Dashboard cookies another one issued. Two instances that create a key at the same moment
/// both keep theirs: the ring holds every key, and either decrypts payloads protected with either.
/// </summary>
public sealed class DatabaseXmlRepository(Database database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Open();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY name").Select(XElement.Parse).ToList();
    }

    /// <summary>Stored under <paramref name="friendlyName"/> ("key-{id}") when free, else under a new unique name: a key is never lost.</summary>
    public void StoreElement(XElement element, string friendlyName)
    {
        var xml = element.ToString(SaveOptions.DisableFormatting);
        using var connection = database.Open();
        const string insert = "INSERT INTO data_protection_keys(name, xml) VALUES (@name, @xml) ON CONFLICT DO NOTHING";
        if (string.IsNullOrEmpty(friendlyName) || connection.Execute(insert, new { name = friendlyName, xml }) == 0)
        {
            connection.Execute(insert, new { name = Guid.NewGuid().ToString(), xml });
        }
    }
}
