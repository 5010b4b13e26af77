// require('node-fetch') and the global fetch of Actions: fetch(url, { method, headers, body, timeout }) resolves with a
// Response (status, statusText, ok, url, headers.get/has/forEach, json(), text()) for any status; a network failure
// rejects with a FetchError carrying code.
(function (kit) {
    'use strict';
    const { send, isObject, copyHeaders } = kit;

    const headersOf = (values) => {
        const lower = {};
        for (const key of Object.keys(values)) lower[key.toLowerCase()] = values[key];
        return {
            get: (name) => { const value = lower[String(name).toLowerCase()]; return value === undefined ? null : value; },
            has: (name) => lower[String(name).toLowerCase()] !== undefined,
            forEach: (fn) => { for (const key of Object.keys(lower)) fn(lower[key], key); },
            entries: () => Object.keys(lower).map((key) => [key, lower[key]]),
            raw: () => Object.assign({}, lower),
        };
    };

    const responseOf = (res) => {
        let used = false;
        const read = () => {
            if (used) return Promise.reject(new TypeError(`body used already for: ${res.url}`));
            used = true;
            return Promise.resolve(res.body);
        };
        return {
            status: res.status, statusText: res.statusText, ok: res.status >= 200 && res.status < 300, url: res.url,
            redirected: false, headers: headersOf(res.headers),
            get bodyUsed() { return used; },
            text: read,
            json: () => read().then((text) => JSON.parse(text)),
        };
    };

    function fetch(resource, init) {
        const options = isObject(init) ? init : {};
        const url = isObject(resource) && typeof resource.url === 'string' ? resource.url : String(resource);
        const headers = isObject(options.headers) && typeof options.headers.entries === 'function' && !Array.isArray(options.headers)
            ? Object.fromEntries(options.headers.entries()) : copyHeaders(options.headers);
        const body = options.body === undefined || options.body === null ? undefined : String(options.body);
        const timeout = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : undefined;
        return send({ method: String(options.method || 'GET').toUpperCase(), url, headers, body, timeout }).then(responseOf, (cause) => {
            const error = new Error(`request to ${url.split('?')[0]} failed, reason: ${cause.message}`);
            error.name = 'FetchError';
            error.type = 'system';
            error.code = cause.code;
            error.errno = cause.code;
            throw error;
        });
    }
    fetch.default = fetch;
    fetch.isRedirect = (code) => code === 301 || code === 302 || code === 303 || code === 307 || code === 308;
    return fetch;
})
