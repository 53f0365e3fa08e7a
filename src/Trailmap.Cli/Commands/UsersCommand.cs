using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Spectre.Console;
using Trailmap.Web.Accounts;

namespace Trailmap.Cli.Commands;

/// <summary>
/// <c>trailmap users add|list</c>: workspace members for headless setups and the demo, on the same store file as
/// <c>trailmap serve</c>. A password is taken only from stdin (never an argument, which other users of the machine
/// can read in the process list) or generated and printed once.
/// </summary>
public static class UsersCommand
{
    public static Command Create(Terminal terminal, TimeProvider time, Func<TextReader>? stdin = null)
    {
        var command = new Command("users", "Workspace members without the web pages: add one with a role (for headless setups), or list them");
        command.Subcommands.Add(Add(terminal, time, stdin ?? (() => Console.In)));
        command.Subcommands.Add(List(terminal, time));
        return command;
    }

    private static Option<string> Db() =>
        WorkspaceOption.StoreFile();

    private static Command Add(Terminal terminal, TimeProvider time, Func<TextReader> stdin)
    {
        var email = new Argument<string>("email") { Description = "The member's email address; they sign in with it" };
        var role = new Option<string>("--role") { Description = "admin, editor or viewer", Required = true };
        role.AcceptOnlyFromAmong("admin", "editor", "viewer");
        var name = new Option<string?>("--name") { Description = "The name shown in the workspace (default: the part of the email before @)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin; without it a password is generated and printed once" };
        var db = Db();
        var command = new Command("add", "Add a member with a role and a password") { email, role, name, passwordStdin, db };
        command.SetAction(parse =>
        {
            RoleNames.TryParse(parse.GetValue(role), out var r);
            string password;
            var generated = !parse.GetValue(passwordStdin);
            if (generated)
            {
                password = GeneratePassword();
            }
            else
            {
                password = stdin().ReadLine()?.TrimEnd('\r', '\n') ?? "";
                if (password.Length == 0)
                {
                    throw new UserError("--password-stdin: stdin was empty; pipe the password in, e.g. printf '%s' \"$PASSWORD\" | trailmap users add ...");
                }
            }

            using var workspace = WorkspaceFile.Open(parse.GetValue(db)!, time, create: true);
            WorkspaceUser user;
            try
            {
                user = workspace.Users.Create(parse.GetValue(email)!, parse.GetValue(name) ?? "", password, r);
            }
            catch (AccountException e)
            {
                throw new UserError(e.Message);
            }

            terminal.Info($"added {RoleNames.Of(user.Role)} {user.Email} ({user.Name}), member {user.Id}");
            if (generated)
            {
                terminal.Info("their password is printed below, once; store it now or pass --password-stdin to choose one");
                terminal.Raw.WriteLine(password);
            }

            return 0;
        });
        return command;
    }

    private static Command List(Terminal terminal, TimeProvider time)
    {
        var db = Db();
        var command = new Command("list", "List the members: email, name, role, whether disabled") { db };
        command.SetAction(parse =>
        {
            using var workspace = WorkspaceFile.Open(parse.GetValue(db)!, time, create: false);
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("Id").RightAligned()).AddColumn("Email").AddColumn("Name").AddColumn("Role").AddColumn("Status").AddColumn("Added (UTC)");
            foreach (var u in workspace.Users.All())
            {
                table.AddRow(
                    u.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(u.Email), Markup.Escape(u.Name), RoleNames.Of(u.Role),
                    u.Disabled ? "disabled" : "active", u.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            }

            terminal.Out.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>20 characters from 56 unambiguous letters and digits: about 116 random bits.</summary>
    internal static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
}
