using System.Globalization;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>Auth0's list paging: <c>page</c> is 0-based, <c>per_page</c> defaults to 50 (at most 100).</summary>
public sealed record Paging(int Page, int PerPage, bool IncludeTotals, bool Requested)
{
    public const int DefaultPerPage = 50;
    public const int MaxPerPage = 100;

    public int Start => Page * PerPage;
}

/// <summary>Query-string parameters, parsed with Auth0's "Query validation error" messages instead of binding failures.</summary>
internal static class ManagementQuery
{
    public static Validated<Paging> ReadPaging(IQueryCollection query)
    {
        var page = Integer(query, "page", 0, 1_000_000);
        if (page.IsError) return page.Error!;
        var perPage = Integer(query, "per_page", 1, Paging.MaxPerPage);
        if (perPage.IsError) return perPage.Error!;
        var totals = Boolean(query, "include_totals");
        if (totals.IsError) return totals.Error!;
        return new Paging(
            (int)(page.Value ?? 0),
            (int)(perPage.Value ?? Paging.DefaultPerPage),
            totals.Value ?? false,
            page.Value is not null || perPage.Value is not null);
    }

    public static Validated<long?> Integer(IQueryCollection query, string name, long minimum, long maximum)
    {
        if (Single(query, name) is not { } text)
        {
            return new Validated<long?>(null, null);
        }
        // A sign is read so that page=-1 is "out of range", as per_page=99999 is, rather than "not an integer".
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return QueryError($"'Expected type integer but found type string' on property {name}");
        }
        if (value < minimum || value > maximum)
        {
            return QueryError($"'Value {value} is out of range [{minimum}, {maximum}]' on property {name}");
        }
        return new Validated<long?>(value, null);
    }

    public static Validated<bool?> Boolean(IQueryCollection query, string name) => Single(query, name) switch
    {
        null => new Validated<bool?>(null, null),
        "true" => new Validated<bool?>(true, null),
        "false" => new Validated<bool?>(false, null),
        _ => QueryError($"'Expected type boolean but found type string' on property {name}"),
    };

    /// <summary>
    /// An ISO-8601 date or date-time (UTC unless it carries an offset). A bare date used as an upper bound
    /// covers that whole day, so <c>from=2026-03-01&amp;to=2026-03-01</c> is "on the first of March".
    /// </summary>
    public static Validated<DateTimeOffset?> Date(IQueryCollection query, string name, bool upperBound)
    {
        if (Single(query, name) is not { } text)
        {
            return new Validated<DateTimeOffset?>(null, null);
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return new Validated<DateTimeOffset?>(upperBound ? start.AddDays(1).AddTicks(-1) : start, null);
        }
        if (text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return new Validated<DateTimeOffset?>(value, null);
        }
        return QueryError($"'Expected an ISO-8601 date such as 2026-03-01 or 2026-03-01T09:30:00Z' on property {name}");
    }

    public static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[^1]) ? values[^1] : null;

    /// <summary>A search (<c>q</c>) that could not be read: 400 naming what was not understood, never an empty result.</summary>
    public static Auth0Error SearchError(string detail) =>
        Auth0Error.BadRequest($"Query validation error on property q: {detail}.", "invalid_query_string");

    private static Auth0Error QueryError(string detail) => Auth0Error.BadRequest($"Query validation error: {detail}.", "invalid_query_string");
}
