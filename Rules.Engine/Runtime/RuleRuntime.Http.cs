using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Interop;
using Rules.Engine.Compilation;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

// Outbound HTTP: the facades' `send` reaches HttpSend, which starts the call on the login's transport and returns at once.
// The rule's job queue runs dry; the login then awaits the calls (holding no thread), settles each finished one back into
// the engine on whichever thread resumes it, and runs the jobs that follow. Only one login drives a runtime at a time.
internal sealed partial class RuleRuntime
{
    private static readonly Lazy<EgressHttpTransport> NoEgress = new(() => new EgressHttpTransport(EgressPolicy.DenyAll));

    private readonly List<PendingCall> _pending = [];
    private readonly List<HttpCallRecord> _httpRecords = [];
    private IRuleHttpTransport _http = null!;
    private IRuleHttpTransport? _hostCalls;
    private bool _recordResponses;
    private int _httpCalls;
    private Denial? _httpLimit;
    private long _loginStarted;
    private CancellationTokenSource? _loginCancellation;

    /// <param name="BudgetBound">The call's timeout was cut to what the login had left: timing out means the budget ran out.</param>
    private sealed record PendingCall(string Rule, RuleHttpRequest Request, JsValue Settle, long Started, Task<RuleHttpResponse> Task, bool BudgetBound);

    private void AddHttpHost(JsObject host)
    {
        var factories = new JsObject(_engine);
        factories.FastSetDataProperty("kit", _engine.Evaluate(HttpModules.Kit));
        var names = new JsValue[HttpModules.Factories.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var (name, factory) = HttpModules.Factories[i];
            names[i] = new JsString(name);
            factories.FastSetDataProperty(name, _engine.Evaluate(factory));
        }
        factories.FastSetDataProperty("names", new Jint.Native.JsArray(_engine, names));
        host.FastSetDataProperty(BootstrapHost.HttpFactories, factories);
        host.SetFunction(_engine, BootstrapHost.HttpSend, HttpSend);
    }

    private void BeginHttp(ExecutionOptions? options, IRuleHttpTransport? pipelineHttp, CancellationToken cancellationToken)
    {
        _http = options?.Http ?? pipelineHttp ?? NoEgress.Value;
        _hostCalls = options?.HostCalls;
        _recordResponses = options?.RecordHttpResponses ?? false;
        _httpCalls = 0;
        _httpLimit = null;
        _loginStarted = Stopwatch.GetTimestamp();
        _loginCancellation = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
    }

    private void EndHttp()
    {
        // Calls still in flight (the budget ran out) are cancelled; none of them can settle into the next login.
        _loginCancellation?.Cancel();
        _loginCancellation?.Dispose();
        _loginCancellation = null;
        _pending.Clear();
        _httpRecords.Clear();
        _hostCalls = null;
    }

    private TimeSpan BudgetLeft => _options.TimeBudget - Stopwatch.GetElapsedTime(_loginStarted);

    private JsValue HttpSend(JsValue thisObject, JsValue[] arguments)
    {
        if (arguments.Length < 2 || arguments[0] is not ObjectInstance request || !arguments[1].IsCallable())
        {
            return Failure("ERR_INVALID_ARG_TYPE", "httpSend(request, settle)");
        }

        var method = request.Get("method").ToString().ToUpperInvariant();
        var urlText = request.Get("url").ToString();
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Failure("ERR_INVALID_URL", $"Invalid URL: '{(urlText.Length > 200 ? urlText[..200] : urlText).Split('?')[0]}' is not an absolute http or https URL");
        }
        if (method.Length == 0 || method.Any(c => !char.IsAsciiLetter(c)))
        {
            return Failure("ERR_INVALID_HTTP_TOKEN", $"Method must be a valid HTTP token [\"{method}\"]");
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (request.Get("headers") is ObjectInstance headerObject)
        {
            foreach (var (key, descriptor) in headerObject.GetOwnProperties())
            {
                if (key.IsString() && descriptor.Enumerable && descriptor.IsDataDescriptor())
                {
                    headers.Add(new(key.ToString(), descriptor.Value.ToString()));
                }
            }
        }
        var body = request.Get("body") is { } bodyValue && !bodyValue.IsUndefined() && !bodyValue.IsNull() ? bodyValue.ToString() : null;
        var call = new RuleHttpRequest(method, url, headers, body);

        if (++_httpCalls > _options.MaxHttpCalls)
        {
            var rule = _state.CurrentRule;
            _httpLimit ??= _failures.TooManyHttpCalls(rule);
            Record(call, Stopwatch.GetTimestamp(), null, "ERR_HTTP_LIMIT");
            return Failure("ERR_HTTP_LIMIT", $"{method} {call.LoggableUrl}: more than {_options.MaxHttpCalls} HTTP calls in one login (sandbox limit MaxHttpCalls)", "MaxHttpCalls");
        }

        var timeout = _options.HttpCallTimeout;
        var asked = request.Get("timeout");
        if (asked.IsNumber() && asked.AsNumber() > 0 && asked.AsNumber() < timeout.TotalMilliseconds)
        {
            timeout = TimeSpan.FromMilliseconds(asked.AsNumber());
        }
        var left = BudgetLeft;
        var budgetBound = left < timeout;
        if (budgetBound)
        {
            timeout = left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
        }

        var started = Stopwatch.GetTimestamp();
        Task<RuleHttpResponse> task;
        try
        {
            var transport = _hostCalls is not null && HostCalls.IsHostCall(url) ? _hostCalls : _http;
            task = transport.SendAsync(call, new HttpCallLimits(_options.MaxHttpResponseBytes, timeout), _loginCancellation?.Token ?? CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            task = Task.FromException<RuleHttpResponse>(e);
        }
        _pending.Add(new PendingCall(_state.CurrentRule, call, arguments[1], started, task, budgetBound));
        return JsValue.Undefined;
    }

    private JsObject Failure(string code, string message, string? limit = null)
    {
        var failure = new JsObject(_engine);
        failure.FastSetDataProperty("code", new JsString(code));
        failure.FastSetDataProperty("message", new JsString(message));
        if (limit is not null)
        {
            failure.FastSetDataProperty("limit", new JsString(limit));
        }
        return failure;
    }

    /// <summary>
    /// Waits (holding no thread) for the calls this login started until <paramref name="call"/> has finished,
    /// settling each into the engine and running the jobs it queues. A denial when the budget runs out or a limit trips.
    /// </summary>
    private async ValueTask<Denial?> AwaitCallsAsync(CompiledRule rule, ICallInProgress call)
    {
        while (!call.Finished && _pending.Count > 0 && _httpLimit is null)
        {
            if (!await WaitForAnyAsync())
            {
                return OutOfTime(rule);
            }
            SettleFinished(runScript: true);
            _engine.Advanced.ProcessTasks();
        }
        return _httpLimit;
    }

    /// <summary>After the last rule: calls a rule did not wait for (fire and forget) finish within the budget and are recorded; no script runs.</summary>
    private async ValueTask DrainCallsAsync()
    {
        while (_pending.Count > 0 && await WaitForAnyAsync())
        {
            SettleFinished(runScript: false);
        }
        foreach (var call in _pending)
        {
            Record(call.Request, call.Started, null, "ERR_LOGIN_ENDED", call.Rule);
            _state.AddSystemLog($"{call.Request.Method} {call.Request.LoggableUrl} from rule '{call.Rule}' was still running when the login's time budget ran out; it was cancelled");
        }
        _pending.Clear();
    }

    private async Task<bool> WaitForAnyAsync()
    {
        var left = BudgetLeft;
        var token = _loginCancellation?.Token ?? CancellationToken.None;
        if (left <= TimeSpan.Zero || token.IsCancellationRequested)
        {
            return false;
        }
        Task any = _pending.Count == 1 ? _pending[0].Task : Task.WhenAny(_pending.Select(p => (Task)p.Task));
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(token);
        var delay = Task.Delay(left, timer.Token);
        var first = await Task.WhenAny(any, delay).ConfigureAwait(false);
        timer.Cancel();
        return first == any;
    }

    private void SettleFinished(bool runScript)
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            var call = _pending[i];
            if (!call.Task.IsCompleted)
            {
                continue;
            }
            _pending.RemoveAt(i--);
            JsValue error = JsValue.Null, response = JsValue.Undefined;
            if (call.Task.IsCompletedSuccessfully)
            {
                var result = call.Task.Result;
                Record(call.Request, call.Started, result, null, call.Rule);
                response = runScript ? ToJsResponse(result) : JsValue.Undefined;
            }
            else
            {
                var failure = call.Task.Exception?.InnerException as RuleHttpException
                    ?? new RuleHttpException("ECONNRESET", $"{call.Request.Method} {call.Request.LoggableUrl} failed inside the host ({call.Task.Exception?.InnerException?.GetType().Name})");
                Record(call.Request, call.Started, null, failure.Code, call.Rule);
                if (call.BudgetBound && failure.Code == RuleHttpException.TimedOut)
                {
                    _httpLimit ??= _failures.HttpCallOutOfTime(call.Rule, call.Request.Method, call.Request.LoggableUrl);
                }
                if (failure.Limit is not null)
                {
                    _httpLimit ??= FailureClassifier.HttpLimit(call.Rule, failure.Limit, failure.Message);
                }
                error = runScript ? Failure(failure.Code, failure.Message, failure.Limit) : JsValue.Null;
            }
            if (runScript)
            {
                _engine.Call(call.Settle, JsValue.Undefined, [error, response]);
            }
        }
    }

    private JsObject ToJsResponse(RuleHttpResponse result)
    {
        var headers = new JsObject(_engine);
        foreach (var (name, value) in result.Headers)
        {
            headers.FastSetDataProperty(name, new JsString(value));
        }
        var response = new JsObject(_engine);
        response.FastSetDataProperty("status", JsNumber.Create(result.Status));
        response.FastSetDataProperty("statusText", new JsString(result.StatusText));
        response.FastSetDataProperty("headers", headers);
        response.FastSetDataProperty("body", new JsString(result.Body));
        response.FastSetDataProperty("url", new JsString(result.Url.ToString()));
        return response;
    }

    private void Record(RuleHttpRequest request, long started, RuleHttpResponse? response, string? error, string? rule = null)
    {
        var url = request.Url;
        _httpRecords.Add(new HttpCallRecord(
            rule ?? _state.CurrentRule, request.Method, $"{url.Scheme}://{url.Authority}", url.AbsolutePath, response?.Status,
            Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3), response?.Bytes ?? 0,
            request.Body is null ? null : Sha256(request.Body), error, _recordResponses ? response?.Body : null));
    }

    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private IReadOnlyList<HttpCallRecord> TakeHttpRecords() => _httpRecords.Count == 0 ? [] : _httpRecords.ToArray();

    private Denial OutOfTime(CompiledRule rule)
    {
        var cancelled = _loginCancellation?.IsCancellationRequested == true && BudgetLeft > TimeSpan.Zero;
        return _failures.WaitOutOfTime(rule, _pending.Count, cancelled);
    }
}
