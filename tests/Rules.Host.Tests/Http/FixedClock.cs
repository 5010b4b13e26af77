namespace Rules.Host.Tests.Http;

/// <summary>A clock the test sets and moves; replaces TimeProvider in the server so rules, links, codes and tokens see one time.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;

    /// <summary>Tuesday 2026-03-10 10:00 at -05:00: inside the sample rules' support hours (Mon-Fri 08:00-18:00, -05:00).</summary>
    public static readonly DateTimeOffset WeekdayMorning = new(2026, 3, 10, 10, 0, 0, TimeSpan.FromHours(-5));

    /// <summary>Tuesday 2026-03-10 21:30 at -05:00: after support hours.</summary>
    public static readonly DateTimeOffset WeekdayNight = new(2026, 3, 10, 21, 30, 0, TimeSpan.FromHours(-5));

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
