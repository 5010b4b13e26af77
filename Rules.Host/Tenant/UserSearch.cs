using Dapper;
using Rules.Host.Storage;

namespace Rules.Host.Tenant;

/// <summary>
/// Turns the Management API's <c>q</c> into a parameterised WHERE clause. Supported: a bare term (matched
/// against user_id, email and name), <c>email:"x"</c>, <c>user_id:"x"</c>, <c>name:x</c>, with * as a
/// trailing wildcard. Values only ever travel as parameters.
/// </summary>
internal static class UserSearch
{
    public static (string Where, DynamicParameters Parameters) ToSql(string? query, SqlDialect sql)
    {
        var parameters = new DynamicParameters();
        if (string.IsNullOrWhiteSpace(query))
        {
            return ("1 = 1", parameters);
        }

        var text = query.Trim();
        string? field = null;
        var colon = text.IndexOf(':');
        if (colon > 0 && text[..colon] is "email" or "user_id" or "name")
        {
            field = text[..colon];
            text = text[(colon + 1)..];
        }

        text = text.Trim().Trim('"');
        var pattern = text.EndsWith('*') ? SqlDialect.EscapeLike(text[..^1]) + "%" : SqlDialect.EscapeLike(text);
        var contains = field is null ? "%" + SqlDialect.EscapeLike(text.TrimEnd('*')) + "%" : pattern;
        parameters.Add("pattern", contains);
        string Like(string column) => sql.LikeIgnoringCase(column, "@pattern");
        var name = sql.JsonText("profile", "name");
        return field switch
        {
            "email" => (Like("email"), parameters),
            "user_id" => (Like("user_id"), parameters),
            "name" => (Like(name), parameters),
            _ => ($"({Like("user_id")} OR {Like("email")} OR {Like(name)})", parameters),
        };
    }
}
