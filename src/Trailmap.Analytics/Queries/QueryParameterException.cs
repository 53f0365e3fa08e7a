namespace Trailmap.Analytics.Queries;

/// <summary>
/// A measurement parameter with a bad value. <see cref="Parameter"/> is its name without dashes ("steps"), so the
/// CLI can say <c>--steps</c> and the REST API <c>steps</c>; the message says what is wrong and how to write it.
/// </summary>
public sealed class QueryParameterException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}
