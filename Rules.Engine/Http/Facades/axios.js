// require('axios'): axios(config) / axios(url, config), get/delete/head/options(url, config), post/put/patch(url, data,
// config), create(defaults); responses { data, status, statusText, headers, config }; a status outside 2xx (or what
// validateStatus refuses) rejects with an AxiosError carrying response; network failures carry code and no response.
(function (kit) {
    'use strict';
    const { send, isObject, encodeQuery, withQuery, basicAuth, setDefault, copyHeaders, parseJson } = kit;

    const axiosError = (message, code, config, response) => {
        const error = new Error(message);
        error.name = 'AxiosError';
        error.code = code;
        error.config = config;
        error.isAxiosError = true;
        error.request = {};
        if (response !== undefined) error.response = response;
        error.toJSON = () => ({ message, name: 'AxiosError', code, status: response ? response.status : undefined });
        return error;
    };

    const merge = (defaults, config) => {
        const merged = Object.assign({}, defaults, config);
        merged.headers = Object.assign({}, isObject(defaults) ? defaults.headers : undefined, isObject(config) ? config.headers : undefined);
        return merged;
    };

    const dispatch = (config) => {
        let url = config.url === undefined ? '' : String(config.url);
        if (typeof config.baseURL === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
            url = config.baseURL.replace(/\/+$/, '') + (url ? '/' + url.replace(/^\/+/, '') : '');
        }
        if (isObject(config.params)) url = withQuery(url, encodeQuery(config.params, true));
        const headers = copyHeaders(config.headers);
        setDefault(headers, 'Accept', 'application/json, text/plain, */*');
        let body;
        const data = config.data;
        if (typeof data === 'string') {
            body = data;
        } else if (data !== undefined && data !== null) {
            body = JSON.stringify(data);
            setDefault(headers, 'Content-Type', 'application/json');
        }
        if (isObject(config.auth)) headers.Authorization = basicAuth(config.auth.username, config.auth.password);
        const method = String(config.method || 'get').toUpperCase();
        const timeout = typeof config.timeout === 'number' && config.timeout > 0 ? config.timeout : undefined;
        return send({ method, url, headers, body, timeout }).then((res) => {
            const response = {
                data: config.responseType === 'text' ? res.body : parseJson(res.body),
                status: res.status, statusText: res.statusText, headers: res.headers, config, request: { responseURL: res.url },
            };
            const valid = typeof config.validateStatus === 'function' ? config.validateStatus(res.status)
                : config.validateStatus === null || (res.status >= 200 && res.status < 300);
            if (!valid) {
                throw axiosError(`Request failed with status code ${res.status}`, res.status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST', config, response);
            }
            return response;
        }, (cause) => {
            const timedOut = cause.code === 'ETIMEDOUT';
            throw axiosError(timedOut && timeout ? `timeout of ${timeout}ms exceeded` : cause.message, timedOut ? 'ECONNABORTED' : cause.code, config);
        });
    };

    const instance = (defaults) => {
        const axios = function axios(urlOrConfig, config) {
            return dispatch(typeof urlOrConfig === 'string' ? merge(defaults, Object.assign({}, config, { url: urlOrConfig })) : merge(defaults, urlOrConfig));
        };
        axios.request = (config) => dispatch(merge(defaults, config));
        for (const method of ['get', 'delete', 'head', 'options']) {
            axios[method] = (url, config) => dispatch(merge(defaults, Object.assign({}, config, { url, method })));
        }
        for (const method of ['post', 'put', 'patch']) {
            axios[method] = (url, data, config) => dispatch(merge(defaults, Object.assign({}, config, { url, method, data })));
        }
        axios.create = (more) => instance(merge(defaults, more));
        axios.isAxiosError = (value) => isObject(value) && value.isAxiosError === true;
        axios.defaults = Object.assign({}, defaults, { headers: Object.assign({}, defaults.headers) });
        return axios;
    };

    const axios = instance({});
    axios.default = axios;
    return axios;
})
