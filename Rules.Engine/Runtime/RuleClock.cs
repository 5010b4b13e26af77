using System.Globalization;
using Jint.Runtime;

namespace Rules.Engine.Runtime;

/// <summary>
/// The clock rules see through Date. A transaction's <c>now</c> pins it, so time-based rules evaluate
/// (and replay) the same way on every run; without one it is the real clock. Always UTC, as Auth0 ran rules.
/// </summary>
internal sealed class RuleClock : ITimeSystem
{
    private readonly DefaultTimeSystem _system = new(TimeZoneInfo.Utc, CultureInfo.InvariantCulture);

    public DateTimeOffset? FixedNow { get; set; }

    public TimeZoneInfo DefaultTimeZone => _system.DefaultTimeZone;

    public DateTimeOffset GetUtcNow() => FixedNow ?? _system.GetUtcNow();

    public bool TryParse(string date, out long epochMilliseconds) => _system.TryParse(date, out epochMilliseconds);

    public TimeSpan GetUtcOffset(long epochMilliseconds) => _system.GetUtcOffset(epochMilliseconds);
}
