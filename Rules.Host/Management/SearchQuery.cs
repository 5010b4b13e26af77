using System.Globalization;
using System.Text;

namespace Rules.Host.Management;

/// <summary>One term of a <see cref="SearchQuery"/>: a value (exact, or a prefix with a trailing *) or a date range, on a field or anywhere.</summary>
public sealed record SearchTerm(string? Field, string Value, bool Prefix, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public bool IsRange => From is not null || To is not null;
}

/// <summary>
/// The <c>q</c> of /api/v2/logs and /api/v2/users: the part of Auth0's Lucene search syntax that maps to our data.
/// Terms are separated by spaces (or <c>AND</c>) and all must match: <c>field:value</c>, <c>field:"quoted value"</c>,
/// <c>field:prefix*</c>, a bare term matched anywhere, and on date fields <c>[A TO B]</c> (inclusive), <c>{A TO B}</c>
/// (exclusive), <c>*</c> for an open end, or <c>&gt;=A</c>, <c>&gt;A</c>, <c>&lt;=A</c>, <c>&lt;A</c>. Anything else (an
/// unknown field, an unterminated quote, <c>OR</c>, <c>NOT</c>, brackets) is refused with what was not understood: an
/// audit search must never read "nothing happened" because the query was misread.
/// </summary>
public sealed class SearchQuery
{
    private SearchQuery(IReadOnlyList<SearchTerm> terms) => Terms = terms;

    public IReadOnlyList<SearchTerm> Terms { get; }

    /// <summary>Parses <paramref name="query"/>; <paramref name="fields"/> are the field names allowed, <paramref name="dateFields"/> those that take dates.</summary>
    public static (SearchQuery? Query, string? Error) Parse(string? query, IReadOnlyCollection<string> fields, IReadOnlyCollection<string> dateFields)
    {
        var terms = new List<SearchTerm>();
        if (string.IsNullOrWhiteSpace(query))
        {
            return (new SearchQuery(terms), null);
        }
        var reader = new Reader(query);
        while (reader.SkipSpaces())
        {
            var start = reader.Position;
            var (term, error) = ReadTerm(reader, fields, dateFields);
            if (error is not null)
            {
                return (null, error);
            }
            if (term is null)
            {
                continue; // AND between terms
            }
            terms.Add(term);
            if (!reader.AtEnd && !char.IsWhiteSpace(reader.Current))
            {
                return (null, $"unexpected '{reader.Current}' at position {reader.Position + 1} after '{query[start..reader.Position]}'");
            }
        }
        return (new SearchQuery(terms), null);
    }

    private static (SearchTerm? Term, string? Error) ReadTerm(Reader reader, IReadOnlyCollection<string> fields, IReadOnlyCollection<string> dateFields)
    {
        var position = reader.Position + 1;
        switch (reader.Current)
        {
            case '(' or ')':
                return (null, $"brackets are not supported (position {position}); every term must match, so list them separated by spaces");
            case '-' or '!' or '+' when reader.Position + 1 < reader.Text.Length && !char.IsWhiteSpace(reader.Text[reader.Position + 1]):
                return (null, $"'{reader.Current}' before a term is not supported (position {position}); NOT and required/excluded terms are not supported");
        }

        string? field = null;
        var name = reader.PeekFieldName();
        if (name is not null)
        {
            if (!fields.Contains(name))
            {
                return (null, $"unknown field '{name}' (position {position}); searchable fields: {string.Join(", ", fields)}");
            }
            field = name;
            reader.Advance(name.Length + 1);
            if (reader.AtEnd || char.IsWhiteSpace(reader.Current))
            {
                return (null, $"field '{name}' has no value (position {position}); write {name}:value or {name}:\"a value\"");
            }
        }

        if (field is not null && dateFields.Contains(field))
        {
            return ReadDateTerm(reader, field, position);
        }
        if (field is null && reader.Current is '[' or '{')
        {
            return (null, $"a range needs a date field before it (position {position}), as in date:[2026-01-01 TO 2026-01-31]");
        }

        var (value, quoted, error) = reader.ReadValue();
        if (error is not null)
        {
            return (null, error);
        }
        if (!quoted && field is null && value is "AND")
        {
            return (null, null);
        }
        if (!quoted && value is "OR" or "NOT" or "||" or "&&")
        {
            return (null, $"'{value}' is not supported (position {position}); every term must match, so list them separated by spaces");
        }
        var prefix = !quoted && value.EndsWith('*');
        if (prefix)
        {
            value = value[..^1];
        }
        if (value.Length == 0 && !prefix)
        {
            return (null, $"empty value at position {position}");
        }
        return (new SearchTerm(field, value, prefix), null);
    }

    private static (SearchTerm? Term, string? Error) ReadDateTerm(Reader reader, string field, int position)
    {
        if (reader.Current is '[' or '{')
        {
            var inclusiveFrom = reader.Current == '[';
            var close = reader.Text.IndexOfAny([']', '}'], reader.Position);
            if (close < 0)
            {
                return (null, $"the range for '{field}' at position {position} is not closed with ] or }}");
            }
            var inclusiveTo = reader.Text[close] == ']';
            var parts = reader.Text[(reader.Position + 1)..close].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            reader.Advance(close + 1 - reader.Position);
            if (parts.Length != 3 || parts[1] != "TO")
            {
                return (null, $"the range for '{field}' at position {position} must read [FROM TO UNTIL], for example {field}:[2026-01-01 TO 2026-01-31] (* for an open end)");
            }
            var (from, fromError) = parts[0] == "*" ? (null, null) : Date(field, parts[0], upperBound: !inclusiveFrom);
            var (to, toError) = parts[2] == "*" ? (null, null) : Date(field, parts[2], upperBound: inclusiveTo);
            if ((fromError ?? toError) is { } error)
            {
                return (null, error);
            }
            // Exclusive ends step one tick past the bound: {2026-01-01 TO ...} starts after the whole first day.
            return (new SearchTerm(field, "", false, from is { } f && !inclusiveFrom ? f.AddTicks(1) : from, to is { } t && !inclusiveTo ? t.AddTicks(-1) : to), null);
        }

        var comparison = reader.Text[reader.Position..] switch
        {
            var s when s.StartsWith(">=", StringComparison.Ordinal) => ">=",
            var s when s.StartsWith("<=", StringComparison.Ordinal) => "<=",
            var s when s.StartsWith('>') => ">",
            var s when s.StartsWith('<') => "<",
            _ => "",
        };
        reader.Advance(comparison.Length);
        var (text, _, valueError) = reader.ReadValue();
        if (valueError is not null)
        {
            return (null, valueError);
        }
        var upper = comparison is "<=" or ">";
        var (date, dateError) = Date(field, text, upperBound: upper);
        if (dateError is not null)
        {
            return (null, dateError);
        }
        return comparison switch
        {
            ">=" => (new SearchTerm(field, "", false, From: date), null),
            ">" => (new SearchTerm(field, "", false, From: date!.Value.AddTicks(1)), null),
            "<=" => (new SearchTerm(field, "", false, To: date), null),
            "<" => (new SearchTerm(field, "", false, To: date!.Value.AddTicks(-1)), null),
            // A bare date is that whole day; a date-time is that instant.
            _ => (new SearchTerm(field, "", false, From: date, To: Date(field, text, upperBound: true).Date), null),
        };
    }

    /// <summary>As <see cref="ManagementQuery.Date"/>: a bare date as an upper bound covers that whole day.</summary>
    private static (DateTimeOffset? Date, string? Error) Date(string field, string text, bool upperBound)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return (upperBound ? start.AddDays(1).AddTicks(-1) : start, null);
        }
        if (text.Contains('T') && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return (value, null);
        }
        return (null, $"'{text}' is not a date for '{field}'; write 2026-03-01 or 2026-03-01T09:30:00Z");
    }

    private sealed class Reader(string text)
    {
        public string Text { get; } = text;

        public int Position { get; private set; }

        public bool AtEnd => Position >= Text.Length;

        public char Current => Text[Position];

        public void Advance(int count) => Position += count;

        /// <summary>Skips spaces; false at the end.</summary>
        public bool SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(Current))
            {
                Position++;
            }
            return !AtEnd;
        }

        /// <summary>A field name (a letter, then letters, digits, _ and .) followed by ':', or null for a bare term.</summary>
        public string? PeekFieldName()
        {
            if (!char.IsAsciiLetter(Current))
            {
                return null;
            }
            var end = Position;
            while (end < Text.Length && (char.IsAsciiLetterOrDigit(Text[end]) || Text[end] is '_' or '.'))
            {
                end++;
            }
            return end < Text.Length && Text[end] == ':' ? Text[Position..end] : null;
        }

        /// <summary>A "quoted value" (\" and \\ escaped) or a bare one up to the next space (\ escapes the next character).</summary>
        public (string Value, bool Quoted, string? Error) ReadValue()
        {
            var value = new StringBuilder();
            if (!AtEnd && Current == '"')
            {
                var open = Position + 1;
                Position++;
                while (!AtEnd && Current != '"')
                {
                    if (Current == '\\' && Position + 1 < Text.Length)
                    {
                        Position++;
                    }
                    value.Append(Current);
                    Position++;
                }
                if (AtEnd)
                {
                    return ("", true, $"the quote at position {open} is not closed");
                }
                Position++;
                return (value.ToString(), true, null);
            }
            while (!AtEnd && !char.IsWhiteSpace(Current))
            {
                if (Current == '"')
                {
                    return ("", false, $"unexpected quote at position {Position + 1}; quote the whole value, as in field:\"a value\"");
                }
                if (Current == '\\' && Position + 1 < Text.Length)
                {
                    Position++;
                }
                value.Append(Current);
                Position++;
            }
            return (value.ToString(), false, null);
        }
    }
}
