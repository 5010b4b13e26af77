// The Actions api and event: exports.onExecutePostLogin = async (event, api) => { ... }. RuleRuntime.Actions.cs loads
// a module with loadAction and calls its handler with runAction; ActionInvocation.cs hears what api was asked.
(function (host, kit) {
    'use strict';

    const { apply, isArray, StringProto, original, isObject } = kit;

    // ---- Actions-style post-login: exports.onExecutePostLogin = async (event, api) => { ... } ---------
    // One `api` per runtime, frozen with the built-ins: its methods act on the action call in progress, whose user
    // and context the host puts in `actionCall` before the call and clears after it. So an action costs one
    // event object per call, and an `api` kept past its call (in `global`, say) can change nothing.
    const actionCall = host.actionCall;
    const actionEvent = host.actionEvent;
    const promiseResolve = Promise.resolve;
    const promiseThen = Promise.prototype.then;
    const split = StringProto.split;
    const inProgress = (name) => {
        const context = actionCall.context;
        if (!isObject(context)) throw new Error(`${name} can only be called while an action's onExecutePostLogin runs`);
        return context;
    };
    // Indexed loops, not for-of: an iterator per call is measurable on a path every action call takes.
    const words = (value) => {
        const list = [];
        const items = typeof value === 'string' ? apply(split, value, [' ']) : isArray(value) ? value : null;
        if (items === null) return list;
        for (let i = 0; i < items.length; i++) {
            const word = items[i];
            if (typeof word === 'string' && word.length > 0) list.push(word);
        }
        return list;
    };
    const tokenOf = (context, token) => {
        if (!isObject(context[token])) context[token] = {};
        return context[token];
    };
    // Claims land on context.idToken / context.accessToken, where rules put theirs: one outcome, one reserved-claim check.
    // The method's name is built once, not on every call (an action sets several claims per login).
    const claimSetter = (token) => {
        const what = `api.${token}.setCustomClaim`;
        return ({ setCustomClaim(name, value) {
            const context = inProgress(what);
            if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${what}(name, value): name must be a non-empty string`);
            tokenOf(context, token)[name] = value;
        } }).setCustomClaim;
    };
    const scopeArgument = (what, scope) => {
        if (typeof scope !== 'string' || scope.length === 0 || apply(original.indexOf, scope, [' ']) !== -1) {
            throw new TypeError(`${what}(scope): scope must be one non-empty scope name`);
        }
        return scope;
    };
    const metadataSetter = (kind) => {
        const what = `api.user.set${kind}`;
        return ({ [`set${kind}`](key, value) {
            inProgress(what);
            if (typeof key !== 'string' || key.length === 0) throw new TypeError(`${what}(key, value): key must be a non-empty string`);
            const userId = isObject(actionCall.user) ? actionCall.user.user_id : undefined;
            if ((typeof userId !== 'string' && typeof userId !== 'number') || String(userId).length === 0) throw new TypeError(`${what}: event.user has no user_id`);
            // null removes the key, as Auth0 does; batched into one metadata update per action.
            host.actionMetadata(kind, String(userId), key, value === undefined ? null : value);
        } })[`set${kind}`];
    };
    // Anything Auth0 offers that this host cannot honour fails loudly. The host records the call as well, so an action
    // that catches the error is still denied: a login must never go through as if an MFA challenge or redirect happened.
    const notSupported = (name, why) => ({ [name]() {
        const error = new Error(`${name} is not supported by this host: ${why}`);
        host.actionUnsupported(error);
        throw error;
    } })[name];
    const group = (prefix, names, why) => {
        const methods = {};
        for (const name of names) methods[name] = notSupported(`api.${prefix}.${name}`, why);
        return methods;
    };
    const redirectResult = (what, result) => {
        if (typeof result.problem === 'string') throw new Error(`${what}: ${result.problem}`);
        return result.value;
    };
    const actionApi = {
        access: {
            deny(reason) {
                inProgress('api.access.deny');
                host.actionDeny(reason === undefined || reason === null ? '' : String(reason));
            },
        },
        idToken: { setCustomClaim: claimSetter('idToken') },
        accessToken: {
            setCustomClaim: claimSetter('accessToken'),
            addScope(scope) {
                const token = tokenOf(inProgress('api.accessToken.addScope'), 'accessToken');
                const name = scopeArgument('api.accessToken.addScope', scope);
                const list = words(token.scope);
                if (!list.includes(name)) list.push(name);
                token.scope = list;
            },
            removeScope(scope) {
                const token = tokenOf(inProgress('api.accessToken.removeScope'), 'accessToken');
                const name = scopeArgument('api.accessToken.removeScope', scope);
                token.scope = words(token.scope).filter((s) => s !== name);
            },
        },
        user: {
            setAppMetadata: metadataSetter('AppMetadata'),
            setUserMetadata: metadataSetter('UserMetadata'),
        },
        multifactor: {
            // Written where a rule puts it, so one reader (RuleRuntime.Multifactor.cs) checks the provider for both.
            enable(provider, options) {
                const context = inProgress('api.multifactor.enable');
                if (typeof provider !== 'string' || provider.length === 0) {
                    throw new TypeError("api.multifactor.enable(provider, options): provider must be a non-empty string such as 'any'");
                }
                context.multifactor = { provider, allowRememberBrowser: isObject(options) && options.allowRememberBrowser === true };
            },
        },
        authentication: group('authentication', ['challengeWith', 'challengeWithAny', 'enrollWith', 'enrollWithAny', 'recordMethod', 'setPrimaryUser'],
            'it has no authentication factors to challenge, enrol or record, and does not link accounts'),
        redirect: {
            // The pipeline reads context.redirect after the action finishes, as it does for a rule that sets it.
            sendUserTo(url, options) {
                const context = inProgress('api.redirect.sendUserTo');
                if (typeof url !== 'string' || url.length === 0) throw new TypeError('api.redirect.sendUserTo(url, options): url must be a non-empty string');
                const query = isObject(options) && isObject(options.query) ? options.query : undefined;
                context.redirect = { url: query === undefined ? url : host.redirectWithQuery(url, query) };
            },
            encodeToken(options) {
                const context = inProgress('api.redirect.encodeToken');
                const what = 'api.redirect.encodeToken({ secret, payload, expiresInSeconds })';
                if (!isObject(options) || typeof options.secret !== 'string') throw new TypeError(`${what}: secret must be a string`);
                const seconds = options.expiresInSeconds === undefined ? 900 : options.expiresInSeconds;
                if (typeof seconds !== 'number' || !(seconds >= 1) || seconds > 86400) throw new TypeError(`${what}: expiresInSeconds must be between 1 and 86400`);
                const request = isObject(context.request) ? context.request : {};
                const user = actionCall.user;
                const defaults = { iss: request.hostname, sub: isObject(user) ? user.user_id : undefined, ip: request.ip };
                return redirectResult('api.redirect.encodeToken', host.encodeRedirectToken(options.secret, isObject(options.payload) ? options.payload : {}, seconds - (seconds % 1), defaults));
            },
            validateToken(options) {
                const context = inProgress('api.redirect.validateToken');
                if (!isObject(options) || typeof options.secret !== 'string') throw new TypeError('api.redirect.validateToken({ secret, tokenParameterName }): secret must be a string');
                const name = options.tokenParameterName === undefined ? 'session_token' : String(options.tokenParameterName);
                const request = isObject(context.request) ? context.request : {};
                const query = isObject(request.query) ? request.query : {};
                const body = isObject(request.body) ? request.body : {};
                const token = typeof body[name] === 'string' ? body[name] : query[name];
                if (typeof token !== 'string' || token.length === 0) throw new Error(`api.redirect.validateToken: the continue request has no '${name}' parameter`);
                const state = typeof body.state === 'string' ? body.state : query.state;
                return redirectResult('api.redirect.validateToken', host.validateRedirectToken(options.secret, token, state));
            },
        },
        prompt: group('prompt', ['render'], 'it has no hosted forms'),
        session: group('session', ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setMetadata', 'deleteMetadata', 'evaluateMetadata'], 'it does not manage sessions from a login policy'),
        refreshToken: group('refreshToken', ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setMetadata', 'deleteMetadata'], 'it does not issue refresh tokens'),
        cache: group('cache', ['get', 'set', 'delete'], 'a policy keeps no state between logins here (`global` is a per-runtime cache, as for rules)'),
        samlResponse: group('samlResponse', ['setAttribute', 'setAudience', 'setRecipient', 'setIssuer', 'setDestination', 'setRelayState',
            'setLifetimeInSeconds', 'setNameIdentifierFormat', 'setNameIdentifierProbes', 'setSignResponse', 'setSigningCert', 'setKey', 'setCert',
            'setEncryptionCert', 'setEncryptionPublicKey', 'setSignatureAlgorithm', 'setDigestAlgorithm'], 'it issues no SAML responses'),
        transaction: group('transaction', ['setResultUrl'], 'it cannot change where a login returns to'),
        validation: group('validation', ['error'], 'it has no hosted error prompt; use api.access.deny'),
    };

    // Auth0's post-login event, read from the transaction the rules see (and from what earlier rules left on it).
    const eventFor = (user, context) => {
        const request = isObject(context.request) ? context.request : {};
        const query = isObject(request.query) ? request.query : {};
        const stats = isObject(context.stats) ? context.stats : {};
        const authentication = isObject(context.authentication) ? context.authentication : {};
        return {
            user,
            client: { client_id: context.clientID, name: context.clientName, metadata: isObject(context.clientMetadata) ? context.clientMetadata : {} },
            connection: { id: context.connectionID, name: context.connection, strategy: context.connectionStrategy },
            request: { ip: request.ip, hostname: request.hostname, user_agent: request.userAgent, geoip: isObject(request.geoip) ? request.geoip : {}, query,
                body: isObject(request.body) ? request.body : {} },
            stats: { logins_count: stats.loginsCount },
            secrets: host.configuration,
            tenant: { id: context.tenant },
            authentication: { methods: isArray(authentication.methods) ? authentication.methods : [] },
            transaction: {
                protocol: context.protocol,
                requested_scopes: words(query.scope),
                response_type: words(query.response_type),
                redirect_uri: query.redirect_uri,
                state: query.state,
            },
            session: { id: context.sessionID },
        };
    };

    // Runs the module once per runtime (Auth0 also keeps a module warm between logins) and returns its handler.
    const loadAction = function loadAction(factory) {
        const exports = {};
        const module = { exports };
        apply(factory, exports, [exports, module]);
        const handler = isObject(module.exports) ? module.exports.onExecutePostLogin : undefined;
        if (typeof handler !== 'function') throw new TypeError('exports.onExecutePostLogin is not a function');
        const resume = module.exports.onContinuePostLogin;
        return { execute: handler, resume: typeof resume === 'function' ? resume : undefined };
    };
    // The host reads how the handler's promise settled once the job queue is empty.
    const fulfilled = () => { host.actionSettled(true); };
    const rejected = (reason) => { host.actionSettled(false, reason); };
    const runAction = function runAction(handlers, user, context, continuing) {
        const handler = continuing ? handlers.resume : handlers.execute;
        if (typeof handler !== 'function') throw new TypeError('exports.onContinuePostLogin is not a function: an action that redirects must export it to continue the login');
        // The host builds the event when the context is plain data (ActionEvent.cs: the same objects, no script to interpret);
        // eventFor reads anything else (getters, proxies) exactly as a script would.
        const event = actionEvent(user, context);
        const result = apply(handler, undefined, [event === undefined ? eventFor(user, context) : event, actionApi]);
        apply(promiseThen, apply(promiseResolve, Promise, [result]), [fulfilled, rejected]);
    };

    Object.assign(kit, { actionApi, loadAction, runAction });
})
