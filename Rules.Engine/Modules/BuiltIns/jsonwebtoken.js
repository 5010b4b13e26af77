'use strict';
// The jsonwebtoken package (v9) for rules: sign, verify and decode with HS256/384/512 and RS256/384/512, the same
// claims handling, option names, error classes and messages. Tokens are encoded here, byte for byte as jsonwebtoken
// writes them (its JSON key order), and signed by the crypto built-in's .NET HMAC and RSA.
const crypto = require('crypto');
const { Buffer } = require('buffer');

class JsonWebTokenError extends Error {
    constructor(message, error) {
        super(message);
        Object.defineProperty(this, 'name', { value: 'JsonWebTokenError', writable: true, enumerable: true, configurable: true });
        if (error) this.inner = error;
    }
}
class TokenExpiredError extends JsonWebTokenError {
    constructor(message, expiredAt) {
        super(message);
        Object.defineProperty(this, 'name', { value: 'TokenExpiredError', writable: true, enumerable: true, configurable: true });
        this.expiredAt = expiredAt;
    }
}
class NotBeforeError extends JsonWebTokenError {
    constructor(message, date) {
        super(message);
        Object.defineProperty(this, 'name', { value: 'NotBeforeError', writable: true, enumerable: true, configurable: true });
        this.date = date;
    }
}

const hmacAlgorithms = ['HS256', 'HS384', 'HS512'];
const rsaAlgorithms = ['RS256', 'RS384', 'RS512'];
const base64url = (buffer) => buffer.toString('base64url');
const encodePart = (value) => base64url(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'));

// vercel/ms, which jsonwebtoken uses for expiresIn: '2h', '1d', '10m', '7 days', or a number of seconds.
const units = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, y: 31557600000 };
const unitNames = [
    [/^(years?|yrs?|y)$/, 'y'], [/^(weeks?|w)$/, 'w'], [/^(days?|d)$/, 'd'], [/^(hours?|hrs?|h)$/, 'h'],
    [/^(minutes?|mins?|m)$/, 'm'], [/^(seconds?|secs?|s)$/, 's'], [/^(milliseconds?|msecs?|ms)$/, 'ms'],
];
const ms = (text) => {
    const match = /^(-?(?:\d+)?\.?\d+) *([a-z]+)?$/i.exec(text);
    if (!match) return undefined;
    const n = parseFloat(match[1]);
    const unit = (match[2] || 'ms').toLowerCase();
    for (const [pattern, key] of unitNames) if (pattern.test(unit)) return n * units[key];
    return undefined;
};
const timespan = (time, timestamp) => {
    if (typeof time === 'string') {
        const milliseconds = ms(time);
        if (typeof milliseconds === 'undefined') return undefined;
        return Math.floor(timestamp + milliseconds / 1000);
    }
    if (typeof time === 'number') return timestamp + time;
    return undefined;
};

const keyText = (key) => {
    if (typeof key === 'string') return key;
    if (ArrayBuffer.isView(key)) return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    if (key !== null && typeof key === 'object' && key.key !== undefined) return keyText(key.key);
    return key;
};
const isPem = (key) => typeof key === 'string' && key.indexOf('-----BEGIN') !== -1;
const signature = (algorithm, input, key) => {
    const bits = algorithm.slice(2);
    if (algorithm[0] === 'H') return base64url(crypto.createHmac(`sha${bits}`, key).update(input).digest());
    if (algorithm[0] === 'R') return base64url(crypto.createSign(`RSA-SHA${bits}`).update(input).sign(typeof key === 'string' ? key : key.toString('utf8')));
    if (algorithm === 'none') return '';
    throw new Error(`"${algorithm}" is not a valid algorithm.\n  Supported algorithms are:\n  "HS256", "HS384", "HS512", "RS256", "RS384", "RS512" and "none".`);
};

const optionsToPayload = { audience: 'aud', issuer: 'iss', subject: 'sub', jwtid: 'jti' };
const sign = function sign(payload, secretOrPrivateKey, options, callback) {
    if (typeof options === 'function') { callback = options; options = {}; }
    else options = options || {};
    const done = (err, token) => {
        if (!callback) { if (err) throw err; return token; }
        Promise.resolve().then(() => callback(err || null, token));
        return undefined;
    };
    const isObjectPayload = typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload);
    const header = Object.assign({ alg: options.algorithm || 'HS256', typ: isObjectPayload ? 'JWT' : undefined, kid: options.keyid }, options.header);
    const key = keyText(secretOrPrivateKey);
    if (!key && options.algorithm !== 'none') return done(new Error('secretOrPrivateKey must have a value'));
    if (hmacAlgorithms.indexOf(header.alg) === -1 && rsaAlgorithms.indexOf(header.alg) === -1 && header.alg !== 'none') {
        return done(new Error('"algorithm" must be a valid string enum value'));
    }
    if (rsaAlgorithms.indexOf(header.alg) !== -1 && !isPem(typeof key === 'string' ? key : key.toString('utf8'))) {
        return done(new Error(`secretOrPrivateKey must be an asymmetric key when using ${header.alg}`));
    }
    if (typeof payload === 'undefined') return done(new Error('payload is required'));
    let body = payload;
    if (isObjectPayload) {
        body = Object.assign({}, payload);
        if (typeof options.expiresIn !== 'undefined' && typeof payload.exp !== 'undefined') {
            return done(new Error('Bad "options.expiresIn" option the payload already has an "exp" property.'));
        }
        if (typeof options.notBefore !== 'undefined' && typeof payload.nbf !== 'undefined') {
            return done(new Error('Bad "options.notBefore" option the payload already has an "nbf" property.'));
        }
        const timestamp = body.iat || Math.floor(Date.now() / 1000);
        if (options.noTimestamp) delete body.iat; else body.iat = timestamp;
        if (typeof options.notBefore !== 'undefined') {
            body.nbf = timespan(options.notBefore, timestamp);
            if (typeof body.nbf === 'undefined') return done(new Error('"notBefore" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
        }
        if (typeof options.expiresIn !== 'undefined') {
            body.exp = timespan(options.expiresIn, timestamp);
            if (typeof body.exp === 'undefined') return done(new Error('"expiresIn" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
        }
        for (const option of Object.keys(optionsToPayload)) {
            const claim = optionsToPayload[option];
            if (typeof options[option] !== 'undefined') {
                if (typeof body[claim] !== 'undefined') return done(new Error(`Bad "options.${option}" option. The payload already has an "${claim}" property.`));
                body[claim] = options[option];
            }
        }
    } else if (options.expiresIn !== undefined || options.notBefore !== undefined) {
        return done(new Error('invalid expiresIn option for string payload'));
    }
    let token;
    try {
        const input = `${encodePart(header)}.${encodePart(Buffer.isBuffer(body) ? body.toString('utf8') : body)}`;
        token = `${input}.${signature(header.alg, input, key)}`;
    } catch (e) {
        return done(e);
    }
    return done(null, token);
};

const decodeParts = (token) => {
    if (typeof token !== 'string') return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    try {
        const header = JSON.parse(Buffer.from(parts[0], 'base64').toString('utf8'));
        const text = Buffer.from(parts[1], 'base64').toString('utf8');
        let payload = text;
        if (header.typ === 'JWT' || (text[0] === '{' || text[0] === '[')) {
            try { payload = JSON.parse(text); } catch (e) { if (header.typ === 'JWT') throw e; }
        }
        return { header, payload, signature: parts[2] };
    } catch (e) {
        return null;
    }
};
const decode = function decode(token, options) {
    options = options || {};
    const decoded = decodeParts(token);
    if (!decoded) return null;
    let payload = decoded.payload;
    if (typeof payload === 'string' && options.json) { try { payload = JSON.parse(payload); } catch (e) { return null; } }
    return options.complete ? { header: decoded.header, payload, signature: decoded.signature } : payload;
};

const verify = function verify(token, secretOrPublicKey, options, callback) {
    if (typeof options === 'function' && !callback) { callback = options; options = {}; }
    options = Object.assign({}, options || {});
    const done = callback || ((err, data) => { if (err) throw err; return data; });
    if (options.nonce !== undefined && (typeof options.nonce !== 'string' || options.nonce.trim() === '')) {
        return done(new JsonWebTokenError('nonce must be a non-empty string'));
    }
    const clockTimestamp = options.clockTimestamp || Math.floor(Date.now() / 1000);
    if (!token) return done(new JsonWebTokenError('jwt must be provided'));
    if (typeof token !== 'string') return done(new JsonWebTokenError('jwt must be a string'));
    const parts = token.split('.');
    if (parts.length !== 3) return done(new JsonWebTokenError('jwt malformed'));
    const decoded = decodeParts(token);
    if (!decoded) return done(new JsonWebTokenError('invalid token'));
    const header = decoded.header;
    const hasSignature = parts[2].trim() !== '';
    if (!hasSignature && secretOrPublicKey) return done(new JsonWebTokenError('jwt signature is required'));
    if (hasSignature && !secretOrPublicKey) return done(new JsonWebTokenError('secret or public key must be provided'));
    const key = keyText(secretOrPublicKey);
    if (!hasSignature && !options.algorithms) return done(new JsonWebTokenError('please specify "none" in "algorithms" to verify unsigned tokens'));
    let algorithms = options.algorithms;
    if (!algorithms) {
        const text = typeof key === 'string' ? key : key && key.toString('utf8');
        algorithms = isPem(text) ? (text.indexOf('BEGIN CERTIFICATE') !== -1 || text.indexOf('BEGIN PUBLIC KEY') !== -1 || text.indexOf('BEGIN RSA PUBLIC KEY') !== -1 ? rsaAlgorithms.slice() : hmacAlgorithms.slice()) : hmacAlgorithms.slice();
    }
    if (algorithms.indexOf(header.alg) === -1) return done(new JsonWebTokenError('invalid algorithm'));
    if (header.alg.startsWith('HS') && isPem(typeof key === 'string' ? key : '')) return done(new JsonWebTokenError(`secretOrPublicKey must be a symmetric key when using ${header.alg}`));
    if (/^RS/.test(header.alg) && !isPem(typeof key === 'string' ? key : key.toString('utf8'))) return done(new JsonWebTokenError(`secretOrPublicKey must be an asymmetric key when using ${header.alg}`));
    let valid;
    try {
        const input = `${parts[0]}.${parts[1]}`;
        if (header.alg === 'none') valid = parts[2] === '';
        else if (header.alg[0] === 'H') {
            const expected = Buffer.from(signature(header.alg, input, key), 'utf8');
            const given = Buffer.from(parts[2], 'utf8');
            valid = expected.length === given.length && crypto.timingSafeEqual(expected, given);
        } else {
            valid = crypto.createVerify(`RSA-SHA${header.alg.slice(2)}`).update(input).verify(typeof key === 'string' ? key : key.toString('utf8'), Buffer.from(parts[2], 'base64url'));
        }
    } catch (e) {
        return done(e instanceof JsonWebTokenError ? e : new JsonWebTokenError(e.message, e));
    }
    if (!valid) return done(new JsonWebTokenError('invalid signature'));
    const payload = decoded.payload;
    if (typeof payload.nbf !== 'undefined' && !options.ignoreNotBefore) {
        if (typeof payload.nbf !== 'number') return done(new JsonWebTokenError('invalid nbf value'));
        if (payload.nbf > clockTimestamp + (options.clockTolerance || 0)) return done(new NotBeforeError('jwt not active', new Date(payload.nbf * 1000)));
    }
    if (typeof payload.exp !== 'undefined' && !options.ignoreExpiration) {
        if (typeof payload.exp !== 'number') return done(new JsonWebTokenError('invalid exp value'));
        if (clockTimestamp >= payload.exp + (options.clockTolerance || 0)) return done(new TokenExpiredError('jwt expired', new Date(payload.exp * 1000)));
    }
    if (options.audience) {
        const audiences = Array.isArray(options.audience) ? options.audience : [options.audience];
        const target = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
        const match = target.some((aud) => audiences.some((a) => (a instanceof RegExp ? a.test(aud) : a === aud)));
        if (!match) return done(new JsonWebTokenError('jwt audience invalid. expected: ' + audiences.join(' or ')));
    }
    if (options.issuer) {
        const issuers = typeof options.issuer === 'string' ? [options.issuer] : options.issuer;
        if (issuers.indexOf(payload.iss) === -1) return done(new JsonWebTokenError('jwt issuer invalid. expected: ' + issuers));
    }
    if (options.subject && payload.sub !== options.subject) return done(new JsonWebTokenError('jwt subject invalid. expected: ' + options.subject));
    if (options.jwtid && payload.jti !== options.jwtid) return done(new JsonWebTokenError('jwt jwtid invalid. expected: ' + options.jwtid));
    if (options.nonce && payload.nonce !== options.nonce) return done(new JsonWebTokenError('jwt nonce invalid. expected: ' + options.nonce));
    if (options.maxAge) {
        if (typeof payload.iat !== 'number') return done(new JsonWebTokenError('iat required when maxAge is specified'));
        const maxAgeTimestamp = timespan(options.maxAge, payload.iat);
        if (typeof maxAgeTimestamp === 'undefined') return done(new JsonWebTokenError('"maxAge" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60'));
        if (clockTimestamp >= maxAgeTimestamp + (options.clockTolerance || 0)) return done(new TokenExpiredError('maxAge exceeded', new Date(maxAgeTimestamp * 1000)));
    }
    if (options.complete === true) return done(null, { header, payload, signature: decoded.signature });
    return done(null, payload);
};

module.exports = { sign, verify, decode, JsonWebTokenError, TokenExpiredError, NotBeforeError };
