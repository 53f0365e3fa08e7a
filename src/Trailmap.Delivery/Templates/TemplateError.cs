namespace Trailmap.Delivery;

/// <summary>A Liquid template that does not parse or render; the message names the file (or action field), line and column.</summary>
public sealed class TemplateError(string message) : Exception(message);
