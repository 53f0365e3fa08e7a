using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Trailmap.Events.ClickHouse;

/// <summary>
/// Plain HTTP to ClickHouse for the bench's own queries (generation, the hand-written windowFunnel), independent of
/// the client Trailmap's engine uses, so the comparison does not share code with what it measures.
/// </summary>
internal sealed class BenchSql(ClickHouseAddress address) : IDisposable
{
    private readonly HttpClient client = new() { Timeout = TimeSpan.FromHours(2) };

    /// <summary>Runs <paramref name="sql"/> on the address's server; returns the TabSeparated result.</summary>
    public string Run(string sql, string? settings) => Post($"{address.Host}:{address.Port.ToString(CultureInfo.InvariantCulture)}", sql, settings);

    /// <summary>Runs <paramref name="sql"/> on one shard (HOST:PORT of its HTTP interface).</summary>
    public void At(string endpoint, string sql) => Post(endpoint, sql, null);

    private string Post(string endpoint, string sql, string? settings)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{endpoint}/?{settings}")
        {
            Content = new StringContent(sql, Encoding.UTF8),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{address.User}:{address.Password}")));
        using var response = client.Send(request);
        var body = new StreamReader(response.Content.ReadAsStream()).ReadToEnd();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"ClickHouse at {endpoint} refused the query ({(int)response.StatusCode}): {body}");
        }

        return body;
    }

    public void Dispose() => client.Dispose();
}
