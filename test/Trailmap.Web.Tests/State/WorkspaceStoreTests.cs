using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using Trailmap.Delivery.Tests.Infrastructure;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;
using Trailmap.Web.Security;
using Trailmap.Web.Sharing;
using Trailmap.Web.State;
using Trailmap.Web.Tests.Editing;

namespace Trailmap.Web.Tests.State;

/// <summary>
/// The workspace's stores (members, sessions, API keys, journeys and versions, share links, the data-protection key
/// ring) as a contract: the same cases on the DuckDB file (<see cref="DuckDbWorkspaceStoreTests"/>) and on PostgreSQL
/// (<see cref="PostgresWorkspaceStoreTests"/>), each checked with plain SQL on the engine's tables.
/// </summary>
public abstract class WorkspaceStoreTests : IDisposable
{
    // 09:15:30.1234567 UTC: the last tick is below a microsecond, so a store that kept it (or PostgreSQL rounding it
    // up) would read back a different time than the one both engines keep, .123456.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 15, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset StartTime = Start.AddTicks(1_234_567);
    private static readonly DateTimeOffset StoredStart = Start.AddTicks(1_234_560);

    private const string Password = "correct horse battery staple";

    protected FakeTimeProvider Time { get; } = new(StartTime);

    /// <summary>Opens the workspace on the engine under test (a second call opens a second node where the engine has nodes).</summary>
    protected abstract WorkspaceDb Open();

    /// <summary>The oracle: one number of plain SQL on the engine's tables, on a connection of its own.</summary>
    protected abstract long Count(string sql);

    public abstract void Dispose();

    [Fact]
    public void Members_the_first_admin_is_made_once_an_email_is_a_member_once_and_a_disabled_member_cannot_sign_in()
    {
        using var db = Open();
        var users = new UserStore(db, Time, new SessionStore(db, Time));

        var admin = users.CreateFirstAdmin("Ada@Example.test", "Ada", Password);
        admin.ShouldNotBeNull().Id.ShouldBe(1);
        users.CreateFirstAdmin("eve@example.test", "Eve", Password).ShouldBeNull();
        var bob = users.Create("bob@example.test", "Bob", Password, Role.Editor);
        bob.Id.ShouldBe(2);
        Should.Throw<AccountException>(() => users.Create("ADA@example.test", "Ada again", Password, Role.Viewer))
            .Message.ShouldBe("ada@example.test is already a member of this workspace.");

        users.Verify("ada@example.test", Password).ShouldNotBeNull().Role.ShouldBe(Role.Admin);
        users.Verify("ada@example.test", Password + "!").ShouldBeNull();
        users.SetDisabled(bob.Id, true);
        users.Verify("bob@example.test", Password).ShouldBeNull();

        var read = users.FindByEmail("ADA@EXAMPLE.TEST").ShouldNotBeNull();
        read.Email.ShouldBe("ada@example.test");
        read.CreatedAt.ShouldBe(StoredStart);
        users.All().Select(u => u.Email).ShouldBe(["ada@example.test", "bob@example.test"]);
        Count("SELECT count(*) FROM users").ShouldBe(2);
        Count("SELECT count(*) FROM users WHERE disabled").ShouldBe(1);
        // Only PasswordHasher's hash is kept.
        Count($"SELECT count(*) FROM users WHERE password_hash = '{Password}'").ShouldBe(0);
    }

    [Fact]
    public void Sessions_live_fourteen_idle_days_and_end_with_sign_out_or_a_role_change()
    {
        using var db = Open();
        var sessions = new SessionStore(db, Time);
        var users = new UserStore(db, Time, sessions);
        var ada = users.CreateFirstAdmin("ada@example.test", "Ada", Password)!;

        var kept = sessions.Start(ada.Id);
        var idle = sessions.Start(ada.Id);
        sessions.CountFor(ada.Id).ShouldBe(2);
        Time.Advance(TimeSpan.FromDays(10));
        sessions.Find(kept).ShouldBe(ada.Id);   // used on day 10: its last use moves there
        Time.Advance(TimeSpan.FromDays(5));
        sessions.Find(kept).ShouldBe(ada.Id);   // idle 5 days
        sessions.Find(idle).ShouldBeNull();     // idle 15 days > 14

        sessions.End(kept);
        sessions.Find(kept).ShouldBeNull();

        // Starting a session drops the expired one (idle) from the table.
        var changer = sessions.Start(ada.Id);
        var other = sessions.Start(ada.Id);
        users.SetRole(ada.Id, Role.Editor, keepSession: changer);
        sessions.Find(changer).ShouldBe(ada.Id);
        sessions.Find(other).ShouldBeNull();
        Count("SELECT count(*) FROM sessions").ShouldBe(1);
        Count($"SELECT count(*) FROM sessions WHERE id_hash = '{changer}'").ShouldBe(0);   // only the hash is stored
    }

    [Fact]
    public void Api_keys_are_found_by_their_secret_until_revoked_and_their_use_is_recorded()
    {
        using var db = Open();
        var keys = new ApiKeyStore(db, Time);

        var (key, secret) = keys.Create("website tracking", ApiKeyKind.Ingest);
        key.Id.ShouldBe(1);
        keys.Find(secret).ShouldNotBeNull().Kind.ShouldBe(ApiKeyKind.Ingest);
        keys.Touch(key);
        keys.All().Single().LastUsedAt.ShouldBe(StoredStart);
        Count($"SELECT count(*) FROM api_keys WHERE hash = '{ApiKeyStore.Hash(secret)}'").ShouldBe(1);

        keys.Revoke(key.Id).ShouldBeTrue();
        keys.Find(secret).ShouldBeNull();
        keys.Revoke(key.Id).ShouldBeFalse();
        Count("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL").ShouldBe(1);
    }

    [Fact]
    public void Journeys_keep_every_version_refuse_a_stale_save_and_revert_by_saving_anew()
    {
        using var db = Open();
        var journeys = new JourneyStore(db, Time);
        var changed = EditorTests.Yaml.Replace("title: Free trial to paid", "title: Trial to paid", StringComparison.Ordinal);

        var trial = journeys.Create(EditorTests.Yaml, "ada");
        (trial.Slug, trial.Version, trial.CreatedAt).ShouldBe(("trial", 1, StoredStart));
        var copy = journeys.Create(EditorTests.Yaml, "ada");
        (copy.Slug, copy.Title).ShouldBe(("trial-2", "Free trial to paid (copy)"));

        Time.Advance(TimeSpan.FromMinutes(1));
        var saved = journeys.Save(trial, changed, "bob", "Shorter title", expectedVersion: 1);
        (saved.Version, saved.Title, saved.UpdatedBy).ShouldBe((2, "Trial to paid", "bob"));
        Should.Throw<JourneyConflictException>(() => journeys.Save(trial, changed + "# again\n", "eve", "", expectedVersion: 1)).Latest.ShouldBe(2);

        var reverted = journeys.Revert(saved, 1, "ada");
        reverted.Version.ShouldBe(3);
        journeys.Latest(reverted).Yaml.ShouldBe(EditorTests.Yaml);
        journeys.Versions(trial.Id).Select(v => (v.Version, v.Message)).ShouldBe([(3, "Reverted to version 1"), (2, "Shorter title"), (1, "Created")]);

        journeys.Delete(copy);
        journeys.All().Select(j => j.Slug).ShouldBe(["trial"]);
        journeys.Find("trial-2").ShouldBeNull();
        Count("SELECT count(*) FROM journey_versions").ShouldBe(4);   // trial's 3, the copy's 1
        Count("SELECT count(*) FROM journeys WHERE deleted_at IS NOT NULL").ShouldBe(1);
    }

    [Fact]
    public void Share_links_open_their_journey_until_they_expire_or_are_revoked()
    {
        using var db = Open();
        var journey = new JourneyStore(db, Time).Create(EditorTests.Yaml, "ada");
        var links = new ShareLinkStore(db, Time);

        var (week, token) = links.Create(journey.Id, "ada", "board", TimeSpan.FromDays(7), ShareReveal.Owners);
        week.ExpiresAt.ShouldBe(StartTime + TimeSpan.FromDays(7));
        links.Resolve(token).ShouldBe(new ShareGrant(journey.Id, ShareReveal.Owners));
        var (forever, second) = links.Create(journey.Id, "ada", null, lifetime: null);
        links.Live(journey.Id).Select(l => l.Id).ShouldBe([forever.Id, week.Id]);   // newest first

        Time.Advance(TimeSpan.FromDays(7));   // expires at this instant: no longer live
        links.Resolve(token).ShouldBeNull();
        links.Resolve(second).ShouldNotBeNull();
        links.Revoke(journey.Id, forever.Id, "ada").ShouldBeTrue();
        links.Resolve(second).ShouldBeNull();
        links.Live(journey.Id).ShouldBeEmpty();
        Count("SELECT count(*) FROM share_links WHERE revoked_by = 'ada'").ShouldBe(1);
        Count($"SELECT count(*) FROM share_links WHERE token_hash = '{token}'").ShouldBe(0);   // only the hash is stored
    }

    [Fact]
    public void The_key_ring_keeps_one_element_per_name_the_latest_written()
    {
        using var db = Open();
        var ring = new WorkspaceKeyRing(db);

        ring.StoreElement(new XElement("key", new XAttribute("id", "a")), "key-a");
        ring.StoreElement(new XElement("key", new XAttribute("id", "b"), "first"), "key-b");
        ring.StoreElement(new XElement("key", new XAttribute("id", "b"), "second"), "key-b");

        ring.Count.ShouldBe(2);
        ring.GetAllElements().Select(e => e.ToString(SaveOptions.DisableFormatting))
            .ShouldBe(["<key id=\"a\" />", "<key id=\"b\">second</key>"]);
        Count("SELECT count(*) FROM data_protection_keys WHERE xml LIKE '%second%'").ShouldBe(1);
    }
}

/// <summary>The stores in a DuckDB file, as without <c>--state</c>.</summary>
public sealed class DuckDbWorkspaceStoreTests : WorkspaceStoreTests
{
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-workspace-").FullName;

    private string PathToFile => Path.Combine(dir, "workspace.duckdb");

    protected override WorkspaceDb Open() => new(PathToFile);

    protected override long Count(string sql)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=" + PathToFile);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The stores in PostgreSQL (<c>--state</c>), and what only several nodes on one database can show.</summary>
public sealed class PostgresWorkspaceStoreTests : WorkspaceStoreTests
{
    private readonly PostgresState postgres = new();

    protected override WorkspaceDb Open() => WorkspaceDb.Open(postgres.Address);

    protected override long Count(string sql) => postgres.Count(sql);

    public override void Dispose()
    {
        postgres.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Two_nodes_setting_up_at_once_make_exactly_one_admin()
    {
        using var nodeA = Open();
        using var nodeB = Open();
        var stores = new[] { nodeA, nodeB }.Select(db => new UserStore(db, Time, new SessionStore(db, Time))).ToArray();

        // Eight setups, four on each node, all at once: the first-member check and the insert are one transaction
        // serialised across nodes, so exactly one wins and the others see a member.
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(
            () => stores[i % 2].CreateFirstAdmin($"admin{i}@example.test", "Admin", "correct horse battery staple"),
            TestContext.Current.CancellationToken));
        var made = await Task.WhenAll(attempts);

        made.Count(u => u is not null).ShouldBe(1);
        Count("SELECT count(*) FROM users").ShouldBe(1);
    }

    [Fact]
    public void What_one_node_changes_the_other_reads_at_once()
    {
        using var nodeA = Open();
        using var nodeB = Open();
        var keysA = new ApiKeyStore(nodeA, Time);
        var keysB = new ApiKeyStore(nodeB, Time);
        var (key, secret) = keysA.Create("website tracking", ApiKeyKind.Ingest);
        keysB.Find(secret).ShouldNotBeNull();   // found once on B: on a single file it would now be cached

        keysA.Revoke(key.Id).ShouldBeTrue();
        keysB.Find(secret).ShouldBeNull();

        var journeysA = new JourneyStore(nodeA, Time);
        var journeysB = new JourneyStore(nodeB, Time);
        var trial = journeysA.Create(EditorTests.Yaml, "ada");
        journeysB.Find("trial").ShouldNotBeNull().Version.ShouldBe(1);
        journeysA.Save(trial, EditorTests.Yaml + "# saved on A\n", "ada", "on A");
        journeysB.Find("trial").ShouldNotBeNull().Version.ShouldBe(2);
    }

    [Fact]
    public void The_workspace_tables_are_a_versioned_component_and_a_newer_version_is_refused()
    {
        using (Open())
        {
        }

        Count("SELECT version FROM trailmap_schema_versions WHERE component = 'workspace'").ShouldBe(PostgresWorkspaceSchema.Steps.Count);
        using (Open())
        {
            // A second open applies nothing again (the tables exist: a second CREATE TABLE would fail).
        }

        Count("UPDATE trailmap_schema_versions SET version = 2 WHERE component = 'workspace' RETURNING version").ShouldBe(2);
        var refused = Should.Throw<InvalidOperationException>(() => Open()).Message;
        refused.ShouldStartWith("the workspace tables in postgres://");
        refused.ShouldContain(" are at version 2, written by a newer Trailmap; this one knows versions up to 1");
    }
}
