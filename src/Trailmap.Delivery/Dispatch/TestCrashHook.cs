using System.Diagnostics;
using System.Globalization;

namespace Trailmap.Delivery;

/// <summary>
/// FOR TESTS ONLY: with TRAILMAP_TEST_CRASH_AFTER_SEND=N in the environment, the process kills itself with SIGKILL
/// right after the N-th message a channel accepted and before that is recorded as sent: the worst moment to crash,
/// which the crash test (test/Trailmap.Delivery.Tests, CrashTests) reproduces on purpose. Unset, it does nothing.
/// </summary>
internal sealed class TestCrashHook
{
    public const string Variable = "TRAILMAP_TEST_CRASH_AFTER_SEND";

    private readonly int crashAfter;
    private int accepted;

    private TestCrashHook(int crashAfter) => this.crashAfter = crashAfter;

    public static TestCrashHook FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? new TestCrashHook(n)
            : new TestCrashHook(0);

    public void AfterAccepted()
    {
        if (crashAfter > 0 && Interlocked.Increment(ref accepted) == crashAfter)
        {
            Console.Out.Flush();
            // Process.Kill on oneself sends SIGKILL on Unix: nothing after this line runs, no finally, no flush.
            Process.GetCurrentProcess().Kill();
        }
    }
}
