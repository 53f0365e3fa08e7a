using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Trailmap.Web.ApiKeys;

namespace Trailmap.Cli.Commands;

/// <summary><c>trailmap keys create|list|revoke</c>: API keys for headless setups and the demo, on the store file.</summary>
public static class KeysCommand
{
    public static Command Create(Terminal terminal, TimeProvider time)
    {
        var command = new Command("keys", "API keys without the web pages: ingest keys send events, read keys read the REST API, admin keys administer it");
        command.Subcommands.Add(CreateKey(terminal, time));
        command.Subcommands.Add(List(terminal, time));
        command.Subcommands.Add(Revoke(terminal, time));
        return command;
    }

    private static Option<string> Db() =>
        WorkspaceOption.StoreFile();

    private static Command CreateKey(Terminal terminal, TimeProvider time)
    {
        var kind = new Option<string>("--kind") { Description = "ingest (send events only), read (read journeys and analytics) or admin", Required = true };
        kind.AcceptOnlyFromAmong("ingest", "read", "admin");
        var name = new Option<string>("--name") { Description = "Where the key is used, e.g. \"website tracking\"", Required = true };
        var db = Db();
        var command = new Command("create", "Create a key; its secret is printed once on stdout and cannot be shown again") { kind, name, db };
        command.SetAction(parse =>
        {
            var k = Enum.Parse<ApiKeyKind>(parse.GetValue(kind)!, ignoreCase: true);
            using var workspace = WorkspaceFile.Open(parse.GetValue(db)!, time, create: true);
            ApiKey key;
            string secret;
            try
            {
                (key, secret) = workspace.Keys.Create(parse.GetValue(name)!, k);
            }
            catch (ArgumentException e)
            {
                throw new UserError("--name: " + e.Message.Split(" (Parameter")[0]);
            }

            terminal.Info($"created {Kind(key.Kind)} key {key.Id} '{key.Name}'; the secret is printed below, once: store it now");
            terminal.Raw.WriteLine(secret);
            return 0;
        });
        return command;
    }

    private static Command List(Terminal terminal, TimeProvider time)
    {
        var all = new Option<bool>("--all") { Description = "Also list revoked keys" };
        var db = Db();
        var command = new Command("list", "List keys: id, name, kind, the secret's first characters, created and last used") { all, db };
        command.SetAction(parse =>
        {
            using var workspace = WorkspaceFile.Open(parse.GetValue(db)!, time, create: false);
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("Id").RightAligned()).AddColumn("Name").AddColumn("Kind").AddColumn("Starts with")
                .AddColumn("Created (UTC)").AddColumn("Last used (UTC)").AddColumn("Status");
            foreach (var k in workspace.Keys.All().Where(k => parse.GetValue(all) || k.RevokedAt is null))
            {
                table.AddRow(
                    k.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(k.Name), Kind(k.Kind), Markup.Escape(k.Prefix + "…"),
                    When(k.CreatedAt), k.LastUsedAt is { } used ? When(used) : "never",
                    k.RevokedAt is { } revoked ? "revoked " + When(revoked) : "live");
            }

            terminal.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Revoke(Terminal terminal, TimeProvider time)
    {
        var id = new Argument<long>("id") { Description = "The key's id, from trailmap keys list" };
        var db = Db();
        var command = new Command("revoke", "Revoke a key: requests with it are refused from now on") { id, db };
        command.SetAction(parse =>
        {
            using var workspace = WorkspaceFile.Open(parse.GetValue(db)!, time, create: false);
            var n = parse.GetValue(id);
            var key = workspace.Keys.All().FirstOrDefault(k => k.Id == n);
            if (key is null || !workspace.Keys.Revoke(n))
            {
                throw new UserError(key is null
                    ? $"there is no key {n}; 'trailmap keys list' shows the keys and their ids"
                    : $"key {n} '{key.Name}' was already revoked");
            }

            terminal.Info($"revoked {Kind(key.Kind)} key {key.Id} '{key.Name}'");
            return 0;
        });
        return command;
    }

    private static string Kind(ApiKeyKind kind) => kind.ToString().ToLowerInvariant();

    private static string When(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
