// require('request'): the callback API Auth0 rules used most, request(options, (err, response, body) => ...), over the host's
// egress core. Options: uri/url, baseUrl, method, qs, headers, json, form, body, auth {user|username, pass|password, bearer}, timeout.
(function (kit) {
    'use strict';
    const { send, isObject, encodeQuery, withQuery, basicAuth, setDefault, copyHeaders, parseJson } = kit;

    const paramsOf = (uri, options, callback) => {
        let params;
        if (typeof uri === 'string' || (isObject(uri) && typeof uri.href === 'string' && uri.url === undefined && uri.uri === undefined)) {
            params = Object.assign({}, isObject(options) ? options : {}, { uri: typeof uri === 'string' ? uri : uri.href });
        } else {
            params = Object.assign({}, uri);
        }
        return { params, callback: typeof options === 'function' ? options : callback };
    };

    const build = (params) => {
        let url = params.url !== undefined ? params.url : params.uri;
        if (isObject(url) && typeof url.href === 'string') url = url.href;
        if (typeof url !== 'string' || url.length === 0) throw new Error('options.uri is a required argument');
        if (typeof params.baseUrl === 'string') url = params.baseUrl.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
        if (isObject(params.qs)) url = withQuery(url, encodeQuery(params.qs));
        const headers = copyHeaders(params.headers);
        let body;
        if (params.form !== undefined) {
            body = typeof params.form === 'string' ? params.form : encodeQuery(params.form);
            setDefault(headers, 'content-type', 'application/x-www-form-urlencoded');
        } else if (isObject(params.json)) {
            body = JSON.stringify(params.json);
            setDefault(headers, 'content-type', 'application/json');
        } else if (params.body !== undefined) {
            body = params.json && isObject(params.body) ? JSON.stringify(params.body) : String(params.body);
            if (params.json) setDefault(headers, 'content-type', 'application/json');
        }
        if (params.json) setDefault(headers, 'accept', 'application/json');
        const auth = params.auth;
        if (isObject(auth)) {
            setDefault(headers, 'authorization', auth.bearer !== undefined
                ? 'Bearer ' + auth.bearer
                : basicAuth(auth.user !== undefined ? auth.user : auth.username, auth.pass !== undefined ? auth.pass : auth.password));
        }
        const method = String(params.method || 'GET').toUpperCase();
        return { method, url, headers, body, timeout: typeof params.timeout === 'number' ? params.timeout : undefined };
    };

    function request(uri, options, callback) {
        const { params, callback: done } = paramsOf(uri, options, callback);
        let call;
        try {
            call = build(params);
        } catch (error) {
            if (typeof done === 'function') { done(error); return undefined; }
            throw error;
        }
        send(call).then((res) => {
            const body = params.json ? parseJson(res.body) : res.body;
            const response = {
                statusCode: res.status, statusMessage: res.statusText, headers: res.headers, body,
                url: res.url, request: { method: call.method, uri: { href: res.url }, href: res.url },
            };
            if (typeof done === 'function') done(null, response, body);
        }, (error) => {
            if (typeof done === 'function') done(error);
        });
        return undefined;
    }

    const verb = (method) => function (uri, options, callback) {
        const { params, callback: done } = paramsOf(uri, options, callback);
        params.method = method;
        return request(params, done);
    };
    request.get = verb('GET');
    request.head = verb('HEAD');
    request.post = verb('POST');
    request.put = verb('PUT');
    request.patch = verb('PATCH');
    request.del = verb('DELETE');
    request.delete = verb('DELETE');
    request.defaults = (defaults) => {
        const merged = (uri, options, callback) => {
            const { params, callback: done } = paramsOf(uri, options, callback);
            const headers = Object.assign({}, isObject(defaults) ? defaults.headers : {}, params.headers);
            return request(Object.assign({}, defaults, params, { headers }), done);
        };
        for (const name of ['get', 'head', 'post', 'put', 'patch', 'del', 'delete']) {
            merged[name] = (uri, options, callback) => {
                const { params, callback: done } = paramsOf(uri, options, callback);
                params.method = name === 'del' ? 'DELETE' : name.toUpperCase();
                return merged(params, done);
            };
        }
        return merged;
    };
    request.build = build;
    return request;
})
