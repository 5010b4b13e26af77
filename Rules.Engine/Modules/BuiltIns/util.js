'use strict';
// Node's util: format, inspect (plain values, Node's layout), promisify, inherits, and a few helpers rules use.
const quote = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const inspect = (value, options) => {
    const depth = options && typeof options.depth === 'number' ? options.depth : options && options.depth === null ? Infinity : 2;
    const seen = [];
    const show = (v, level) => {
        if (v === null) return 'null';
        if (v === undefined) return 'undefined';
        if (typeof v === 'string') return level === 0 && options === 'format' ? v : quote(v);
        if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'boolean') return String(v);
        if (typeof v === 'symbol') return v.toString();
        if (typeof v === 'function') return v.name ? `[Function: ${v.name}]` : '[Function (anonymous)]';
        if (v instanceof Error) return v.stack || `${v.name}: ${v.message}`;
        if (v instanceof Date) return isNaN(v) ? 'Invalid Date' : v.toISOString();
        if (v instanceof RegExp) return String(v);
        if (seen.indexOf(v) !== -1) return '[Circular *1]';
        if (level > depth) return Array.isArray(v) ? '[Array]' : '[Object]';
        seen.push(v);
        let parts;
        let open = '{', close = '}', prefix = '';
        if (Array.isArray(v)) {
            parts = v.map((item) => show(item, level + 1));
            open = '['; close = ']';
        } else {
            const proto = Object.getPrototypeOf(v);
            if (proto === null) prefix = '[Object: null prototype] ';
            else if (proto !== Object.prototype && proto.constructor && proto.constructor.name) prefix = `${proto.constructor.name} `;
            parts = Object.keys(v).map((k) => `${identifier.test(k) ? k : quote(k)}: ${show(v[k], level + 1)}`);
        }
        seen.pop();
        if (parts.length === 0) return `${prefix}${open}${close}`;
        const single = `${prefix}${open} ${parts.join(', ')} ${close}`;
        if (single.length <= 72 && single.indexOf('\n') === -1) return single;
        const pad = '  '.repeat(level + 1);
        return `${prefix}${open}\n${pad}${parts.join(`,\n${pad}`)}\n${'  '.repeat(level)}${close}`;
    };
    return show(value, 0);
};
const format = (...args) => {
    if (args.length === 0) return '';
    const first = args[0];
    let index = 1;
    let text = '';
    if (typeof first === 'string') {
        text = first.replace(/%[sdifjoOc%]/g, (token) => {
            if (token === '%%') return '%';
            if (index >= args.length) return token;
            const arg = args[index++];
            switch (token) {
                case '%s': return typeof arg === 'string' ? arg : typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'object' && arg !== null ? inspect(arg, { depth: 1 }) : String(arg);
                case '%d': return typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'object' && arg !== null ? 'NaN' : String(Number(arg));
                case '%i': return typeof arg === 'bigint' ? `${arg}n` : String(parseInt(arg, 10));
                case '%f': return String(parseFloat(arg));
                case '%j': try { return JSON.stringify(arg); } catch (e) { return '[Circular]'; }
                case '%o': case '%O': return inspect(arg);
                case '%c': return '';
                default: return token;
            }
        });
    } else {
        index = 0;
    }
    for (; index < args.length; index++) {
        const arg = args[index];
        text += (text.length > 0 || index > 0 ? ' ' : '') + (typeof arg === 'string' ? arg : inspect(arg));
    }
    return text;
};
const promisify = (fn) => {
    if (typeof fn !== 'function') throw new TypeError('The "original" argument must be of type function');
    return function (...args) {
        return new Promise((resolve, reject) => {
            fn.call(this, ...args, (err, value) => (err ? reject(err) : resolve(value)));
        });
    };
};
const inherits = (ctor, superCtor) => {
    Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
};
const isDeepStrictEqual = (a, b) => {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(a[k], b[k]));
};
module.exports = {
    format,
    inspect,
    promisify,
    inherits,
    isDeepStrictEqual,
    deprecate: (fn) => fn,
    isArray: Array.isArray,
    isString: (v) => typeof v === 'string',
    isNumber: (v) => typeof v === 'number',
    isObject: (v) => v !== null && typeof v === 'object',
    isFunction: (v) => typeof v === 'function',
    isUndefined: (v) => v === undefined,
    isNullOrUndefined: (v) => v === null || v === undefined,
    types: { isDate: (v) => v instanceof Date, isRegExp: (v) => v instanceof RegExp, isPromise: (v) => v instanceof Promise },
};
