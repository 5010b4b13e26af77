'use strict';
// Auth0's @auth0/rule-utilities (0.1.0 and 0.2.0 expose the same API) for rules: Auth0RedirectRuleUtilities, which
// decides whether a login may be redirected, signs the session token the redirect carries and reads it back on the
// continue, and Auth0UserUpdateUtilities, which edits user/app metadata and saves it. Written here against the
// package's documented behaviour: the redirect is context.redirect (the engine's redirect machinery does the rest),
// the tokens are the jsonwebtoken built-in's HS256 JWTs, and metadata is saved through the rule's auth0.users (the
// same effect as the package's Management API call, without leaving the login).
const jwt = require('jsonwebtoken');

// Protocols on which Auth0 cannot send the browser anywhere (no browser, or already coming back from a redirect).
const noRedirectProtocols = Object.freeze([
    'oauth2-resource-owner',
    'oauth2-refresh-token',
    'oauth2-password',
    'redirect-callback',
]);

const requestOf = (context) => (context && context.request) || {};
const issuerOf = (context) => `https://${requestOf(context).hostname}/`;

class Auth0RedirectRuleUtilities {
    constructor(user, context, configuration) {
        this.user = user || {};
        this.context = context || {};
        this.noRedirectProtocols = noRedirectProtocols;
        const settings = configuration || {};
        this.tokenSecret = settings.SESSION_TOKEN_SECRET;
        this.tokenExpiresIn = settings.SESSION_TOKEN_EXPIRES_IN || '3d';
    }

    /** The URL a rule before this one already redirects to, if any. */
    get redirectUrl() {
        return this.context.redirect ? this.context.redirect.url : undefined;
    }

    /** The login request's query; on the continue, the query the browser came back with. */
    get queryParams() {
        return requestOf(this.context).query || {};
    }

    get protocolCanRedirect() {
        return noRedirectProtocols.indexOf(this.context.protocol) === -1;
    }

    get isRedirectCallback() {
        return this.context.protocol === 'redirect-callback';
    }

    /** False when another rule redirects, MFA is asked for, prompt=none, or the protocol has no browser to send. */
    get canRedirect() {
        if (this.redirectUrl) return false;
        if (this.context.multifactor) return false;
        if (this.queryParams.prompt === 'none') return false;
        return this.protocolCanRedirect;
    }

    /** An HS256 token for the redirect: the login's IP, issuer and user id, plus additional (non-secret) claims. */
    createSessionToken(additionalClaims) {
        const claims = Object.assign(
            { ip: requestOf(this.context).ip, iss: issuerOf(this.context), sub: this.user.user_id },
            additionalClaims || {});
        return jwt.sign(claims, this.tokenSecret, { expiresIn: this.tokenExpiresIn });
    }

    /** The payload of the session_token the continue carries, verified for this user and issuer; throws otherwise. */
    validateSessionToken(verifyOptions) {
        const options = Object.assign({}, verifyOptions || {}, { subject: this.user.user_id, issuer: issuerOf(this.context) });
        const payload = jwt.verify(this.queryParams.session_token, this.tokenSecret, options);
        if (!payload.exp) throw new Error('Expired token');
        return payload;
    }

    /**
     * Sends the login to url with a session_token: the one options.sessionToken gives, else a new one unless
     * options.generateSessionToken is false. Throws 'Cannot redirect' when canRedirect is false or url is empty.
     */
    doRedirect(url, options) {
        if (!this.canRedirect || !url) throw new Error('Cannot redirect');
        const settings = options !== null && typeof options === 'object' ? options : {};
        let token;
        if (typeof settings.sessionToken === 'string' && settings.sessionToken) token = settings.sessionToken;
        else if (settings.generateSessionToken !== false) token = this.createSessionToken();
        const target = token ? `${url}${String(url).indexOf('?') === -1 ? '?' : '&'}session_token=${token}` : url;
        this.context.redirect = { url: target };
    }
}

class Auth0UserUpdateUtilities {
    constructor(user, auth0, namespace) {
        if (!user || !user.user_id) throw new TypeError('Auth0UserUpdateUtilities(user, auth0, namespace): user must have a user_id');
        if (!auth0 || !auth0.users) throw new TypeError('Auth0UserUpdateUtilities(user, auth0, namespace): pass the rule\'s auth0 global');
        this.auth0 = auth0;
        this.user = user;
        this.userId = user.user_id;
        this.updatedUserData = {};
        user.user_metadata = user.user_metadata || {};
        user.app_metadata = user.app_metadata || {};
        this.isNamespaced = typeof namespace === 'string' && namespace.length > 0;
        if (this.isNamespaced) {
            this.namespace = namespace;
            user.user_metadata[namespace] = user.user_metadata[namespace] || {};
            user.app_metadata[namespace] = user.app_metadata[namespace] || {};
        }
    }

    // The object a key lives in: the namespace's, unless the key is the namespace itself.
    holder(metadata, key) {
        return this.isNamespaced && key !== this.namespace ? metadata[this.namespace] : metadata;
    }

    setUser(key, value) {
        this.user[key] = value;
        this.updatedUserData[key] = value;
    }

    setUserMeta(key, value) { this.holder(this.user.user_metadata, key)[key] = value; }

    setAppMeta(key, value) { this.holder(this.user.app_metadata, key)[key] = value; }

    getUserMeta(key) { return this.holder(this.user.user_metadata, key)[key]; }

    getAppMeta(key) { return this.holder(this.user.app_metadata, key)[key]; }

    updateUser() {
        if (Object.keys(this.updatedUserData).length === 0) return Promise.resolve();
        return Promise.reject(new Error(
            'Auth0UserUpdateUtilities.updateUser is not supported by this host: rules change the root profile only through ' +
            'the Management API (require(\'auth0\').ManagementClient); metadata is saved with updateUserMeta and updateAppMeta'));
    }

    updateUserMeta() { return this.auth0.users.updateUserMetadata(this.userId, this.user.user_metadata); }

    updateAppMeta() { return this.auth0.users.updateAppMetadata(this.userId, this.user.app_metadata); }
}

module.exports = { Auth0RedirectRuleUtilities, Auth0UserUpdateUtilities, noRedirectProtocols };
