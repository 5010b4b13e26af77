using System.Diagnostics;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

// Building the rules' user and context from a transaction, and reading the outcome back from them.
internal sealed partial class RuleRuntime
{
    // Auth0 always gave rules these objects; filling them in keeps rules that read e.g. context.request.query from failing.
    private static readonly string[] ContextObjects = ["clientMetadata", "request", "stats", "idToken", "accessToken", "sso", "authentication"];

    private JsObject ToJsUser(LoginTransaction transaction)
    {
        // Only the host decides who is impersonated: markers in the transaction's user are never copied as
        // plain data; on an impersonated login they are defined read-only, otherwise rules do not see them.
        if (!transaction.IsImpersonated)
        {
            var count = 0;
            foreach (var (key, value) in transaction.User)
            {
                if (key is not ("impersonated" or "impersonator"))
                {
                    Entry(ref count, key, JsonBridge.ToJs(_engine, value));
                }
            }
            return FromEntries(count);
        }

        // The markers' descriptors are not plain data, which a shared layout does not describe: a dictionary object.
        var user = new JsObject(_engine);
        foreach (var (key, value) in transaction.User)
        {
            if (key is not ("impersonated" or "impersonator"))
            {
                user.FastSetDataProperty(key, JsonBridge.ToJs(_engine, value));
            }
        }

        var impersonator = new JsObject(_engine);
        foreach (var (key, value) in (JsonObject)transaction.User["impersonator"]!)
        {
            impersonator.FastSetProperty(key, new PropertyDescriptor(JsonBridge.ToJs(_engine, value), ReadOnly));
        }
        impersonator.PreventExtensions();
        user.FastSetProperty("impersonated", new PropertyDescriptor(JsBoolean.True, ReadOnly));
        user.FastSetProperty("impersonator", new PropertyDescriptor(impersonator, ReadOnly));
        return user;
    }

    /// <summary>Enumerable, but neither writable nor configurable.</summary>
    private const PropertyFlag ReadOnly = PropertyFlag.Enumerable;

    /// <summary>A rule passed a different user object to callback: later rules still see the markers, or the previous user if they cannot be set.</summary>
    private JsValue ReprotectImpersonation(LoginTransaction transaction, ObjectInstance next, ObjectInstance previous)
    {
        if (!transaction.IsImpersonated)
        {
            return next;
        }

        // Only an ordinary object answers a read of its own data property with that property. A Proxy's get trap
        // could tell later rules that impersonated is false whatever is defined on it (and reading its descriptors
        // here would run the rule's traps), so it cannot carry the markers.
        if (next is not (JsObject or LazyJsonObject))
        {
            return CannotCarryMarkers(previous);
        }

        var flag = next.GetOwnProperty("impersonated");
        var marker = next.GetOwnProperty("impersonator");
        var previousMarker = previous.GetOwnProperty("impersonator");
        if (flag.IsDataDescriptor() && !flag.Configurable && !flag.Writable && flag.Value.Equals(JsBoolean.True)
            && marker.IsDataDescriptor() && !marker.Configurable && !marker.Writable && ReferenceEquals(marker.Value, previousMarker.Value))
        {
            return next;
        }

        if (!next.Extensible || !flag.Configurable && flag != PropertyDescriptor.Undefined || !marker.Configurable && marker != PropertyDescriptor.Undefined)
        {
            return CannotCarryMarkers(previous);
        }

        next.RemoveOwnProperty("impersonated");
        next.RemoveOwnProperty("impersonator");
        next.DefineOwnProperty("impersonated", new PropertyDescriptor(JsBoolean.True, ReadOnly));
        next.DefineOwnProperty("impersonator", new PropertyDescriptor(previousMarker.Value, ReadOnly));
        return next;
    }

    private ObjectInstance CannotCarryMarkers(ObjectInstance previous)
    {
        _state.AddSystemLog($"rule '{_state.CurrentRule}' passed a user to callback that cannot carry the impersonation markers; later rules get the previous user");
        return previous;
    }

    private JsObject ToJsContext(JsonObject source)
    {
        var count = 0;
        foreach (var (key, value) in source)
        {
            Entry(ref count, key, JsonBridge.ToJs(_engine, value));
        }
        foreach (var name in ContextObjects)
        {
            if (!source.ContainsKey(name))
            {
                Entry(ref count, name, new JsObject(_engine));
            }
        }
        return FromEntries(count);
    }

    // The top level of user and context is built through Jint's shared layouts (JsObject.CreateFromEntries): the same
    // keys login after login give objects of one hidden class, with no descriptor per property and no property
    // dictionary. The same ordinary objects as before to a rule; Jint falls back to a dictionary for unusual keys.
    private KeyValuePair<string, JsValue>[] _entries = new KeyValuePair<string, JsValue>[32];

    private void Entry(ref int count, string key, JsValue value)
    {
        if (count == _entries.Length)
        {
            Array.Resize(ref _entries, count * 2);
        }
        _entries[count++] = new(key, value);
    }

    private JsObject FromEntries(int count)
    {
        var result = JsObject.CreateFromEntries(_engine, _entries.AsSpan(0, count));
        // The buffer outlives the login: it must not keep this login's values alive.
        Array.Clear(_entries, 0, count);
        return result;
    }

    /// <summary>Lets calls a rule did not wait for finish (within the budget) so the outcome records them, then reads the outcome.</summary>
    private async ValueTask<Outcome> FinishAsync(Denial? denial, LoginTransaction transaction, JsValue user, JsValue context, long started, RuleTiming[] timings, int ran,
        (string Rule, RedirectRequest Request)? redirect = null)
    {
        if (_pending.Count > 0)
        {
            await DrainCallsAsync();
        }
        return Finish(denial, transaction, user, context, started, timings, ran, redirect);
    }

    private Outcome Finish(Denial? denial, LoginTransaction transaction, JsValue user, JsValue context, long started, RuleTiming[] timings, int ran,
        (string Rule, RedirectRequest Request)? redirect = null)
    {
        JsonObject idToken, accessToken, userJson;
        var dropped = new List<DroppedClaim>();
        try
        {
            var contextObject = context as ObjectInstance;
            idToken = ReadClaims(contextObject, IdTokenKey, dropped);
            accessToken = ReadClaims(contextObject, AccessTokenKey, dropped);
            userJson = JsonBridge.ToJson(user) as JsonObject ?? [];
        }
        catch (Exception e) when (denial is null && e is not OutOfMemoryException)
        {
            var rules = _ruleSet.Enabled;
            return Denied(Classify(e, rules.Count > 0 ? rules[^1] : null), transaction, started, timings, ran);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Already denying; the claims are informational then.
            _state.AddSystemLog($"the outcome's claims could not be read: {e.Message}");
            return Denied(denial!, transaction, started, timings, ran);
        }

        if (denial is null && _claimsLimit.Check(idToken, accessToken, ran > 0 ? _lastRule : null) is { } tooLarge)
        {
            // The oversized claims go nowhere, not even into the decision log; the failure names the claim.
            denial = Fail(FailureClassifier.ClaimsTooLarge(tooLarge));
            idToken = [];
            accessToken = [];
        }

        RestoreImpersonation(userJson, transaction);
        foreach (var claim in dropped)
        {
            _state.AddSystemLog($"claim '{claim.Claim}' on {claim.Token} was dropped: {claim.Reason}");
        }

        return new Outcome
        {
            Decision = denial is not null ? Decision.Deny : redirect is not null ? Decision.Redirect : Decision.Allow,
            Rule = denial?.Rule ?? redirect?.Rule,
            Redirect = redirect?.Request,
            Error = denial?.Error,
            ErrorDescription = denial?.Description,
            Kind = denial?.Kind,
            Failure = denial?.Failure,
            IdToken = idToken,
            AccessToken = accessToken,
            User = userJson,
            MetadataUpdates = _state.TakeMetadataUpdates(),
            Mfa = denial is null ? _multifactor : null,
            DroppedClaims = dropped,
            Logs = _state.TakeLogs(),
            HttpCalls = TakeHttpRecords(),
            RuleSetVersion = _ruleSet.Version,
            Timings = new OutcomeTimings(Stopwatch.GetElapsedTime(started).TotalMilliseconds, Slice(timings, ran)),
        };
    }

    /// <summary>A denial whose user and claims could not be read: the outcome carries the transaction's user unchanged.</summary>
    private Outcome Denied(Denial denial, LoginTransaction transaction, long started, RuleTiming[] timings, int ran)
    {
        var user = (JsonObject)transaction.User.DeepClone();
        RestoreImpersonation(user, transaction);
        return new Outcome
        {
            Decision = Decision.Deny,
            Rule = denial.Rule,
            Error = denial.Error,
            ErrorDescription = denial.Description,
            Kind = denial.Kind,
            Failure = denial.Failure,
            User = user,
            Logs = _state.TakeLogs(),
            HttpCalls = TakeHttpRecords(),
            RuleSetVersion = _ruleSet.Version,
            Timings = new OutcomeTimings(Stopwatch.GetElapsedTime(started).TotalMilliseconds, Slice(timings, ran)),
        };
    }

    private static IReadOnlyList<RuleTiming> Slice(RuleTiming[] timings, int count) =>
        count == timings.Length ? timings : timings[..count];

    private static void RestoreImpersonation(JsonObject user, LoginTransaction transaction)
    {
        user.Remove("impersonated");
        user.Remove("impersonator");
        if (transaction.IsImpersonated)
        {
            user["impersonated"] = true;
            user["impersonator"] = transaction.User["impersonator"]!.DeepClone();
        }
    }

    private static readonly JsString IdTokenKey = new("idToken");
    private static readonly JsString AccessTokenKey = new("accessToken");

    private static JsonObject ReadClaims(ObjectInstance? context, JsString tokenKey, List<DroppedClaim> dropped)
    {
        var token = tokenKey.ToString();
        var claims = new JsonObject();
        if (context is null || JsonBridge.GetData(context, tokenKey) is not ObjectInstance source)
        {
            return claims;
        }

        var isAccessToken = token == "accessToken";
        foreach (var (key, descriptor) in source.GetOwnProperties())
        {
            if (!key.IsString() || !descriptor.Enumerable || !descriptor.IsDataDescriptor() || JsonBridge.IsOmitted(descriptor.Value))
            {
                continue;
            }

            var name = key.ToString();
            if (isAccessToken && name == "scope")
            {
                claims["scope"] = ReadScope(descriptor.Value);
                continue;
            }

            if (ReservedClaims.IsReserved(name))
            {
                dropped.Add(new DroppedClaim(token, name, "reserved claims are set by the server, not by rules"));
                continue;
            }
            claims[name] = JsonBridge.ToJson(descriptor.Value);
        }
        return claims;
    }

    /// <summary>Auth0 rules set scope as an array; a space-separated string is accepted too.</summary>
    private static JsonArray ReadScope(JsValue value)
    {
        var scopes = new JsonArray();
        if (value.IsString())
        {
            foreach (var scope in value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                scopes.Add(scope);
            }
        }
        else if (JsonBridge.ToJson(value) is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var scope) && scope.Length > 0)
                {
                    scopes.Add(scope);
                }
            }
        }
        return scopes;
    }
}
