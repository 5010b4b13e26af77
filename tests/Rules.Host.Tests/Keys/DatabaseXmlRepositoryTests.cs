using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.Storage;
using Rules.Host.Tests.Storage;

namespace Rules.Host.Tests.Keys;

/// <summary>Data Protection keys in the store: two instances read each other's antiforgery tokens and cookies.</summary>
public sealed class DatabaseXmlRepositoryTests : IDisposable
{
    private TestStore? _store;

    public void Dispose() => _store?.Dispose();

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Stores_and_returns_elements(string kind)
    {
        _store = TestStore.Create(kind);
        var repository = new DatabaseXmlRepository(Database());
        repository.StoreElement(new XElement("key", new XAttribute("id", "1"), new XElement("secret", "a")), "key-1");
        repository.StoreElement(new XElement("key", new XAttribute("id", "2")), "key-1"); // name taken: kept under another
        repository.StoreElement(new XElement("key", new XAttribute("id", "3")), null!);

        var elements = new DatabaseXmlRepository(Database()).GetAllElements();
        elements.Select(e => e.Attribute("id")!.Value).Should().BeEquivalentTo("1", "2", "3");
        elements.Single(e => e.Attribute("id")!.Value == "1").Element("secret")!.Value.Should().Be("a");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Two_instances_unprotect_each_others_payloads(string kind)
    {
        _store = TestStore.Create(kind);
        var first = Protector(Database());
        var second = Protector(Database());

        var fromFirst = first.Protect("antiforgery token");
        second.Unprotect(fromFirst).Should().Be("antiforgery token");
        var fromSecond = second.Protect("dashboard cookie");
        first.Unprotect(fromSecond).Should().Be("dashboard cookie");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Instances_making_their_first_key_at_once_under_the_start_up_lock_share_one(string kind)
    {
        _store = TestStore.Create(kind);
        var databases = Enumerable.Range(0, 6).Select(_ => Database()).ToArray();
        var protectors = databases.Select(Protector).ToArray();
        using var start = new Barrier(protectors.Length);

        // What HostApp does at start: the first Protect makes the key ring, and the key when there is none.
        var payloads = protectors.AsParallel().WithDegreeOfParallelism(protectors.Length).Select((protector, i) =>
        {
            start.SignalAndWait();
            string payload = "";
            databases[i].RunExclusively(() => payload = protector.Protect($"from {i}"));
            return payload;
        }).ToArray();

        new DatabaseXmlRepository(Database()).GetAllElements().Should().ContainSingle("the first instance made the key and the others found it");
        foreach (var protector in protectors)
        {
            payloads.Select(protector.Unprotect).Should().BeEquivalentTo(Enumerable.Range(0, protectors.Length).Select(i => $"from {i}"));
        }
    }

    private static IDataProtector Protector(Database database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("rules");
        services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new DatabaseXmlRepository(database));
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
    }

    private Database Database() => _store!.OpenAnother();
}
