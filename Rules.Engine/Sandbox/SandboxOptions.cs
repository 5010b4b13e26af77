namespace Rules.Engine.Sandbox;

/// <summary>
/// The limits every rule runs under. The defaults are safe for hostile rules; each can be raised
/// by an operator who trusts their rule authors. See docs/sandbox.md for the reasoning behind each value.
/// </summary>
public sealed record SandboxOptions
{
    /// <summary>The safe defaults, for hostile rules.</summary>
    public static SandboxOptions Default { get; } = new();

    /// <summary>Wall-clock budget for the whole pipeline of one login (Auth0 allowed 20 s).</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Statements one rule invocation may execute (including the promise jobs it queues).</summary>
    public int MaxStatements { get; init; } = 10_000_000;

    /// <summary>Bytes one rule invocation may allocate.</summary>
    public long MemoryLimitBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Call depth; the native stack guard stays on regardless, as a second line.</summary>
    public int MaxRecursionDepth { get; init; } = 256;

    /// <summary>Longest array a rule may build.</summary>
    public uint MaxArraySize { get; init; } = 1_000_000;

    /// <summary>Longest string a rule may build with repeat, padStart/padEnd, join, concat.</summary>
    public int MaxStringLength { get; init; } = 8 * 1024 * 1024;

    /// <summary>Time one regular-expression match may take before it fails.</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Total source size of a rule set, as Auth0 capped it.</summary>
    public int MaxRuleSetSourceBytes { get; init; } = 100 * 1024;

    /// <summary>
    /// Bytes of custom claims rules may put on each token (ID token, access token), as compact UTF-8 JSON: browsers,
    /// proxies and URL fragments refuse large tokens, so a rule that builds one is denied as a limit.
    /// </summary>
    public int MaxTokenClaimsBytes { get; init; } = 4 * 1024;

    /// <summary>Lines of <c>console.*</c> output kept per login; further lines are counted as dropped.</summary>
    public int MaxLogEntries { get; init; } = 100;

    /// <summary>Characters kept of one log line; the rest is cut.</summary>
    public int MaxLogEntryLength { get; init; } = 1024;

    /// <summary>Warm runtimes kept per rule-set version; a burst beyond this builds throwaway runtimes.</summary>
    public int MaxPooledRuntimes { get; init; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>Outbound HTTP calls one login may make across all its rules (redirect hops are part of one call).</summary>
    public int MaxHttpCalls { get; init; } = 10;

    /// <summary>Bytes one HTTP response may carry; the body is read as it streams in and the call fails at the cap.</summary>
    public long MaxHttpResponseBytes { get; init; } = 1024 * 1024;

    /// <summary>Time one HTTP call may take, from connect to the last body byte; never more than what is left of <see cref="TimeBudget"/>.</summary>
    public TimeSpan HttpCallTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Runtimes that logins run on at once through <c>ExecuteAsync</c>, including logins waiting on the network.</summary>
    public int MaxActiveRuntimes { get; init; } = 64;

    /// <summary>Logins that wait for a runtime when all are active; past this a login is denied at once as <c>busy</c>.</summary>
    public int MaxQueuedLogins { get; init; } = 512;

    /// <summary>
    /// Modules the host provides to <c>require</c> (say <c>auth0</c>, or the outbound-HTTP facades), asked after the
    /// engine's built-ins and before the rule set's npm packages. See docs/engine.md, "Modules".
    /// </summary>
    public IReadOnlyList<Modules.IModuleSource> HostModules { get; init; } = [];

    /// <summary>
    /// Throws when a limit cannot be enforced as configured, so a typo in configuration
    /// cannot silently switch a limit off.
    /// </summary>
    public SandboxOptions Validate()
    {
        Require(TimeBudget > TimeSpan.Zero && TimeBudget <= TimeSpan.FromMinutes(5), nameof(TimeBudget), "between 0 and 5 minutes");
        Require(MaxStatements > 0, nameof(MaxStatements), "positive");
        Require(MemoryLimitBytes > 0, nameof(MemoryLimitBytes), "positive");
        Require(MaxRecursionDepth > 0, nameof(MaxRecursionDepth), "positive");
        Require(MaxArraySize > 0, nameof(MaxArraySize), "positive");
        Require(MaxStringLength > 0, nameof(MaxStringLength), "positive");
        Require(RegexTimeout > TimeSpan.Zero, nameof(RegexTimeout), "positive");
        Require(MaxRuleSetSourceBytes > 0, nameof(MaxRuleSetSourceBytes), "positive");
        Require(MaxTokenClaimsBytes > 0, nameof(MaxTokenClaimsBytes), "positive");
        Require(MaxLogEntries >= 0, nameof(MaxLogEntries), "zero or more");
        Require(MaxLogEntryLength > 0, nameof(MaxLogEntryLength), "positive");
        Require(MaxPooledRuntimes > 0, nameof(MaxPooledRuntimes), "positive");
        Require(MaxHttpCalls >= 0, nameof(MaxHttpCalls), "zero (no calls) or more");
        Require(MaxHttpResponseBytes > 0 && MaxHttpResponseBytes <= int.MaxValue, nameof(MaxHttpResponseBytes), "between 1 and 2 GiB");
        // Longer than TimeBudget is allowed and means "whatever the login has left": each call is cut to that anyway.
        Require(HttpCallTimeout > TimeSpan.Zero && HttpCallTimeout <= TimeSpan.FromMinutes(5), nameof(HttpCallTimeout), "between 0 and 5 minutes");
        Require(MaxActiveRuntimes > 0, nameof(MaxActiveRuntimes), "positive");
        Require(MaxQueuedLogins >= 0, nameof(MaxQueuedLogins), "zero or more");
        return this;
    }

    private static void Require(bool condition, string name, string expectation)
    {
        if (!condition)
        {
            throw new ArgumentException($"Sandbox option {name} must be {expectation}.", name);
        }
    }
}
