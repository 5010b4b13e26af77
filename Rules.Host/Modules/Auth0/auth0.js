// require('auth0'): the Management API client of node-auth0 v2/v3 that rules used, answered by this server in-process.
// new ManagementClient({ domain, clientId, clientSecret | token }): the options are checked as node-auth0 checks them and
// otherwise not used; every call goes to the host (Rules.Engine/Http/HostCalls), which grants what the rule set's
// AUTH0_ACCESS_TOKEN_SCOPE grants and audits each call. Each method takes a Node callback or returns a Promise.
'use strict';
const axios = require('axios');
const origin = 'https://host.rules.invalid/api/v2';

const apiError = (response, cause) => {
    const body = response && response.data && typeof response.data === 'object' ? response.data : {};
    const error = new Error(body.message || (cause && cause.message) || 'The Management API call failed');
    error.name = body.error ? String(body.error).replace(/\s+/g, '') : (cause && cause.code) || 'Error';
    error.statusCode = response ? response.status : undefined;
    if (body.errorCode) error.errorCode = body.errorCode;
    if (cause && cause.code && !response) error.code = cause.code;
    return error;
};

const call = (method, path, data) => axios({ method, url: origin + path, data, validateStatus: null }).then((response) => {
    if (response.status >= 200 && response.status < 300) return response.data;
    throw apiError(response);
}, (cause) => { throw apiError(cause.response, cause); });

// node-auth0's methods: a callback as the last argument gets (err, result); without one, a Promise.
const settle = (promise, cb) => {
    if (typeof cb !== 'function') return promise;
    promise.then((result) => cb(null, result), (error) => cb(error));
    return undefined;
};

const argumentError = (message) => {
    const error = new Error(message);
    error.name = 'ArgumentError';
    return error;
};

const userId = (params) => {
    if (params === null || typeof params !== 'object' || typeof params.id !== 'string' || params.id.length === 0) {
        throw argumentError('The user id cannot be null or undefined');
    }
    return encodeURIComponent(params.id);
};

const query = (params) => {
    const parts = [];
    for (const key of Object.keys(params || {})) {
        const value = params[key];
        if (value !== undefined && value !== null) parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(value)));
    }
    return parts.length ? '?' + parts.join('&') : '';
};

const lastFunction = (args) => typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;

class ManagementClient {
    constructor(options) {
        if (options === null || typeof options !== 'object') throw argumentError('Management API SDK options must be an object');
        if (typeof options.domain !== 'string' || options.domain.length === 0) throw argumentError('Must provide a domain');
        this.domain = options.domain;
    }

    getUsers(params, cb) {
        const callback = lastFunction(arguments);
        return settle(call('get', '/users' + query(typeof params === 'object' ? params : undefined)), callback);
    }

    getUsersByEmail(email, cb) {
        if (typeof email !== 'string' || email.length === 0) throw argumentError('The email cannot be null or undefined');
        return settle(call('get', '/users-by-email' + query({ email })), cb);
    }

    getUser(params, cb) {
        return settle(call('get', '/users/' + userId(params)), cb);
    }

    updateUser(params, data, cb) {
        return settle(call('patch', '/users/' + userId(params), data), cb);
    }

    updateAppMetadata(params, metadata, cb) {
        return settle(call('patch', '/users/' + userId(params), { app_metadata: metadata }), cb);
    }

    updateUserMetadata(params, metadata, cb) {
        return settle(call('patch', '/users/' + userId(params), { user_metadata: metadata }), cb);
    }

    linkUsers(primaryUserId, params, cb) {
        if (typeof primaryUserId !== 'string' || primaryUserId.length === 0) throw argumentError('The primary user ID cannot be null or undefined');
        return settle(call('post', '/users/' + encodeURIComponent(primaryUserId) + '/identities', params), cb);
    }
}

class AuthenticationClient {
    constructor() {
        throw argumentError('AuthenticationClient is not available to rules on this server; use ManagementClient');
    }
}

module.exports = { ManagementClient, AuthenticationClient };
