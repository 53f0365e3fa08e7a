using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Trailmap.Web.State;

namespace Trailmap.Web.Security;

/// <summary>
/// The data-protection key ring (the keys that encrypt session and antiforgery cookies) kept in the workspace (its
/// file, or PostgreSQL with <c>--state</c>, where every node shares it) instead of the user's home folder: sessions survive a restart, a move of the file to another folder or machine,
/// and a server run under another account, and the keys go wherever the workspace's members and sessions go.
/// </summary>
public sealed class WorkspaceKeyRing : IXmlRepository
{
    private readonly WorkspaceDb db;

    public WorkspaceKeyRing(WorkspaceDb db)
    {
        this.db = db;
        db.Ensure("""
            CREATE TABLE IF NOT EXISTS data_protection_keys (
                name VARCHAR PRIMARY KEY,
                xml  VARCHAR NOT NULL)
            """);
    }

    public IReadOnlyCollection<XElement> GetAllElements() =>
        db.Query("SELECT xml FROM data_protection_keys ORDER BY name", r => XElement.Parse(r.GetString(0)));

    public void StoreElement(XElement element, string friendlyName) =>
        db.Execute(
            "INSERT INTO data_protection_keys VALUES ($name, $xml) ON CONFLICT (name) DO UPDATE SET xml = excluded.xml",
            ("name", friendlyName), ("xml", element.ToString(SaveOptions.DisableFormatting)));

    public int Count => (int)db.Scalar<long>("SELECT count(*) FROM data_protection_keys");

    /// <summary>
    /// Makes sure the ring has a key before the first request, in one workspace transaction. On PostgreSQL that
    /// transaction is serialised across nodes: nodes starting at once would otherwise each make a first key and issue
    /// cookies the others cannot open until their rings refresh (a day later); here the first node makes it and the
    /// others read it.
    /// </summary>
    public void EnsureKey(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        db.InTransaction(_ => provider.CreateProtector("trailmap.key-ring").Protect([0]));
    }
}
