using System.Net;
using Trailmap.Web.Accounts;
using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Accounts;

public sealed class PasswordPolicyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Long enough for the length rule, and all among the most common passwords in leaked corpora.
    [Theory]
    [InlineData("password123")]
    [InlineData("Password123")]
    [InlineData("qwertyuiop")]
    [InlineData("1234567890")]
    [InlineData("1q2w3e4r5t")]
    [InlineData("manchester")]
    public async Task Setup_refuses_a_common_password_even_when_it_is_long_enough(string password)
    {
        using var factory = new WorkspaceFactory();
        var response = await WorkspaceFactory.PostFormAsync(factory.Anonymous(), "/setup", new()
        {
            ["email"] = "ada@example.test",
            ["password"] = password,
        }, Cancel);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("one of the most common passwords");
        factory.Service<UserStore>().Any().ShouldBeFalse();
    }

    [Fact]
    public void An_admin_cannot_add_a_member_with_a_common_password_and_an_uncommon_one_is_fine()
    {
        using var factory = new WorkspaceFactory();
        var users = factory.Service<UserStore>();
        Should.Throw<AccountException>(() => users.Create("grace@example.test", "Grace", "terminator", Role.Viewer))
            .Message.ShouldContain("most common passwords");
        users.Create("grace@example.test", "Grace", "lantern orbit pickle", Role.Viewer).Email.ShouldBe("grace@example.test");
    }

    [Fact]
    public void The_shipped_list_holds_thirty_thousand_passwords()
    {
        CommonPasswords.Count.ShouldBe(30_000);
        CommonPasswords.Contains("123456").ShouldBeTrue();
        CommonPasswords.Contains("correct horse battery staple").ShouldBeFalse();
    }
}
