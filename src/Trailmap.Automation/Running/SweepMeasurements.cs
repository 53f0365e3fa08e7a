namespace Trailmap.Automation.Running;

/// <summary>
/// A runner's sweep measurements so far: how many it took from the pages, how many it made itself, and for how many
/// customers those ran the stage funnel (the rest were copied from the previous sweep's measurement).
/// </summary>
public readonly record struct SweepMeasurements(int Shared, int Own, long Scanned);
