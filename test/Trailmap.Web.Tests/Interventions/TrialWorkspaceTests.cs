using Trailmap.Web.Tests.Infrastructure;

namespace Trailmap.Web.Tests.Interventions;

/// <summary>Tests over a workspace seeded with <see cref="TrialData"/>, a fresh one for each test.</summary>
public abstract class TrialWorkspaceTests : IAsyncLifetime
{
    protected WorkspaceFactory Factory { get; } = TrialData.Factory();

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() => await TrialData.SeedAsync(Factory, Cancel);

    public ValueTask DisposeAsync()
    {
        Factory.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
