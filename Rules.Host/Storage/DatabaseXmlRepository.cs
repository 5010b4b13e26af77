using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Rules.Host.Storage;

/// <summary>
/// ASP.NET Core Data Protection's key ring in the store's <c>data_protection_keys</c> table, so every instance decrypts
/// the antiforgery tokens and Dashboard cookies another one issued. Two instances that create a key at the same moment
/// both keep theirs: the ring holds every key, and either decrypts payloads protected with either. Each element is
/// encrypted whole under the key-encryption key (<see cref="KeyEncryption"/>) when one is configured.
/// </summary>
public sealed class DatabaseXmlRepository(Database database, KeyEncryption? encryption = null) : IXmlRepository
{
    private readonly KeyEncryption _encryption = encryption ?? KeyEncryption.None;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Open();
        return connection.Query<(string Name, string Xml)>("SELECT name, xml FROM data_protection_keys ORDER BY name")
            .Select(row => XElement.Parse(_encryption.Unprotect(row.Xml, KeysAtRest.DataProtectionKeySlot(row.Name))))
            .ToList();
    }

    /// <summary>Stored under <paramref name="friendlyName"/> ("key-{id}") when free, else under a new unique name: a key is never lost.</summary>
    public void StoreElement(XElement element, string friendlyName)
    {
        var xml = element.ToString(SaveOptions.DisableFormatting);
        using var connection = database.Open();
        bool Insert(string name) => connection.Execute("INSERT INTO data_protection_keys(name, xml) VALUES (@name, @xml) ON CONFLICT DO NOTHING",
            new { name, xml = _encryption.Protect(xml, KeysAtRest.DataProtectionKeySlot(name)) }) == 1;
        if (string.IsNullOrEmpty(friendlyName) || !Insert(friendlyName))
        {
            Insert(Guid.NewGuid().ToString());
        }
    }
}
