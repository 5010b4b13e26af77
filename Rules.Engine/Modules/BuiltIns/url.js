'use strict';
// Node's url: the legacy parse/format/resolve and the WHATWG URL and URLSearchParams (also the globals URL and
// URLSearchParams), for the URLs rules handle: http(s) and other hierarchical URLs. No IDNA: hostnames are lowercased as given.
const querystring = require('querystring');

// ---- URLSearchParams -----------------------------------------------------------------------------
const formEncode = (text) => {
    let out = '';
    const bytes = encodeURIComponent(text);
    for (let i = 0; i < bytes.length; i++) {
        const c = bytes[i];
        if (c === '%' && bytes.slice(i, i + 3) === '%20') { out += '+'; i += 2; }
        else if (c === '!' || c === "'" || c === '(' || c === ')' || c === '~') out += '%' + c.charCodeAt(0).toString(16).toUpperCase();
        else out += c;
    }
    return out;
};
const formDecode = (text) => {
    const spaced = text.replace(/\+/g, ' ');
    try { return decodeURIComponent(spaced); } catch (e) { return spaced; }
};
class URLSearchParams {
    constructor(init) {
        this._list = [];
        this._url = null;
        if (init === undefined || init === null) return;
        if (typeof init === 'object') {
            if (typeof init[Symbol.iterator] === 'function') {
                for (const pair of init) {
                    const items = Array.from(pair);
                    if (items.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
                    this._list.push([String(items[0]), String(items[1])]);
                }
            } else {
                for (const key of Object.keys(init)) this._list.push([key, String(init[key])]);
            }
            return;
        }
        this._parse(String(init));
    }
    _parse(text) {
        this._list = [];
        const query = text[0] === '?' ? text.slice(1) : text;
        for (const piece of query.split('&')) {
            if (piece.length === 0) continue;
            const at = piece.indexOf('=');
            this._list.push(at >= 0 ? [formDecode(piece.slice(0, at)), formDecode(piece.slice(at + 1))] : [formDecode(piece), '']);
        }
    }
    _update() {
        if (this._url !== null) {
            const text = this.toString();
            this._url._search = text.length > 0 ? '?' + text : '';
        }
    }
    get size() { return this._list.length; }
    append(name, value) { this._list.push([String(name), String(value)]); this._update(); }
    delete(name, value) {
        const n = String(name);
        this._list = this._list.filter(([k, v]) => k !== n || (value !== undefined && v !== String(value)));
        this._update();
    }
    get(name) { const found = this._list.find(([k]) => k === String(name)); return found ? found[1] : null; }
    getAll(name) { return this._list.filter(([k]) => k === String(name)).map(([, v]) => v); }
    has(name, value) { return this._list.some(([k, v]) => k === String(name) && (value === undefined || v === String(value))); }
    set(name, value) {
        const n = String(name);
        const at = this._list.findIndex(([k]) => k === n);
        if (at === -1) this._list.push([n, String(value)]);
        else { this._list[at][1] = String(value); this._list = this._list.filter(([k], i) => k !== n || i === at); }
        this._update();
    }
    sort() {
        this._list = this._list.map((pair, i) => [pair, i]).sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1])).map(([pair]) => pair);
        this._update();
    }
    forEach(callback, thisArg) { for (const [k, v] of this._list) callback.call(thisArg, v, k, this); }
    keys() { return this._list.map(([k]) => k)[Symbol.iterator](); }
    values() { return this._list.map(([, v]) => v)[Symbol.iterator](); }
    entries() { return this._list.map(([k, v]) => [k, v])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this._list.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&'); }
}

// ---- URL -------------------------------------------------------------------------------------------
const defaultPorts = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };
const isSpecial = (protocol) => Object.prototype.hasOwnProperty.call(defaultPorts, protocol);
const percentEncode = (text, keep) => text.replace(keep, (c) => encodeURIComponent(c));
const pathUnsafe = /[\u0000-\u0020"<>`{}\u007f-\uffff]/g;
const queryUnsafe = /[\u0000-\u0020"#<>\u007f-\uffff]/g;
const specialQueryUnsafe = /[\u0000-\u0020"#<>'\u007f-\uffff]/g;
const fragmentUnsafe = /[\u0000-\u0020"<>`\u007f-\uffff]/g;
const userinfoUnsafe = /[\u0000-\u0020"#<>?`{}/:;=@[\\\]^|\u007f-\uffff]/g;
const removeDotSegments = (path) => {
    const out = [];
    const segments = path.split('/');
    for (let i = 0; i < segments.length; i++) {
        const s = segments[i];
        if (s === '.' || s.toLowerCase() === '%2e') { if (i === segments.length - 1) out.push(''); continue; }
        if (s === '..' || s.toLowerCase() === '.%2e' || s.toLowerCase() === '%2e.' || s.toLowerCase() === '%2e%2e') {
            if (out.length > 1) out.pop();
            if (i === segments.length - 1) out.push('');
            continue;
        }
        out.push(s);
    }
    return out.join('/');
};
const invalid = (input) => { const e = new TypeError('Invalid URL'); e.code = 'ERR_INVALID_URL'; e.input = input; return e; };
const absolute = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;

class URL {
    constructor(input, base) {
        const text = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
        const match = absolute.exec(text);
        if (match) this._parseAbsolute(match[1].toLowerCase() + ':', match[2], input);
        else if (base === undefined) throw invalid(input);
        else this._parseRelative(text, base instanceof URL ? base : new URL(base), input);
        this._params = new URLSearchParams(this._search);
        this._params._url = this;
    }
    _parseAbsolute(protocol, rest, input) {
        this._protocol = protocol;
        let r = isSpecial(protocol) ? rest.replace(/\\/g, '/') : rest;
        this._username = ''; this._password = ''; this._hostname = ''; this._port = '';
        this._hash = ''; this._search = '';
        const hashAt = r.indexOf('#');
        if (hashAt >= 0) { this._hash = hashAt === r.length - 1 ? '' : '#' + percentEncode(r.slice(hashAt + 1), fragmentUnsafe); r = r.slice(0, hashAt); }
        const queryAt = r.indexOf('?');
        if (queryAt >= 0) {
            const q = r.slice(queryAt + 1);
            this._search = q.length === 0 ? '' : '?' + percentEncode(q, isSpecial(protocol) ? specialQueryUnsafe : queryUnsafe);
            r = r.slice(0, queryAt);
        }
        if (isSpecial(protocol) || r.startsWith('//')) {
            r = r.replace(/^\/*/, '');
            const end = r.search(/[/]/);
            const authority = end === -1 ? r : r.slice(0, end);
            const path = end === -1 ? '' : r.slice(end);
            const at = authority.lastIndexOf('@');
            let hostPort = authority;
            if (at >= 0) {
                const info = authority.slice(0, at);
                const colon = info.indexOf(':');
                this._username = percentEncode(colon >= 0 ? info.slice(0, colon) : info, userinfoUnsafe);
                this._password = colon >= 0 ? percentEncode(info.slice(colon + 1), userinfoUnsafe) : '';
                hostPort = authority.slice(at + 1);
            }
            const portMatch = /:(\d*)$/.exec(hostPort);
            let host = hostPort;
            if (portMatch && !/^\[[^\]]*$/.test(hostPort.slice(0, portMatch.index))) {
                host = hostPort.slice(0, portMatch.index);
                const port = portMatch[1];
                if (port.length > 0) {
                    const n = parseInt(port, 10);
                    if (n > 65535) throw invalid(input);
                    this._port = String(n) === defaultPorts[protocol] ? '' : String(n);
                }
            } else if (/:/.test(hostPort) && hostPort[0] !== '[') {
                throw invalid(input);
            }
            let hostname;
            try { hostname = decodeURIComponent(host).toLowerCase(); } catch (e) { throw invalid(input); }
            if (isSpecial(protocol) && protocol !== 'file:' && (hostname.length === 0 || /[\u0000-\u0020#%/:<>?@[\\\]^|]/.test(hostname.replace(/^\[.*\]$/, '')))) throw invalid(input);
            this._hostname = hostname;
            this._pathname = removeDotSegments(percentEncode(path.length === 0 ? '/' : path, pathUnsafe)) || '/';
            this._hasAuthority = true;
        } else {
            this._hasAuthority = false;
            this._pathname = percentEncode(r, pathUnsafe);
        }
    }
    _parseRelative(text, base, input) {
        if (!base._hasAuthority) throw invalid(input);
        if (text.startsWith('//') || (isSpecial(base._protocol) && text.startsWith('\\\\'))) { this._parseAbsolute(base._protocol, text, input); return; }
        this._protocol = base._protocol;
        this._username = base._username; this._password = base._password;
        this._hostname = base._hostname; this._port = base._port; this._hasAuthority = true;
        let r = text;
        this._hash = ''; this._search = base._search;
        const hashAt = r.indexOf('#');
        if (hashAt >= 0) { this._hash = hashAt === r.length - 1 ? '' : '#' + percentEncode(r.slice(hashAt + 1), fragmentUnsafe); r = r.slice(0, hashAt); }
        const queryAt = r.indexOf('?');
        if (queryAt >= 0) {
            const q = r.slice(queryAt + 1);
            this._search = q.length === 0 ? '' : '?' + percentEncode(q, specialQueryUnsafe);
            r = r.slice(0, queryAt);
        }
        if (r.length === 0) { this._pathname = base._pathname; if (queryAt < 0 && hashAt < 0) this._search = base._search; return; }
        if (queryAt < 0) this._search = '';
        const path = r.startsWith('/') ? r : base._pathname.slice(0, base._pathname.lastIndexOf('/') + 1) + r;
        this._pathname = removeDotSegments(percentEncode(path, pathUnsafe)) || '/';
    }
    get protocol() { return this._protocol; }
    get username() { return this._username; }
    get password() { return this._password; }
    get hostname() { return this._hostname; }
    get port() { return this._port; }
    get host() { return this._port ? `${this._hostname}:${this._port}` : this._hostname; }
    get origin() { return isSpecial(this._protocol) && this._protocol !== 'file:' ? `${this._protocol}//${this.host}` : 'null'; }
    get pathname() { return this._pathname; }
    get search() { return this._search.length > 1 ? this._search : ''; }
    set search(value) { const v = String(value); this._search = v.length === 0 ? '' : (v[0] === '?' ? '' : '?') + v; this._params._parse(this._search); }
    get searchParams() { return this._params; }
    get hash() { return this._hash.length > 1 ? this._hash : ''; }
    set hash(value) { const v = String(value); this._hash = v.length === 0 ? '' : (v[0] === '#' ? '' : '#') + v; }
    set pathname(value) { if (this._hasAuthority) this._pathname = removeDotSegments(percentEncode(String(value)[0] === '/' ? String(value) : '/' + String(value), pathUnsafe)); }
    get href() {
        const auth = this._username || this._password ? `${this._username}${this._password ? ':' + this._password : ''}@` : '';
        return `${this._protocol}${this._hasAuthority ? '//' + auth + this.host : ''}${this._pathname}${this.search}${this.hash}`;
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
    static canParse(input, base) { try { new URL(input, base); return true; } catch (e) { return false; } }
}

// ---- legacy url.parse / format / resolve -------------------------------------------------------
const slashedProtocols = ['http:', 'https:', 'ftp:', 'gopher:', 'file:', 'ws:', 'wss:'];
function Url() {
    this.protocol = null; this.slashes = null; this.auth = null; this.host = null; this.port = null; this.hostname = null;
    this.hash = null; this.search = null; this.query = null; this.pathname = null; this.path = null; this.href = null;
}
const parse = (input, parseQueryString, slashesDenoteHost) => {
    if (input instanceof Url) return input;
    if (typeof input !== 'string') throw new TypeError('The "url" argument must be of type string.');
    const url = new Url();
    let rest = input.trim();
    const hashAt = rest.indexOf('#');
    if (hashAt >= 0) { url.hash = rest.slice(hashAt); rest = rest.slice(0, hashAt); }
    const queryAt = rest.indexOf('?');
    if (queryAt >= 0) { url.search = rest.slice(queryAt); url.query = rest.slice(queryAt + 1); rest = rest.slice(0, queryAt); }
    else if (parseQueryString) { url.search = ''; url.query = {}; }
    rest = rest.replace(/\\/g, '/');
    const proto = /^([a-z0-9.+-]+:)/i.exec(rest);
    if (proto) { url.protocol = proto[1].toLowerCase(); rest = rest.slice(proto[1].length); }
    const slashed = url.protocol !== null && slashedProtocols.indexOf(url.protocol) !== -1;
    if ((slashesDenoteHost || proto) && rest.startsWith('//') && !(proto && url.protocol === 'javascript:')) {
        url.slashes = true;
        rest = rest.slice(2);
    }
    if (url.slashes || (proto && !slashed && false)) {
        const end = rest.search(/[/]/);
        let authority = end === -1 ? rest : rest.slice(0, end);
        rest = end === -1 ? '' : rest.slice(end);
        const at = authority.lastIndexOf('@');
        if (at >= 0) { url.auth = decodeURIComponent(authority.slice(0, at)); authority = authority.slice(at + 1); }
        const portMatch = /:([0-9]*)$/.exec(authority);
        if (portMatch) { if (portMatch[1].length > 0) url.port = portMatch[1]; authority = authority.slice(0, portMatch.index); }
        url.hostname = authority.toLowerCase();
        url.host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
        if (slashed && rest.length === 0) rest = '/';
    }
    if (rest.length > 0) url.pathname = rest;
    else if (slashed && url.hostname) url.pathname = '/';
    if (url.query !== null && parseQueryString && typeof url.query === 'string') url.query = querystring.parse(url.query);
    url.path = url.pathname !== null || url.search !== null ? `${url.pathname || ''}${url.search || ''}` : null;
    url.href = format(url);
    return url;
};
const format = (obj) => {
    if (typeof obj === 'string') obj = parse(obj);
    if (obj instanceof URL) return obj.href;
    if (obj === null || typeof obj !== 'object') throw new TypeError('The "urlObject" argument must be one of type object or string.');
    let auth = obj.auth ? encodeURIComponent(obj.auth).replace(/%3A/i, ':') + '@' : '';
    let protocol = obj.protocol || '';
    let pathname = obj.pathname || '';
    let hash = obj.hash || '';
    let host = '';
    if (obj.host) host = auth + obj.host;
    else if (obj.hostname) host = auth + (obj.hostname.indexOf(':') !== -1 && obj.hostname[0] !== '[' ? `[${obj.hostname}]` : obj.hostname) + (obj.port ? ':' + obj.port : '');
    let search = obj.search || '';
    if (!search && obj.query && typeof obj.query === 'object' && Object.keys(obj.query).length > 0) search = '?' + querystring.stringify(obj.query);
    if (protocol && protocol[protocol.length - 1] !== ':') protocol += ':';
    if (obj.slashes || ((!protocol || slashedProtocols.indexOf(protocol) !== -1) && host)) {
        host = '//' + host;
        if (pathname && pathname[0] !== '/') pathname = '/' + pathname;
    }
    if (hash && hash[0] !== '#') hash = '#' + hash;
    if (search && search[0] !== '?') search = '?' + search;
    pathname = pathname.replace(/[?#]/g, encodeURIComponent);
    search = search.replace('#', '%23');
    return protocol + host + pathname + search + hash;
};
const resolve = (from, to) => {
    try {
        return new URL(to, new URL(from)).href;
    } catch (e) {
        // A relative base: resolve against a placeholder origin and drop it again, as Node's legacy resolver does.
        const placeholder = 'resolve://';
        const resolved = new URL(to, new URL(from, placeholder + '/')).href;
        return resolved.startsWith(placeholder) ? resolved.slice(placeholder.length + (from.startsWith('/') ? 0 : 1)) : resolved;
    }
};

module.exports = { URL, URLSearchParams, Url, parse, format, resolve };
