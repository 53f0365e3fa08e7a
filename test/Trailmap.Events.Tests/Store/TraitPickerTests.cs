using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Events.Tests.Store;

/// <summary>
/// Traits are read into compact maps that share repeated values; what a caller reads from them is what a dictionary
/// of the JSON object held.
/// </summary>
public sealed class TraitPickerTests
{
    [Fact]
    public void Picks_only_the_wanted_keys_with_their_json_values()
    {
        var picker = new TraitPicker(new HashSet<string>(StringComparer.Ordinal) { "plan", "seats", "trial", "meta" });
        var t = picker.Pick("""{"plan":"pro","email":"a@x.io","seats":5,"trial":false,"meta":{"a":1},"gone":null}""")!;

        t.Count.ShouldBe(4);
        t["plan"].ShouldBe("pro");
        t["seats"].ShouldBe(5.0);
        t["trial"].ShouldBe(false);
        t["meta"].ShouldBe("""{"a":1}""");
        t.ContainsKey("email").ShouldBeFalse();
        t.TryGetValue("email", out _).ShouldBeFalse();
        Should.Throw<KeyNotFoundException>(() => t["email"]);
        t.Keys.ShouldBe(["plan", "seats", "trial", "meta"]);
    }

    [Fact]
    public void Without_a_key_list_keeps_every_key_including_nulls()
    {
        var t = new TraitPicker(null).Pick("""{"plan":"pro","gone":null}""")!;
        t.Count.ShouldBe(2);
        t["gone"].ShouldBeNull();
        t.ContainsKey("gone").ShouldBeTrue();
    }

    [Fact]
    public void Nothing_wanted_or_not_an_object_is_null()
    {
        var picker = new TraitPicker(new HashSet<string>(StringComparer.Ordinal) { "plan" });
        picker.Pick("""{"email":"a@x.io"}""").ShouldBeNull();
        picker.Pick("[1,2]").ShouldBeNull();
        TraitPicker.None.Count.ShouldBe(0);
    }

    // JSON allows a repeated key; the last one wins, as a dictionary filled in document order had it.
    [Fact]
    public void A_repeated_key_keeps_its_last_value()
    {
        var t = new TraitPicker(null).Pick("""{"plan":"free","plan":"pro"}""")!;
        t.Count.ShouldBe(1);
        t["plan"].ShouldBe("pro");
    }

    [Fact]
    public void Repeated_values_are_one_shared_instance()
    {
        var picker = new TraitPicker(null);
        var a = picker.Pick("""{"plan":"pro","seats":5}""")!;
        var b = picker.Pick("""{"plan":"pro","seats":5}""")!;
        ReferenceEquals(a["plan"], b["plan"]).ShouldBeTrue();
        ReferenceEquals(a["seats"], b["seats"]).ShouldBeTrue();
        ReferenceEquals(a.Keys.First(), b.Keys.First()).ShouldBeTrue();
    }

    // The web's customer pages and the API serialize traits: the compact map writes the same JSON object.
    [Fact]
    public void Serializes_as_the_json_object_it_was_read_from()
    {
        var t = new TraitPicker(null).Pick("""{"plan":"pro","seats":5,"trial":true}""")!;
        JsonSerializer.Serialize(t).ShouldBe("""{"plan":"pro","seats":5,"trial":true}""");
        JsonSerializer.Serialize<object>(t).ShouldBe("""{"plan":"pro","seats":5,"trial":true}""");
    }
}
