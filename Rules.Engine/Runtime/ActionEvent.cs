using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;

namespace Rules.Engine.Runtime;

/// <summary>
/// An action's <c>event</c> built in C#: the same objects, in the same order, with the same values as <c>eventFor</c> in
/// Bootstrap/40-actions-api.js, for a context whose parts are plain data (what the host builds and what rules usually
/// leave). Interpreting eventFor cost about as much as a small action's own body; this is one pass over the context.
/// Every read here is an own data property of an ordinary object whose prototype is the intrinsic one (or null), so
/// nothing a rule wrote can run while the event is built. Anything else (a getter, a Proxy, an object with another
/// prototype) returns null before any script could observe a read, and eventFor builds the event as before.
/// A fresh event per action call, as on Auth0: what one action does to its event is not seen by the next.
/// </summary>
internal sealed class ActionEvent(Jint.Engine engine, JsObject secrets)
{
    private static readonly JsString Request = new("request"), Query = new("query"), Stats = new("stats"), Authentication = new("authentication"),
        ClientId = new("clientID"), ClientName = new("clientName"), ClientMetadata = new("clientMetadata"),
        ConnectionId = new("connectionID"), Connection = new("connection"), ConnectionStrategy = new("connectionStrategy"),
        Ip = new("ip"), Hostname = new("hostname"), UserAgent = new("userAgent"), Geoip = new("geoip"), Body = new("body"),
        LoginsCount = new("loginsCount"), Tenant = new("tenant"), Methods = new("methods"), Protocol = new("protocol"),
        Scope = new("scope"), ResponseType = new("response_type"), RedirectUri = new("redirect_uri"), State = new("state"),
        SessionId = new("sessionID"), Length = new("length");

    // The objects eventFor's literals make, property for property and in the same order.
    private static readonly JsObjectLayout EventLayout = new("user", "client", "connection", "request", "stats", "secrets", "tenant", "authentication", "transaction", "session");
    private static readonly JsObjectLayout ClientLayout = new("client_id", "name", "metadata");
    private static readonly JsObjectLayout ConnectionLayout = new("id", "name", "strategy");
    private static readonly JsObjectLayout RequestLayout = new("ip", "hostname", "user_agent", "geoip", "query", "body");
    private static readonly JsObjectLayout StatsLayout = new("logins_count");
    private static readonly JsObjectLayout IdLayout = new("id");
    private static readonly JsObjectLayout AuthenticationLayout = new("methods");
    private static readonly JsObjectLayout TransactionLayout = new("protocol", "requested_scopes", "response_type", "redirect_uri", "state");

    /// <summary>Scope and response-type lists longer than this are left to eventFor (real ones have a handful of entries).</summary>
    private const uint MaxWordArray = 64;

    private readonly ObjectInstance _objectPrototype = engine.Intrinsics.Object.PrototypeObject;
    private readonly ObjectInstance _arrayPrototype = engine.Intrinsics.Array.PrototypeObject;

    /// <summary>The event for this call, or null when only eventFor can read <paramref name="context"/> exactly.</summary>
    public JsObject? TryBuild(JsValue user, JsValue context)
    {
        if (!IsPlain(context, out var ctx)
            || !TryObject(ctx, Request, ReadInside, out var request) || !TryObject(request, Query, ReadInside, out var query)
            || !TryObject(ctx, Stats, ReadInside, out var stats) || !TryObject(ctx, Authentication, ReadInside, out var authentication)
            || !TryRead(ctx, ClientId, out var clientId) || !TryRead(ctx, ClientName, out var clientName) || !TryObject(ctx, ClientMetadata, PassOn, out var clientMetadata)
            || !TryRead(ctx, ConnectionId, out var connectionId) || !TryRead(ctx, Connection, out var connection) || !TryRead(ctx, ConnectionStrategy, out var strategy)
            || !TryRead(request, Ip, out var ip) || !TryRead(request, Hostname, out var hostname) || !TryRead(request, UserAgent, out var userAgent)
            || !TryObject(request, Geoip, PassOn, out var geoip) || !TryObject(request, Body, PassOn, out var body)
            || !TryRead(stats, LoginsCount, out var loginsCount) || !TryRead(ctx, Tenant, out var tenant)
            || !TryRead(authentication, Methods, out var methods) || MaybeProxy(methods)
            || !TryRead(ctx, Protocol, out var protocol)
            || !TryRead(query, Scope, out var scope) || !TryWords(scope, out var requestedScopes)
            || !TryRead(query, ResponseType, out var responseType) || !TryWords(responseType, out var responseTypes)
            || !TryRead(query, RedirectUri, out var redirectUri) || !TryRead(query, State, out var state)
            || !TryRead(ctx, SessionId, out var sessionId))
        {
            return null;
        }

        return JsObject.Create(engine, EventLayout,
        [
            user,
            JsObject.Create(engine, ClientLayout, [clientId, clientName, clientMetadata]),
            JsObject.Create(engine, ConnectionLayout, [connectionId, connection, strategy]),
            JsObject.Create(engine, RequestLayout, [ip, hostname, userAgent, geoip, query, body]),
            JsObject.Create(engine, StatsLayout, [loginsCount]),
            secrets,
            JsObject.Create(engine, IdLayout, [tenant]),
            JsObject.Create(engine, AuthenticationLayout, [methods is JsArray ? methods : new JsArray(engine)]),
            JsObject.Create(engine, TransactionLayout, [protocol, requestedScopes, responseTypes, redirectUri, state]),
            JsObject.Create(engine, IdLayout, [sessionId]),
        ]);
    }

    /// <summary>An ordinary object (or array) whose own data properties are all a read of it can find.</summary>
    private bool IsPlain(JsValue value, out ObjectInstance obj)
    {
        obj = (value as ObjectInstance)!;
        return value switch
        {
            JsObject or LazyJsonObject => obj.Prototype is null || ReferenceEquals(obj.Prototype, _objectPrototype),
            JsArray => ReferenceEquals(obj.Prototype, _arrayPrototype),
            _ => false,
        };
    }

    /// <summary><c>obj[key]</c> when it is an own data property or absent (the intrinsic prototypes are frozen and have none of these keys).</summary>
    private static bool TryRead(ObjectInstance obj, JsValue key, out JsValue value)
    {
        var descriptor = obj.GetOwnProperty(key);
        if (descriptor == PropertyDescriptor.Undefined)
        {
            value = JsValue.Undefined;
            return true;
        }
        value = descriptor.IsDataDescriptor() ? descriptor.Value : JsValue.Undefined;
        return descriptor.IsDataDescriptor();
    }

    // What the event does with an object it takes from the context: reads properties inside it, or only passes it on.
    private const bool ReadInside = true, PassOn = false;

    /// <summary><c>isObject(obj[key]) ? obj[key] : {}</c>; the object must itself be plain when the event reads inside it.</summary>
    private bool TryObject(ObjectInstance obj, JsValue key, bool readInside, out ObjectInstance value)
    {
        value = null!;
        if (!TryRead(obj, key, out var read))
        {
            return false;
        }
        if (read is not ObjectInstance found)
        {
            value = new JsObject(engine);
            return true;
        }
        value = found;
        // Objects the event only passes on (clientMetadata, geoip, body) may be anything; those it reads from must be plain.
        return !readInside || IsPlain(found, out _);
    }

    /// <summary>Array.isArray sees through a Proxy: for an object that may be one, only eventFor answers exactly.</summary>
    private static bool MaybeProxy(JsValue value) => value is ObjectInstance and not (JsObject or LazyJsonObject or JsArray);

    /// <summary><c>words(value)</c>: a string split on spaces, or an array's non-empty strings; empty words dropped.</summary>
    private bool TryWords(JsValue value, out JsValue words)
    {
        words = JsValue.Undefined;
        JsValue[] list = [];
        if (value.IsString())
        {
            var parts = value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            list = new JsValue[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                list[i] = new JsString(parts[i]);
            }
        }
        else if (value is JsArray array)
        {
            if (!IsPlain(array, out _) || !TryRead(array, Length, out var length))
            {
                return false;
            }
            var count = (uint)length.AsNumber();
            if (count > MaxWordArray)
            {
                // A long list is a rule's doing: eventFor walks it under the sandbox's statement and time limits.
                return false;
            }
            var found = new List<JsValue>((int)count);
            for (uint i = 0; i < count; i++)
            {
                if (!TryRead(array, JsNumber.Create(i), out var item))
                {
                    return false;
                }
                if (item.IsString() && item.ToString().Length > 0)
                {
                    found.Add(item);
                }
            }
            list = found.ToArray();
        }
        else if (MaybeProxy(value))
        {
            return false;
        }
        words = new JsArray(engine, list);
        return true;
    }
}
