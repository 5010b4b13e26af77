namespace Rules.Host.Storage;

/// <summary>
/// The SQL the two stores spell differently; everything else (parameters, RETURNING, ON CONFLICT, LIMIT/OFFSET,
/// IS NOT DISTINCT FROM) is written once and runs on both.
/// </summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(postgres: false);
    public static readonly SqlDialect Postgres = new(postgres: true);

    private readonly bool _postgres;

    private SqlDialect(bool postgres) => _postgres = postgres;

    /// <summary>A top-level string field of a JSON object kept in a TEXT column.</summary>
    public string JsonText(string column, string field) =>
        _postgres ? $"({column}::jsonb ->> '{field}')" : $"json_extract({column}, '$.{field}')";

    /// <summary>
    /// <paramref name="column"/> matches the <c>LIKE</c> pattern in <paramref name="parameter"/> (made with
    /// <see cref="EscapeLike"/>), ignoring ASCII case as SQLite's LIKE and Auth0's searches do: PostgreSQL's LIKE is
    /// case-sensitive, its ILIKE is not.
    /// </summary>
    public string LikeIgnoringCase(string column, string parameter) => $"{column} {(_postgres ? "ILIKE" : "LIKE")} {parameter} ESCAPE '\\'";

    /// <summary>A value matched literally inside a <see cref="LikeIgnoringCase"/> pattern: its %, _ and \ escaped.</summary>
    public static string EscapeLike(string value) => value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>
    /// Appended to a SELECT inside a write transaction that will update the rows it reads: PostgreSQL locks them
    /// until the commit; SQLite's write transaction already holds the only write lock.
    /// </summary>
    public string ForUpdate => _postgres ? " FOR UPDATE" : "";

    /// <summary>Equality on an email column that ignores case (SQLite declares the column NOCASE; PostgreSQL indexes lower(email)).</summary>
    public string EmailEquals(string column, string parameter) =>
        _postgres ? $"lower({column}) = lower({parameter})" : $"{column} = {parameter}";
}
