using Dapper;
using Rules.Host.Management;
using Rules.Host.Storage;

namespace Rules.Host.Tenant;

/// <summary>
/// Turns the Management API's <c>q</c> (<see cref="SearchQuery"/>) into a parameterised WHERE clause: bare terms
/// (each matched inside user_id, email or name), <c>email:"x"</c>, <c>user_id:"x"</c>, <c>name:x</c> (whole value,
/// ignoring case), with * as a trailing wildcard; every term must match. Values only ever travel as parameters.
/// </summary>
internal static class UserSearch
{
    /// <summary>The field names <c>q</c> accepts, as the 400 lists them.</summary>
    public static readonly IReadOnlyCollection<string> Fields = ["email", "user_id", "name"];

    /// <summary>Parses a <c>q</c>: the query, or what was not understood in it.</summary>
    public static (SearchQuery? Query, string? Error) Parse(string? query) => SearchQuery.Parse(query, Fields, []);

    public static (string Where, DynamicParameters Parameters) ToSql(string? query, SqlDialect sql)
    {
        var parameters = new DynamicParameters();
        var (parsed, error) = Parse(query);
        if (parsed is null)
        {
            // The endpoints answer 400 before searching; a caller that skipped Parse gets no silently empty result.
            throw new ArgumentException($"q could not be read: {error}", nameof(query));
        }
        if (parsed.Terms.Count == 0)
        {
            return ("1 = 1", parameters);
        }

        var name = sql.JsonText("profile", "name");
        var clauses = new List<string>();
        foreach (var (term, index) in parsed.Terms.Select((t, i) => (t, i)))
        {
            var parameter = $"@pattern{index}";
            var escaped = SqlDialect.EscapeLike(term.Value);
            parameters.Add(parameter[1..], term.Field is null ? "%" + escaped + "%" : term.Prefix ? escaped + "%" : escaped);
            string Like(string column) => sql.LikeIgnoringCase(column, parameter);
            clauses.Add(term.Field switch
            {
                "email" => Like("email"),
                "user_id" => Like("user_id"),
                "name" => Like(name),
                _ => $"({Like("user_id")} OR {Like("email")} OR {Like(name)})",
            });
        }
        return (string.Join(" AND ", clauses), parameters);
    }
}
