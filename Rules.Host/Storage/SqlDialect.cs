namespace Rules.Host.Storage;

/// <summary>
/// The SQL the two stores spell differently; everything else (parameters, RETURNING, ON CONFLICT, LIMIT/OFFSET,
/// IS NOT DISTINCT FROM) is written once and runs on both.
/// </summary>
public sealed record SqlDialect(string Name)
{
    public static readonly SqlDialect Sqlite = new("sqlite");
    public static readonly SqlDialect Postgres = new("postgres");

    private bool IsPostgres => ReferenceEquals(this, Postgres) || Name == Postgres.Name;

    /// <summary>A top-level string field of a JSON object kept in a TEXT column.</summary>
    public string JsonText(string column, string field) =>
        IsPostgres ? $"({column}::jsonb ->> '{field}')" : $"json_extract({column}, '$.{field}')";

    /// <summary>
    /// <c>LIKE</c> that ignores ASCII case, as SQLite's does and Auth0's user search did:
    /// PostgreSQL's LIKE is case-sensitive, its ILIKE is not.
    /// </summary>
    public string LikeIgnoringCase => IsPostgres ? "ILIKE" : "LIKE";

    /// <summary>
    /// Appended to a SELECT inside a write transaction that will update the rows it reads: PostgreSQL locks them
    /// until the commit; SQLite's write transaction already holds the only write lock.
    /// </summary>
    public string ForUpdate => IsPostgres ? " FOR UPDATE" : "";

    /// <summary>Equality on an email column that ignores case (SQLite declares the column NOCASE; PostgreSQL indexes lower(email)).</summary>
    public string EmailEquals(string column, string parameter) =>
        IsPostgres ? $"lower({column}) = lower({parameter})" : $"{column} = {parameter}";
}
