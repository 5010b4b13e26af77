// The Auth0 rule globals: UnauthorizedError, console, auth0, global, the unavailable timers, and Math.random on the
// runtime's generator. 80-install-globals puts them on the global object.
(function (host, kit) {
    'use strict';

    const { apply, defineProperty, getOwnPropertyNames, isArray, original, replaceMethod, keepUnfrozen } = kit;

    class UnauthorizedError extends Error {
        constructor(message) {
            super(message);
            defineProperty(this, 'name', { value: 'UnauthorizedError', writable: true, enumerable: false, configurable: true });
        }
    }

    const describe = (value) => {
        if (typeof value === 'string') return value;
        if (value instanceof Error) return `${value.name}: ${value.message}`;
        try {
            // The guarded JSON.stringify (the global is frozen by the time a rule logs), so one console.log of
            // a huge document is refused like any other.
            const text = JSON.stringify(value);
            return text === undefined ? String(value) : text;
        } catch (e) {
            try { return String(value); } catch (e2) { return '[unprintable value]'; }
        }
    };
    const log = function log(...values) {
        // Most rules log one string (a template literal): it is its own text, so it goes straight to the host, which
        // counts it as dropped when the log is full. No parts array, iterator or join.
        if (values.length === 1 && typeof values[0] === 'string') {
            host.log(values[0]);
            return;
        }
        if (!host.logAccepting()) return;
        const parts = [];
        for (const value of values) parts.push(describe(value));
        host.log(apply(original.join, parts, [' ']));
    };
    const console = { log, info: log, warn: log, error: log, debug: log, trace: log };

    const metadataUpdater = (kind) => function (userId, metadata) {
        if ((typeof userId !== 'string' && typeof userId !== 'number') || String(userId).length === 0) {
            return Promise.reject(new TypeError(`auth0.users.update${kind}(userId, metadata): userId must be a non-empty string`));
        }
        if (metadata === null || typeof metadata !== 'object' || isArray(metadata)) {
            return Promise.reject(new TypeError(`auth0.users.update${kind}(userId, metadata): metadata must be an object`));
        }
        host.updateMetadata(kind, String(userId), metadata);
        return Promise.resolve();
    };
    // domain, baseUrl and accessToken are the host's for this login (undefined in eval, test and replay); the token is
    // made on first read. Getters on the frozen object: rules read them, and cannot replace them.
    const auth0Global = host.auth0Global;
    const auth0 = {
        get domain() { return auth0Global('domain'); },
        get baseUrl() { return auth0Global('baseUrl'); },
        get accessToken() { return auth0Global('accessToken'); },
        users: {
            updateAppMetadata: metadataUpdater('AppMetadata'),
            updateUserMetadata: metadataUpdater('UserMetadata'),
        },
    };

    // Math.random reads the runtime's generator: seeded per login on replay, unpredictable otherwise.
    const hostRandom = host.random;
    replaceMethod(Math, 'random', { random() { return hostRandom(); } }.random);

    // The timers a rule may call but that cannot work here: the one table (Sandbox/UnavailableGlobals.cs) the linter
    // warns from too. Each is a function that throws, so a rule that calls one fails at the call, with the reason.
    const unavailable = (name, why) => ({ [name]() { throw new Error(`${name} is not available in rules: ${why}`); } })[name];
    const unavailableGlobals = {};
    for (const name of getOwnPropertyNames(host.unavailableGlobals)) unavailableGlobals[name] = unavailable(name, host.unavailableGlobals[name]);

    // The rules' `global`: their own cache, kept warm between logins and never frozen.
    const ruleGlobal = {};
    keepUnfrozen(ruleGlobal);

    Object.assign(kit, { UnauthorizedError, console, auth0, ruleGlobal, unavailableGlobals });
})
