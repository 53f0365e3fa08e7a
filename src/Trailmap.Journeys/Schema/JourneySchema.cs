namespace Trailmap.Journeys.Schema;

/// <summary>
/// The JSON Schema (draft-07) of the journey format, shipped inside the assembly so `trailmap schema`
/// can hand editors the exact version of the format this build reads.
/// </summary>
public static class JourneySchema
{
    public const string ResourceName = "Trailmap.Schema.journey.schema.json";

    private static readonly Lazy<string> Text = new(Read);

    public static string Json => Text.Value;

    private static string Read()
    {
        using var stream = typeof(JourneySchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource '{ResourceName}' is missing from {typeof(JourneySchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
