using Shouldly;
using Xunit;

namespace Trailmap.Delivery.Tests;

/// <summary>What <c>--state</c> accepts, and what it says about what it refuses.</summary>
public sealed class PostgresAddressTests
{
    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void A_full_address_is_read_part_by_part_and_printed_without_its_password()
    {
        var address = PostgresAddress.Parse("postgres://app:s%40cret@db.internal:6543/trailmap?schema=tenant_1", NoEnvironment);

        (address.User, address.Host, address.Port, address.Database, address.Schema).ShouldBe(("app", "db.internal", 6543, "trailmap", "tenant_1"));
        address.ToString().ShouldBe("postgres://app@db.internal:6543/trailmap?schema=tenant_1");
        address.ConnectionString.ShouldContain("Password=s@cret");
        address.ConnectionString.ShouldContain("Search Path=tenant_1");
    }

    [Fact]
    public void The_port_defaults_to_5432_and_the_password_comes_from_PGPASSWORD()
    {
        var address = PostgresAddress.Parse("postgresql://app@localhost/trailmap", name => name == "PGPASSWORD" ? "from-env" : null);

        address.Port.ShouldBe(5432);
        address.Schema.ShouldBeNull();
        address.ConnectionString.ShouldContain("Password=from-env");
    }

    [Theory]
    [InlineData("", "the state address is empty; write postgres://USER@HOST:PORT/DATABASE")]
    [InlineData("mysql://app@h/db", "'mysql://app@h/db' is not a PostgreSQL address; write postgres://USER@HOST:PORT/DATABASE")]
    [InlineData("postgres://h:5432/db", "names no user")]
    [InlineData("postgres://app@h:5432/", "names no database (the path after the port)")]
    [InlineData("postgres://app@h:5432/a/b", "names no database")]
    [InlineData("postgres://app@h:99999/db", "is not a valid address (check the host and port)")]
    [InlineData("postgres://app@h/db?sslmode=require", "has the option 'sslmode'; the only option is schema=NAME")]
    [InlineData("postgres://app@h/db?schema=Bad-Name", "the schema 'Bad-Name' in 'postgres://app@h/db?schema=Bad-Name' is not a plain name")]
    public void A_malformed_address_says_what_is_wrong(string text, string message)
    {
        Should.Throw<FormatException>(() => PostgresAddress.Parse(text, NoEnvironment)).Message.ShouldContain(message);
    }

    [Fact]
    public void A_refused_address_does_not_repeat_its_password()
    {
        var error = Should.Throw<FormatException>(() => PostgresAddress.Parse("postgres://app:hunter2@h/db?x=1", NoEnvironment));

        error.Message.ShouldNotContain("hunter2");
        error.Message.ShouldContain("postgres://app:***@h/db?x=1");
    }

    [Fact]
    public void An_address_longer_than_the_limit_is_refused()
    {
        var text = "postgres://app@h/" + new string('d', PostgresAddress.MaxLength);

        Should.Throw<FormatException>(() => PostgresAddress.Parse(text, NoEnvironment)).Message.ShouldContain("at most 1,024 are accepted");
    }
}
