using System.Globalization;
using System.Text.RegularExpressions;
using Jint;
using Jint.Native.Object;
using Jint.Runtime;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Runtime;

/// <summary>
/// A failure inside a runtime, decided: the denial the login gets, and whether the runtime that saw it must be discarded.
/// </summary>
/// <param name="DiscardRuntime">
/// True when the engine may hold state the failure interrupted halfway (a limit or the deadline stopped a script between
/// any two statements, or the sandbox itself failed): the pool must never hand that runtime to another login.
/// </param>
internal readonly record struct RuntimeFault(Denial Denial, bool DiscardRuntime);

/// <summary>
/// The one place that decides how a failure inside a rule runtime denies the login, and whether that runtime can be used
/// again. A rule's own error (a throw, a rejected promise, an unreadable value) denies and keeps the runtime: the script
/// ran to a point of its own choosing. A tripped limit, the time budget, a failure of the sandbox and an oversized token
/// deny and discard it. Only <see cref="RuleRuntime"/> acts on the decision (it marks itself broken).
/// </summary>
internal sealed partial class FailureClassifier(CompiledRuleSet ruleSet)
{
    private readonly SandboxOptions _options = ruleSet.Options;

    /// <summary>The host cancelled the login while a rule ran, or with its callbacks still queued: deny and discard the runtime.</summary>
    public static RuntimeFault Cancelled(CompiledRule? rule)
    {
        var name = rule?.Name ?? "";
        return new RuntimeFault(new Denial(DenialKind.Timeout, name, "access_denied", DenialDescriptions.RuleOutOfTime(name),
            new RuleFailure($"the login was cancelled by the host while rule '{name}' ran", rule?.Source.File)), DiscardRuntime: true);
    }

    /// <summary>Anything a rule call threw, caught at the edge of the runtime.</summary>
    /// <param name="loginCancelled">The host cancelled the login (its token), as opposed to the time budget running out.</param>
    public RuntimeFault Classify(Exception exception, CompiledRule? rule, bool loginCancelled = false)
    {
        var name = rule?.Name ?? "";
        switch (exception)
        {
            case OperationCanceledException when loginCancelled:
                return Cancelled(rule);
            case JavaScriptException js:
                return RuleError(rule, js);
            // Derives from TimeoutException, so it must come first.
            case RegexMatchTimeoutException:
                return Limit(rule, "RegexTimeout", $"a regular expression ran longer than {_options.RegexTimeout.TotalMilliseconds:0} ms");
            case TimeoutException:
            case OperationCanceledException:
                return Discard(new Denial(DenialKind.Timeout, name, "access_denied", DenialDescriptions.RuleOutOfTime(name),
                    new RuleFailure($"the login's time budget of {_options.TimeBudget.TotalSeconds:0.###} s ran out in rule '{name}'", rule?.Source.File, Limit: "TimeBudget")));
            case MemoryLimitExceededException memory when memory.Message.Contains("array size", StringComparison.OrdinalIgnoreCase):
                return Limit(rule, "MaxArraySize", $"an array grew past {_options.MaxArraySize:N0} elements");
            case MemoryLimitExceededException:
                return Limit(rule, "MemoryLimitBytes", $"the rule allocated more than {_options.MemoryLimitBytes:N0} bytes");
            case StatementsCountOverflowException:
                return Limit(rule, "MaxStatements", $"the rule ran more than {_options.MaxStatements:N0} statements");
            case RecursionDepthOverflowException:
                return Limit(rule, "MaxRecursionDepth", $"calls nested deeper than {_options.MaxRecursionDepth}");
            case OutcomeConversionException conversion:
                return Keep(new Denial(DenialKind.RuleError, name, "access_denied", DenialDescriptions.RuleFailed(name),
                    new RuleFailure($"the values rules left on user or context cannot be read: {conversion.Message}", rule?.Source.File)));
            default:
                return Discard(new Denial(DenialKind.RuleError, name, "access_denied", DenialDescriptions.RuleFailed(name),
                    new RuleFailure($"the sandbox failed while running the rule ({exception.GetType().Name}: {exception.Message})", rule?.Source.File)));
        }
    }

    /// <summary>Building the rules' input (user, context) failed: nothing about the engine's state can be trusted after that.</summary>
    public RuntimeFault InputFailed(Exception exception, CompiledRule? rule) => Classify(exception, rule) with { DiscardRuntime = true };

    /// <summary>The custom claims the rules left are over <see cref="SandboxOptions.MaxTokenClaimsBytes"/>; the runtime's buffer is dropped with it.</summary>
    public static RuntimeFault ClaimsTooLarge(Denial tooLarge) => Discard(tooLarge);

    /// <summary>
    /// A JavaScript error a rule threw or rejected with. Errors the bootstrap's capped built-ins throw name their limit
    /// ("(sandbox limit MaxStringLength)"), and a stack overflow is the recursion limit: those are limits, not script errors.
    /// </summary>
    public RuntimeFault RuleError(CompiledRule? rule, JavaScriptException exception)
    {
        var name = rule?.Name ?? "";
        var message = DescribeThrown(exception);
        var (line, column) = LocateInRule(rule, exception);
        var file = rule?.Source.File;
        var source = line is { } ruleLine ? rule?.SourceLine(ruleLine) : null;

        var thrownAt = exception.Location;
        if (thrownAt.Start.Line > 0 && EnabledRuleFrom(thrownAt.SourceFile) is { } origin)
        {
            if (message.StartsWith("TypeError: ", StringComparison.Ordinal))
            {
                message = NodeStyleTypeErrors.Rewrite(origin, thrownAt.Start.Line, thrownAt.Start.Column, message);
            }
            if (!ReferenceEquals(origin, rule))
            {
                // A function one rule left on `global` failed while another rule called it: point at the failing code,
                // and say who called it.
                var caller = line is null ? "" : $" at {file}:{line}:{column}";
                message += $" (in code from rule '{origin.Name}', called by rule '{name}'{caller})";
                file = origin.Source.File;
                (line, column) = origin.ToAuthorPosition(thrownAt.Start.Line, thrownAt.Start.Column);
                source = origin.SourceLine(line.Value);
            }
        }
        string? limit = null;
        if (message.Contains("Maximum call stack size exceeded", StringComparison.Ordinal))
        {
            limit = "MaxRecursionDepth";
        }
        else if (LimitMention().Match(message) is { Success: true } mention)
        {
            limit = mention.Groups[1].Value;
        }

        var failure = new RuleFailure(message, file, line, column, source, limit);
        return limit is not null
            ? Discard(new Denial(DenialKind.Limit, name, "access_denied", DenialDescriptions.RuleExceededLimit(name), failure))
            : Keep(new Denial(DenialKind.RuleError, name, "access_denied", DenialDescriptions.RuleFailed(name), failure));
    }

    /// <summary>The engine's state could not be put back after a login (whose outcome stands): no later login may see that state.</summary>
    public static RuntimeFault StateNotRestored(Exception exception) =>
        Discard(new Denial(DenialKind.RuleError, "", "access_denied", DenialDescriptions.Generic,
            new RuleFailure($"the runtime's state could not be restored after the login ({exception.GetType().Name}: {exception.Message})")));

    /// <summary>An engine constraint tripped (statements, memory, recursion, array size, regex time).</summary>
    private static RuntimeFault Limit(CompiledRule? rule, string limit, string what)
    {
        var name = rule?.Name ?? "";
        return Discard(new Denial(DenialKind.Limit, name, "access_denied", DenialDescriptions.RuleExceededLimit(name),
            new RuleFailure($"sandbox limit {limit} tripped: {what}", rule?.Source.File, Limit: limit)));
    }

    // The denials below stop the login but leave the engine as the rules left it between two calls: the runtime is kept.

    /// <summary>A rule returned without calling callback, and nothing it started can still call it.</summary>
    public static Denial DidNotCallBack(CompiledRule rule) =>
        new(DenialKind.Timeout, rule.Name, "access_denied", DenialDescriptions.Failed($"rule '{rule.Name}' did not call callback"),
            new RuleFailure($"rule '{rule.Name}' returned without calling callback, and nothing it started can still call it", rule.Source.File));

    /// <summary>An action's handler returned a promise that nothing left to run can settle.</summary>
    public static Denial ActionNeverSettled(CompiledRule rule) =>
        new(DenialKind.Timeout, rule.Name, "access_denied", DenialDescriptions.Failed($"rule '{rule.Name}' did not finish"),
            new RuleFailure($"onExecutePostLogin in '{rule.Name}' returned a promise that can never settle (it awaits something nothing will resolve)", rule.Source.File));

    /// <summary>A login that continues after a redirect names an action this rule set does not have.</summary>
    public static Denial UnknownContinueAction(string action) =>
        new(DenialKind.RuleError, action, "access_denied", DenialDescriptions.RuleFailed(action),
            new RuleFailure($"the login continues after a redirect by '{action}', which is not an action of this rule set"));

    /// <summary>The rules asked for more outbound calls than <see cref="SandboxOptions.MaxHttpCalls"/> allows. The call is refused before it starts.</summary>
    public Denial TooManyHttpCalls(string rule) =>
        new(DenialKind.Limit, rule, "access_denied", DenialDescriptions.RuleExceededLimit(rule),
            new RuleFailure($"sandbox limit MaxHttpCalls tripped: the login made more than {_options.MaxHttpCalls} HTTP calls", Limit: "MaxHttpCalls"));

    /// <summary>An outbound call hit one of its own limits (response size, say); the host's transport named it.</summary>
    public static Denial HttpLimit(string rule, string limit, string message) =>
        new(DenialKind.Limit, rule, "access_denied", DenialDescriptions.RuleExceededLimit(rule),
            new RuleFailure($"sandbox limit {limit} tripped: {message}", Limit: limit));

    /// <summary>The login's time budget ran out while an outbound call, cut to what was left of it, was still running.</summary>
    public Denial HttpCallOutOfTime(string rule, string method, string url) =>
        new(DenialKind.Timeout, rule, "access_denied", DenialDescriptions.RuleOutOfTime(rule),
            new RuleFailure($"the login's time budget of {_options.TimeBudget.TotalSeconds:0.###} s ran out while rule '{rule}' waited on {method} {url}", Limit: "TimeBudget"));

    /// <summary>The budget ran out, or the caller cancelled the login, while a rule waited on outbound calls.</summary>
    public Denial WaitOutOfTime(CompiledRule rule, int waiting, bool cancelled) =>
        new(DenialKind.Timeout, rule.Name, "access_denied", DenialDescriptions.RuleOutOfTime(rule.Name),
            new RuleFailure(cancelled
                ? $"the login was cancelled while rule '{rule.Name}' waited on {waiting} HTTP call(s)"
                : $"the login's time budget of {_options.TimeBudget.TotalSeconds:0.###} s ran out while rule '{rule.Name}' waited on {waiting} HTTP call(s)",
                rule.Source.File, Limit: cancelled ? null : "TimeBudget"));

    /// <summary>The enabled rule whose compiled script is <paramref name="file"/>: where a throw happened, whichever rule was running.</summary>
    private CompiledRule? EnabledRuleFrom(string? file)
    {
        foreach (var rule in ruleSet.Enabled)
        {
            if (rule.Source.File == file)
            {
                return rule;
            }
        }
        return null;
    }

    private static RuntimeFault Keep(Denial denial) => new(denial, DiscardRuntime: false);

    private static RuntimeFault Discard(Denial denial) => new(denial, DiscardRuntime: true);

    private static string DescribeThrown(JavaScriptException exception)
    {
        if (exception.Error is ObjectInstance error && !error.IsCallable())
        {
            var name = error.Get("name");
            var message = error.Get("message");
            if (message.IsString())
            {
                return name.IsString() && name.ToString().Length > 0 ? $"{name}: {message}" : message.ToString();
            }
        }
        if (exception.Error.IsString())
        {
            return exception.Error.ToString();
        }

        // `throw { code: 1 }` or `throw 42`: show the value itself, as a console would.
        try
        {
            return "Uncaught " + (JsonBridge.ToJson(exception.Error)?.ToJsonString() ?? exception.Error.ToString());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return "Uncaught " + exception.Error.Type.ToString().ToLowerInvariant();
        }
    }

    /// <summary>Finds where in the author's file the error happened: the throw site, or the innermost stack frame in the rule's file.</summary>
    private static (int? Line, int? Column) LocateInRule(CompiledRule? rule, JavaScriptException exception)
    {
        if (rule is null)
        {
            return (null, null);
        }

        var location = exception.Location;
        if (location.SourceFile == rule.Source.File && location.Start.Line > 0)
        {
            var (line, column) = rule.ToAuthorPosition(location.Start.Line, location.Start.Column);
            return (line, column);
        }

        var stack = exception.JavaScriptStackTrace;
        if (stack is not null)
        {
            var marker = rule.Source.File + ":";
            var at = stack.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var match = StackPosition().Match(stack, at + marker.Length);
                if (match.Success && match.Index == at + marker.Length)
                {
                    var line = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    var column = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                    return rule.ToAuthorPosition(line, column - 1);
                }
            }
        }
        return (null, null);
    }

    [GeneratedRegex(@"(\d+):(\d+)")]
    private static partial Regex StackPosition();

    [GeneratedRegex(@"\(sandbox limit (\w+)\)")]
    private static partial Regex LimitMention();
}
