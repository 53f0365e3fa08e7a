using System.CommandLine;
using Shouldly;
using Trailmap.Cli.Commands;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.State;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary>trailmap users and trailmap keys on a real store file, checked through the workspace's own stores.</summary>
public sealed class AccountCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("trailmap-accounts-").FullName;

    private string Db => Path.Combine(dir, "workspace.duckdb");

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>The workspace tables of the file, opened as the server opens them.</summary>
    private (UserStore Users, ApiKeyStore Keys, WorkspaceDb Db) Open()
    {
        var db = new WorkspaceDb(Db);
        return (new UserStore(db, TimeProvider.System, new SessionStore(db, TimeProvider.System)), new ApiKeyStore(db, TimeProvider.System), db);
    }

    [Fact]
    public async Task Users_add_without_a_password_generates_one_and_prints_it_once()
    {
        var run = await CliRun.RunAsync("users", "add", "Ada@Example.test", "--role", "admin", "--name", "Ada", "--db", Db);
        run.ExitCode.ShouldBe(0, run.ToString());
        var password = run.Out.Trim();
        password.Length.ShouldBe(20);
        run.Err.ShouldContain("added admin ada@example.test (Ada)");

        var (users, _, db) = Open();
        using (db)
        {
            var ada = users.Verify("ada@example.test", password);
            ada.ShouldNotBeNull();
            ada.Role.ShouldBe(Role.Admin);
        }

        var list = await CliRun.RunAsync("users", "list", "--db", Db);
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Out.ShouldContain("ada@example.test");
        list.Out.ShouldContain("admin");
        list.Out.ShouldNotContain(password);
    }

    [Fact]
    public async Task Users_add_reads_the_password_from_stdin()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var terminal = Terminal.ForWriters(stdout, stderr);
        var root = new RootCommand { UsersCommand.Create(terminal, TimeProvider.System, () => new StringReader("a passphrase from a pipe\nignored second line\n")) };
        var code = await root.Parse(["users", "add", "grace@example.test", "--role", "viewer", "--password-stdin", "--db", Db])
            .InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
        code.ShouldBe(0, stderr.ToString());
        stdout.ToString().ShouldBeEmpty();

        var (users, _, db) = Open();
        using (db)
        {
            users.Verify("grace@example.test", "a passphrase from a pipe")!.Role.ShouldBe(Role.Viewer);
        }
    }

    [Fact]
    public async Task Users_add_refuses_a_second_member_with_the_same_email_and_an_unknown_role()
    {
        (await CliRun.RunAsync("users", "add", "ada@example.test", "--role", "editor", "--db", Db)).ExitCode.ShouldBe(0);
        var again = await CliRun.RunAsync("users", "add", "ada@example.test", "--role", "viewer", "--db", Db);
        again.ExitCode.ShouldBe(1);
        again.Err.ShouldContain("ada@example.test is already a member of this workspace");

        var badRole = await CliRun.RunAsync("users", "add", "bob@example.test", "--role", "owner", "--db", Db);
        badRole.ExitCode.ShouldNotBe(0);
        badRole.Err.ShouldContain("owner");
    }

    [Fact]
    public async Task Listing_a_store_that_does_not_exist_says_how_to_make_one_and_creates_nothing()
    {
        var missing = Path.Combine(dir, "none.duckdb");
        var run = await CliRun.RunAsync("keys", "list", "--db", missing);
        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("no workspace store at");
        File.Exists(missing).ShouldBeFalse();
    }

    [Fact]
    public async Task Keys_are_created_listed_and_revoked()
    {
        var created = await CliRun.RunAsync("keys", "create", "--kind", "read", "--name", "reporting", "--db", Db);
        created.ExitCode.ShouldBe(0, created.ToString());
        var secret = created.Out.Trim();
        secret.ShouldStartWith("tm_read_");
        created.Err.ShouldContain("created read key 1 'reporting'");

        var list = await CliRun.RunAsync("keys", "list", "--db", Db);
        list.Out.ShouldContain("reporting");
        list.Out.ShouldContain(secret[..(secret.LastIndexOf('_') + 5)]);
        list.Out.ShouldContain("never");
        list.Out.ShouldNotContain(secret);

        var (_, keys, db) = Open();
        using (db)
        {
            keys.Find(secret)!.Kind.ShouldBe(ApiKeyKind.Read);
        }

        var revoked = await CliRun.RunAsync("keys", "revoke", "1", "--db", Db);
        revoked.ExitCode.ShouldBe(0, revoked.ToString());
        revoked.Err.ShouldContain("revoked read key 1 'reporting'");
        (_, keys, db) = Open();
        using (db)
        {
            keys.Find(secret).ShouldBeNull();
        }

        (await CliRun.RunAsync("keys", "revoke", "1", "--db", Db)).Err.ShouldContain("already revoked");
        (await CliRun.RunAsync("keys", "revoke", "9", "--db", Db)).Err.ShouldContain("there is no key 9");
        (await CliRun.RunAsync("keys", "list", "--db", Db)).Out.ShouldNotContain("reporting");
        (await CliRun.RunAsync("keys", "list", "--all", "--db", Db)).Out.ShouldContain("revoked");
    }
}
