using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Trailmap.Web.Security;

/// <summary>Rate limits: sign-in per client address (slows password guessing), ingestion per write key.</summary>
public static class RateLimits
{
    public const string SignIn = "signin";
    public const string Ingest = "ingest";

    public static void Add(IServiceCollection services, WorkspaceOptions options) => services.AddRateLimiter(limiter =>
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = async (context, cancel) =>
        {
            // The limiter knows when a permit frees up: a second for ingestion's per-second bucket, the rest of
            // the minute for sign-in. Saying "a minute" to an ingestion client would slow it down 60 times.
            var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
            var text = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.HttpContext.Response.Headers.RetryAfter = text;
            await context.HttpContext.Response.WriteAsync(
                $"Too many requests; try again in {text} second{(seconds == 1 ? "" : "s")}.", cancel).ConfigureAwait(false);
        };
        limiter.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        limiter.AddPolicy(Ingest, context => RateLimitPartition.GetTokenBucketLimiter(
            context.Request.Headers.Authorization.ToString(),
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.IngestRequestsPerSecond,
                TokensPerPeriod = options.IngestRequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            }));
    });
}
