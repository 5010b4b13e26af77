// require('request-promise') (and 'request-promise-native'): request's options, a Promise of the body. simple: true (the
// default) rejects a non-2xx status with a StatusCodeError carrying statusCode, error (the body) and response;
// resolveWithFullResponse: true resolves with the response instead of the body.
(function (kit, modules) {
    'use strict';
    const { send, isObject, parseJson } = kit;
    const build = modules.request.build;

    const optionsOf = (uri, options) => typeof uri === 'string'
        ? Object.assign({}, isObject(options) ? options : {}, { uri })
        : Object.assign({}, uri);

    const failure = (name, message, fields) => {
        const error = new Error(message);
        error.name = name;
        return Object.assign(error, fields);
    };

    function rp(uri, options) {
        const params = optionsOf(uri, options);
        let call;
        try {
            call = build(params);
        } catch (error) {
            return Promise.reject(error);
        }
        return send(call).then((res) => {
            const body = params.json ? parseJson(res.body) : res.body;
            const response = { statusCode: res.status, statusMessage: res.statusText, headers: res.headers, body, url: res.url };
            if (params.simple !== false && (res.status < 200 || res.status > 299)) {
                throw failure('StatusCodeError', `${res.status} - ${typeof body === 'string' ? body : JSON.stringify(body)}`,
                    { statusCode: res.status, error: body, response, options: params });
            }
            return params.resolveWithFullResponse ? response : body;
        }, (cause) => {
            throw failure('RequestError', String(cause), { cause, error: cause, code: cause.code, options: params });
        });
    }

    const verb = (method) => (uri, options) => { const params = optionsOf(uri, options); params.method = method; return rp(params); };
    rp.get = verb('GET');
    rp.head = verb('HEAD');
    rp.post = verb('POST');
    rp.put = verb('PUT');
    rp.patch = verb('PATCH');
    rp.del = verb('DELETE');
    rp.delete = verb('DELETE');
    return rp;
})
