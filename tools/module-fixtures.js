#!/usr/bin/env node
// Computes, with Node itself, the expected result of every built-in module call the rule sandbox offers, and writes
// them to tests/Rules.Engine.Tests/Modules/node-fixtures.json. The engine tests run each case's code in a rule and
// compare; they never run Node. Regenerate after adding a case:
//   npm install --prefix /tmp/module-fixtures jsonwebtoken@9.0.2 uuid@9.0.1
//   NODE_PATH=/tmp/module-fixtures/node_modules node tools/module-fixtures.js
// Each case is the body of a function (require, KEYS) whose result is JSON-serialisable; a throw is recorded as
// { thrown: "Name: message" }. Random or time-dependent calls return what is fixed about them (lengths, shapes).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const KEYS = {
    publicKey,
    privateKey,
    aesKey: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    iv16: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf',
    iv12: 'b0b1b2b3b4b5b6b7b8b9babb',
};

const cases = {
    // crypto: hashes, every digest encoding, string and Buffer updates
    'crypto.createHash md5 hex': `return require('crypto').createHash('md5').update('hello world').digest('hex');`,
    'crypto.createHash sha1 base64': `return require('crypto').createHash('sha1').update('hello world').digest('base64');`,
    'crypto.createHash sha256 base64url': `return require('crypto').createHash('sha256').update('hello world').digest('base64url');`,
    'crypto.createHash sha512 latin1': `return require('crypto').createHash('sha512').update('héllo').digest('latin1');`,
    'crypto.createHash sha256 Buffer digest': `return require('crypto').createHash('sha256').update('abc').digest().toJSON();`,
    'crypto.createHash Buffer and string updates': `return require('crypto').createHash('sha256').update(require('buffer').Buffer.from([1, 2, 3])).update('päck', 'utf8').update('616263', 'hex').digest('hex');`,
    'crypto.createHash unknown algorithm': `return require('crypto').createHash('whirlpool-9');`,
    'crypto.createHash digest twice': `const h = require('crypto').createHash('md5'); h.update('a'); h.digest(); return h.digest('hex');`,
    'crypto.createHmac sha256 hex': `return require('crypto').createHmac('sha256', 'secret').update('message').digest('hex');`,
    'crypto.createHmac sha1 base64 Buffer key': `return require('crypto').createHmac('sha1', Buffer.from('6b6579', 'hex')).update('data').digest('base64');`,
    'crypto.createHmac sha512 base64url': `return require('crypto').createHmac('sha512', 'k').update('v').digest('base64url');`,
    'crypto.randomBytes length': `const b = require('crypto').randomBytes(24); return [b.length, Buffer.isBuffer(b), b.toString('hex').length];`,
    'crypto.randomUUID shape': `return /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(require('crypto').randomUUID());`,
    'crypto.timingSafeEqual equal': `const c = require('crypto'); return c.timingSafeEqual(Buffer.from('abc'), Buffer.from('abc'));`,
    'crypto.timingSafeEqual different': `const c = require('crypto'); return c.timingSafeEqual(Buffer.from('abc'), Buffer.from('abd'));`,
    'crypto.timingSafeEqual lengths differ': `const c = require('crypto'); return c.timingSafeEqual(Buffer.from('abc'), Buffer.from('ab'));`,
    'crypto.createCipheriv aes-256-cbc': `const c = require('crypto'); const k = Buffer.from(KEYS.aesKey, 'hex'); const e = c.createCipheriv('aes-256-cbc', k, Buffer.from(KEYS.iv16, 'hex')); return e.update('secret message for the rules', 'utf8', 'base64') + e.final('base64');`,
    'crypto.createDecipheriv aes-256-cbc': `const c = require('crypto'); const k = Buffer.from(KEYS.aesKey, 'hex'); const iv = Buffer.from(KEYS.iv16, 'hex'); const e = c.createCipheriv('aes-256-cbc', k, iv); const text = e.update('round trip', 'utf8', 'hex') + e.final('hex'); const d = c.createDecipheriv('aes-256-cbc', k, iv); return d.update(text, 'hex', 'utf8') + d.final('utf8');`,
    'crypto.createDecipheriv aes-256-cbc wrong key': `const c = require('crypto'); const iv = Buffer.from(KEYS.iv16, 'hex'); const e = c.createCipheriv('aes-256-cbc', Buffer.from(KEYS.aesKey, 'hex'), iv); const text = Buffer.concat([e.update('round trip'), e.final()]); const d = c.createDecipheriv('aes-256-cbc', Buffer.alloc(32, 7), iv); return Buffer.concat([d.update(text), d.final()]).toString('hex');`,
    'crypto.createCipheriv aes-256-gcm with tag': `const c = require('crypto'); const e = c.createCipheriv('aes-256-gcm', Buffer.from(KEYS.aesKey, 'hex'), Buffer.from(KEYS.iv12, 'hex')); e.setAAD(Buffer.from('header')); const out = Buffer.concat([e.update('gcm secret', 'utf8'), e.final()]); return [out.toString('hex'), e.getAuthTag().toString('hex')];`,
    'crypto.createDecipheriv aes-256-gcm': `const c = require('crypto'); const k = Buffer.from(KEYS.aesKey, 'hex'); const iv = Buffer.from(KEYS.iv12, 'hex'); const e = c.createCipheriv('aes-256-gcm', k, iv); const out = e.update('gcm secret', 'utf8', 'hex') + e.final('hex'); const tag = e.getAuthTag(); const d = c.createDecipheriv('aes-256-gcm', k, iv); d.setAuthTag(tag); return d.update(out, 'hex', 'utf8') + d.final('utf8');`,
    'crypto.createDecipheriv aes-256-gcm tampered': `const c = require('crypto'); const k = Buffer.from(KEYS.aesKey, 'hex'); const iv = Buffer.from(KEYS.iv12, 'hex'); const e = c.createCipheriv('aes-256-gcm', k, iv); const out = Buffer.concat([e.update('gcm secret'), e.final()]); const tag = e.getAuthTag(); out[0] ^= 1; const d = c.createDecipheriv('aes-256-gcm', k, iv); d.setAuthTag(tag); d.update(out); return d.final('utf8');`,
    // buffer
    'Buffer.from utf8 toString hex': `return Buffer.from('héllo wörld ✓', 'utf8').toString('hex');`,
    'Buffer.from hex': `return Buffer.from('48656c6c6f', 'hex').toString();`,
    'Buffer.from base64': `return Buffer.from('SGVsbG8sIHdvcmxkIQ==', 'base64').toString('utf8');`,
    'Buffer.from base64url': `return Buffer.from('_-8', 'base64url').toJSON();`,
    'Buffer.from latin1': `return Buffer.from('ÿé', 'latin1').toJSON();`,
    'Buffer.from array': `return Buffer.from([104, 105, 256, -1]).toString('hex');`,
    'Buffer.from buffer copies': `const a = Buffer.from('abc'); const b = Buffer.from(a); b[0] = 65; return [a.toString(), b.toString()];`,
    'Buffer toString encodings': `const b = Buffer.from([0, 1, 250, 255, 65]); return [b.toString('base64'), b.toString('base64url'), b.toString('latin1'), b.toString('hex'), b.toString('utf8', 4, 5)];`,
    'Buffer.concat': `return Buffer.concat([Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')]).toString();`,
    'Buffer.concat totalLength': `return Buffer.concat([Buffer.from('ab'), Buffer.from('cd')], 3).toString();`,
    'Buffer.byteLength': `return [Buffer.byteLength('héllo'), Buffer.byteLength('aGk=', 'base64'), Buffer.byteLength('abcd', 'hex'), Buffer.byteLength(Buffer.from('xyz'))];`,
    'Buffer.compare': `return [Buffer.compare(Buffer.from('a'), Buffer.from('b')), Buffer.compare(Buffer.from('b'), Buffer.from('a')), Buffer.compare(Buffer.from('a'), Buffer.from('a')), Buffer.compare(Buffer.from('a'), Buffer.from('ab'))];`,
    'Buffer equals': `return [Buffer.from('abc').equals(Buffer.from('abc')), Buffer.from('abc').equals(Buffer.from('abd'))];`,
    'Buffer slice shares memory': `const b = Buffer.from('hello'); const s = b.slice(1, 3); s[0] = 69; return [s.toString(), b.toString(), b.slice(-2).toString()];`,
    'Buffer.alloc and isBuffer': `return [Buffer.alloc(3).toJSON().data, Buffer.alloc(4, 'ab').toString(), Buffer.isBuffer(Buffer.alloc(1)), Buffer.isBuffer(new Uint8Array(1))];`,
    'require buffer Buffer is the global': `return require('buffer').Buffer === Buffer;`,
    // querystring
    'querystring.parse': `return require('querystring').parse('a=1&b=two+words&a=3&c=%E2%9C%93&d');`,
    'querystring.stringify': `return require('querystring').stringify({ a: [1, 2], b: 'x y', c: '✓&=', d: true, e: null });`,
    'querystring.escape unescape': `const q = require('querystring'); return [q.escape("a b&c'd"), q.unescape('a%20b%26')];`,
    // url
    'url.parse': `const u = require('url').parse('https://user:pw@Example.COM:8443/p/a/t/h?query=string&x=1#hash'); return { protocol: u.protocol, slashes: u.slashes, auth: u.auth, host: u.host, port: u.port, hostname: u.hostname, hash: u.hash, search: u.search, query: u.query, pathname: u.pathname, path: u.path, href: u.href };`,
    'url.parse with query object': `const u = require('url').parse('http://example.com/cb?code=abc&state=xyz', true); return { query: Object.assign({}, u.query), pathname: u.pathname, href: u.href };`,
    'url.format': `return require('url').format({ protocol: 'https', hostname: 'example.com', pathname: '/a b', query: { x: '1', y: 'two words' } });`,
    'url.resolve': `const url = require('url'); return [url.resolve('http://example.com/one/two', 'three'), url.resolve('http://example.com/one/two', '/four'), url.resolve('http://example.com/one/', '../five?x=1')];`,
    'URL': `const u = new URL('https://Example.com:443/a/./b/../c?x=1&y=2#frag'); return [u.href, u.origin, u.host, u.port, u.pathname, u.search, u.hash, u.searchParams.get('y')];`,
    'URL relative to a base': `return [new URL('../d?q', 'https://example.com/a/b/c').href, new URL('//other.org/x', 'https://example.com').href];`,
    'URL invalid': `return new URL('not a url');`,
    'URLSearchParams': `const p = new URLSearchParams('a=1&b=x+y&a=2'); p.append('c', 'd e&'); p.set('b', 'z'); p.delete('a'); return [p.toString(), p.get('c'), p.getAll('a'), p.has('b')];`,
    'URLSearchParams from object and sort': `const p = new URLSearchParams({ z: '1', a: '2', m: "!'()~" }); p.sort(); return [p.toString(), [...p.keys()]];`,
    'url module URL is the global': `return require('url').URL === URL && require('url').URLSearchParams === URLSearchParams;`,
    // util
    'util.format': `return require('util').format('%s has %d items costing %i, %j %%', 'cart', 3.5, 42.9, { a: 1 }, 'extra', 7);`,
    'util.inspect': `const util = require('util'); return [util.inspect({ a: 1, b: 'two', c: [1, 2, { d: null }], 'e-f': undefined }), util.inspect('text'), util.inspect([]), util.inspect({ a: { b: { c: { d: 1 } } } })];`,
    'util.promisify': `const f = (a, b, cb) => cb(null, a + b); return require('util').promisify(f)(2, 3);`,
    'util.promisify rejects': `const f = (cb) => cb(new Error('nope')); return require('util').promisify(f)().catch((e) => 'caught ' + e.message);`,
    // uuid
    'uuid.v4 shape': `const { v4 } = require('uuid'); return /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v4());`,
    'uuid.v1 shape': `const { v1 } = require('uuid'); return /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v1());`,
    'uuid.v1 fixed inputs': `const { v1 } = require('uuid'); return v1({ node: [1, 35, 69, 103, 137, 171], clockseq: 0x1234, msecs: 1700000000000, nsecs: 5678 });`,
    'uuid.v4 fixed random': `const { v4 } = require('uuid'); return v4({ random: [16, 145, 86, 190, 196, 251, 193, 234, 113, 180, 239, 225, 103, 28, 88, 54] });`,
    'uuid.validate version': `const { validate, version } = require('uuid'); return [validate('109156be-c4fb-41ea-b1b4-efe1671c5836'), validate('nope'), version('109156be-c4fb-41ea-b1b4-efe1671c5836')];`,
    // jsonwebtoken
    'jsonwebtoken.sign HS256': `return require('jsonwebtoken').sign({ sub: 'auth0|alice', name: 'Alice', iat: 1700000000 }, 'shh');`,
    'jsonwebtoken.sign HS384 options': `return require('jsonwebtoken').sign({ iat: 1700000000, scope: 'read' }, 'shh', { algorithm: 'HS384', expiresIn: '1h', notBefore: 60, audience: 'api', issuer: 'https://issuer/', subject: 'user-1', jwtid: 'id-1', keyid: 'k1' });`,
    'jsonwebtoken.sign HS512': `return require('jsonwebtoken').sign({ iat: 1700000000, n: 1 }, 'another secret', { algorithm: 'HS512' });`,
    'jsonwebtoken.sign RS256': `return require('jsonwebtoken').sign({ iat: 1700000000, sub: 'x' }, KEYS.privateKey, { algorithm: 'RS256' });`,
    'jsonwebtoken.sign callback': `return new Promise((resolve) => require('jsonwebtoken').sign({ iat: 1700000000 }, 'cb', (err, token) => resolve([err, token])));`,
    'jsonwebtoken.verify HS256': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 1 }, 's', { noTimestamp: true }); return jwt.verify(t, 's');`,
    'jsonwebtoken.verify RS256': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 2 }, KEYS.privateKey, { algorithm: 'RS256', noTimestamp: true }); return jwt.verify(t, KEYS.publicKey);`,
    'jsonwebtoken.verify HS512 complete': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 3, iat: 1700000000 }, 's', { algorithm: 'HS512' }); const r = jwt.verify(t, 's', { complete: true }); return [r.header, r.payload];`,
    'jsonwebtoken.verify invalid signature': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 1 }, 's'); try { jwt.verify(t, 'wrong'); } catch (e) { return [e.name, e.message, e instanceof jwt.JsonWebTokenError]; }`,
    'jsonwebtoken.verify expired': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 1, iat: 1000, exp: 2000 }, 's'); try { jwt.verify(t, 's'); } catch (e) { return [e.name, e.message, e.expiredAt.toISOString(), e instanceof jwt.JsonWebTokenError]; }`,
    'jsonwebtoken.verify not before': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 1, nbf: 99999999999 }, 's'); try { jwt.verify(t, 's'); } catch (e) { return [e.name, e.message, e.date.toISOString()]; }`,
    'jsonwebtoken.verify malformed': `const jwt = require('jsonwebtoken'); try { jwt.verify('abc.def', 's'); } catch (e) { return [e.name, e.message]; }`,
    'jsonwebtoken.verify audience': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ aud: 'a' }, 's'); try { jwt.verify(t, 's', { audience: 'b' }); } catch (e) { return [e.name, e.message]; }`,
    'jsonwebtoken.verify wrong algorithm': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 1 }, 's', { algorithm: 'HS384' }); try { jwt.verify(t, 's', { algorithms: ['HS256'] }); } catch (e) { return [e.name, e.message]; }`,
    'jsonwebtoken.verify callback': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 1 }, 's', { noTimestamp: true }); let seen; jwt.verify(t, 'x', (err, payload) => { seen = [err.name, err.message, payload]; }); return seen;`,
    'jsonwebtoken.decode': `const jwt = require('jsonwebtoken'); const t = jwt.sign({ a: 1, iat: 5 }, 's'); return [jwt.decode(t), jwt.decode(t, { complete: true }).header, jwt.decode('garbage')];`,
};

const run = async (code) => {
    try {
        const value = await new Function('require', 'KEYS', 'Buffer', code)(require, KEYS, Buffer);
        return JSON.stringify(value === undefined ? null : value);
    } catch (e) {
        return JSON.stringify({ thrown: `${e.name}: ${e.message}` });
    }
};

(async () => {
    const out = { generatedBy: `node ${process.version}, tools/module-fixtures.js`, keys: KEYS, cases: [] };
    for (const [name, code] of Object.entries(cases)) out.cases.push({ name, code, expected: await run(code) });
    const target = path.join(__dirname, '..', 'tests', 'Rules.Engine.Tests', 'Modules', 'node-fixtures.json');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
    console.log(`${out.cases.length} cases written to ${path.relative(process.cwd(), target)}`);
})();
