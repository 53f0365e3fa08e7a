using System.Security.Cryptography;
using Trailmap.Journeys.Templates;
using Trailmap.Web.Accounts;
using Trailmap.Web.Journeys;
using Trailmap.Web.State;

namespace Trailmap.Cli.Commands;

/// <summary>
/// Fills the demo's store with a workspace: an admin with a fresh random password, the measured template's journey
/// first and every other template after it, so the browser opens on something real.
/// </summary>
public static class DemoWorkspace
{
    public const string AdminEmail = "admin@demo.trailmap";

    /// <summary>Seeds <paramref name="db"/> and returns the line that tells the user how to sign in.</summary>
    public static string Seed(string db, string measuredTemplate, TimeProvider time)
    {
        using var workspace = new WorkspaceDb(db);
        var users = new UserStore(workspace, time, new SessionStore(workspace, time));
        var journeys = new JourneyStore(workspace, time);
        // A random password each run: the demo listens on loopback, but a fixed one would end up on a real server.
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        users.Create(AdminEmail, "Demo admin", password, Role.Admin);
        journeys.Create(TemplateCatalog.ReadYaml(measuredTemplate), AdminEmail, "Created by trailmap demo");
        foreach (var template in TemplateCatalog.All.Where(t => t.Name != measuredTemplate))
        {
            journeys.Create(TemplateCatalog.ReadYaml(template.Name), AdminEmail, "Created by trailmap demo");
        }

        return $"Sign in as {AdminEmail} with password {password} (the generated events measure the \"{measuredTemplate}\" journey).";
    }
}
