// What every HTTP facade shares: `send` hands one request to the host's egress core (Rules.Engine/Http) and settles with
// { status, statusText, headers, body, url } or rejects with an Error carrying Node's `code`. Evaluated before the
// bootstrap freezes the built-ins; the bootstrap calls it with the host's httpSend.
(function kit(httpSend) {
    'use strict';
    const isObject = (v) => v !== null && typeof v === 'object';
    const keys = Object.keys;

    const failure = (f) => {
        const error = new Error(f.message);
        error.code = f.code;
        error.errno = f.code;
        if (f.limit) error.limit = f.limit;
        return error;
    };

    // One request: { method, url, headers: {name: value}, body: string | undefined, timeout: ms | undefined }.
    const send = (request) => new Promise((resolve, reject) => {
        const refused = httpSend(request, (error, response) => {
            if (error) reject(failure(error)); else resolve(response);
        });
        if (refused) reject(failure(refused));
    });

    const encode = (value) => encodeURIComponent(value === null || value === undefined ? '' : String(value));
    // querystring.stringify / axios params: arrays repeat the key, null and undefined are left out by axios.
    const encodeQuery = (params, skipEmpty) => {
        const parts = [];
        for (const key of keys(params)) {
            const value = params[key];
            if (skipEmpty && (value === null || value === undefined)) continue;
            const values = Array.isArray(value) ? value : [value];
            for (const item of values) parts.push(encode(key) + '=' + encode(isObject(item) ? JSON.stringify(item) : item));
        }
        return parts.join('&');
    };
    const withQuery = (url, query) => query ? url + (url.indexOf('?') >= 0 ? '&' : '?') + query : url;

    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const base64 = (text) => {
        const bytes = [];
        const utf8 = unescape(encodeURIComponent(text));
        for (let i = 0; i < utf8.length; i++) bytes.push(utf8.charCodeAt(i));
        let out = '';
        for (let i = 0; i < bytes.length; i += 3) {
            const n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
            out += alphabet[(n >> 18) & 63] + alphabet[(n >> 12) & 63]
                + (i + 1 < bytes.length ? alphabet[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? alphabet[n & 63] : '=');
        }
        return out;
    };
    const basicAuth = (user, password) => 'Basic ' + base64(`${user === undefined ? '' : user}:${password === undefined ? '' : password}`);

    // Header names compared without case, as HTTP does; the first spelling given wins.
    const setDefault = (headers, name, value) => {
        const lower = name.toLowerCase();
        for (const key of keys(headers)) if (key.toLowerCase() === lower) return;
        headers[name] = value;
    };
    const copyHeaders = (source) => {
        const headers = {};
        if (isObject(source)) for (const key of keys(source)) if (source[key] !== undefined && source[key] !== null) headers[key] = String(source[key]);
        return headers;
    };
    const parseJson = (text) => {
        if (typeof text !== 'string' || text.length === 0) return text;
        try { return JSON.parse(text); } catch (e) { return text; }
    };

    return { send, isObject, encodeQuery, withQuery, basicAuth, setDefault, copyHeaders, parseJson };
})
