using Trailmap.Analytics.Queries;

namespace Trailmap.Cli.Measure;

/// <summary>Turns a bad measurement parameter into a message naming the option as typed (<c>--steps</c>).</summary>
public static class Query
{
    public static T Run<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (QueryParameterException e)
        {
            throw new UserError($"--{e.Parameter}: {e.Message}");
        }
    }
}
