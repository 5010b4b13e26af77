'use strict';
// Node's querystring: parse and stringify with Node's escaping (encodeURIComponent's set) and '+' as a space.
const unescape = (text) => {
    try { return decodeURIComponent(text); } catch (e) { return text; }
};
const escape = (text) => encodeURIComponent(text);
const stringifyPrimitive = (v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' && isFinite(v)) return '' + v;
    if (typeof v === 'bigint') return '' + v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    return '';
};
const stringify = (obj, sep, eq, options) => {
    sep = sep || '&';
    eq = eq || '=';
    const encode = options && typeof options.encodeURIComponent === 'function' ? options.encodeURIComponent : escape;
    if (obj === null || typeof obj !== 'object') return '';
    const parts = [];
    for (const key of Object.keys(obj)) {
        const value = obj[key];
        const k = encode(stringifyPrimitive(key)) + eq;
        if (Array.isArray(value)) {
            for (const item of value) parts.push(k + encode(stringifyPrimitive(item)));
        } else {
            parts.push(k + encode(stringifyPrimitive(value)));
        }
    }
    return parts.join(sep);
};
const parse = (text, sep, eq, options) => {
    const result = Object.create(null);
    if (typeof text !== 'string' || text.length === 0) return result;
    sep = sep || '&';
    eq = eq || '=';
    const maxKeys = options && typeof options.maxKeys === 'number' ? options.maxKeys : 1000;
    const decode = options && typeof options.decodeURIComponent === 'function' ? options.decodeURIComponent : unescape;
    let pairs = text.split(sep);
    if (maxKeys > 0 && pairs.length > maxKeys) pairs = pairs.slice(0, maxKeys);
    for (const pair of pairs) {
        if (pair.length === 0) continue;
        const at = pair.indexOf(eq);
        const rawKey = at >= 0 ? pair.slice(0, at) : pair;
        const rawValue = at >= 0 ? pair.slice(at + eq.length) : '';
        const key = decode(rawKey.replace(/\+/g, ' '));
        const value = decode(rawValue.replace(/\+/g, ' '));
        if (!(key in result)) result[key] = value;
        else if (Array.isArray(result[key])) result[key].push(value);
        else result[key] = [result[key], value];
    }
    return result;
};
module.exports = { parse, stringify, decode: parse, encode: stringify, escape, unescape };
