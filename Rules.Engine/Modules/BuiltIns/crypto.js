'use strict';
// Node's crypto for rules: the calls rules make, on .NET's System.Security.Cryptography (`native`). Data is collected
// as Buffers and handed over whole at digest()/final(); a cipher's update() returns nothing and final() all of it,
// which gives the same text for the usual `update(...) + final(...)`.
const { Buffer } = require('buffer');

const toBuffer = (data, encoding, name) => {
    if (typeof data === 'string') return Buffer.from(data, encoding);
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return Buffer.from(data);
    throw new TypeError(`The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView.`);
};
const output = (buffer, encoding) => (encoding === undefined || encoding === 'buffer' ? buffer : buffer.toString(encoding));
const hashNames = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'];
const algorithm = (name) => {
    const normal = String(name).toLowerCase().replace('-', '');
    if (hashNames.indexOf(normal) === -1) throw new Error('Digest method not supported');
    return normal;
};

class Hash {
    constructor(name, key) {
        this._algorithm = algorithm(name);
        this._key = key;
        this._chunks = [];
        this._done = false;
    }
    update(data, encoding) {
        if (this._done) throw new Error('Digest already called');
        this._chunks.push(toBuffer(data, encoding, 'data'));
        return this;
    }
    digest(encoding) {
        if (this._done) throw new Error('Digest already called');
        this._done = true;
        const data = Buffer.concat(this._chunks);
        const bytes = this._key === undefined ? native.hash(this._algorithm, data) : native.hmac(this._algorithm, this._key, data);
        return output(Buffer.from(bytes), encoding);
    }
}

const ciphers = { 'aes-256-cbc': 'cbc', 'aes-256-gcm': 'gcm' };
class Cipher {
    constructor(name, key, iv, encrypt) {
        const mode = ciphers[String(name).toLowerCase()];
        if (mode === undefined) throw new Error(`Invalid cipher: ${name} (rules have aes-256-cbc and aes-256-gcm)`);
        this._mode = mode;
        this._encrypt = encrypt;
        this._key = toBuffer(key, 'utf8', 'key');
        this._iv = toBuffer(iv, 'utf8', 'iv');
        if (this._key.length !== 32) throw new RangeError('Invalid key length');
        if (mode === 'cbc' && this._iv.length !== 16) throw new TypeError('Invalid initialization vector');
        this._chunks = [];
        this._aad = Buffer.alloc(0);
        this._tag = undefined;
        this._done = false;
    }
    update(data, inputEncoding, outputEncoding) {
        if (this._done) throw new Error('Unsupported state');
        this._chunks.push(toBuffer(data, inputEncoding, 'data'));
        return output(Buffer.alloc(0), outputEncoding);
    }
    final(outputEncoding) {
        if (this._done) throw new Error('Unsupported state');
        this._done = true;
        if (this._mode === 'gcm' && !this._encrypt && this._tag === undefined) throw new Error('Unsupported state or unable to authenticate data');
        const result = native.aes(this._mode, this._encrypt, this._key, this._iv, Buffer.concat(this._chunks), this._aad, this._tag || Buffer.alloc(0));
        if (result.tag !== undefined) this._tag = Buffer.from(result.tag);
        return output(Buffer.from(result.data), outputEncoding);
    }
    setAAD(data) { this._aad = toBuffer(data, 'utf8', 'buffer'); return this; }
    getAuthTag() {
        if (this._mode !== 'gcm' || !this._encrypt || !this._done) throw new Error('Invalid state for operation getAuthTag');
        return this._tag;
    }
    setAuthTag(tag) {
        if (this._mode !== 'gcm' || this._encrypt) throw new Error('Invalid state for operation setAuthTag');
        this._tag = toBuffer(tag, 'utf8', 'buffer');
        return this;
    }
    setAutoPadding() { return this; }
}

// RSA PKCS#1 v1.5 signatures (RSA-SHA256 and friends), what jsonwebtoken's RS256 needs.
const pemOf = (key) => {
    const pem = key !== null && typeof key === 'object' && !ArrayBuffer.isView(key) ? key.key : key;
    return typeof pem === 'string' ? pem : toBuffer(pem, 'utf8', 'key').toString('utf8');
};
const signAlgorithm = (name) => algorithm(String(name).toLowerCase().replace(/^rsa-/, '').replace(/withrsaencryption$/, ''));
class Sign {
    constructor(name) { this._algorithm = signAlgorithm(name); this._chunks = []; }
    update(data, encoding) { this._chunks.push(toBuffer(data, encoding, 'data')); return this; }
    sign(key, encoding) { return output(Buffer.from(native.rsaSign(this._algorithm, pemOf(key), Buffer.concat(this._chunks))), encoding); }
    verify(key, signature, encoding) {
        return native.rsaVerify(this._algorithm, pemOf(key), Buffer.concat(this._chunks), toBuffer(signature, encoding, 'signature'));
    }
}

const randomBytes = (size, callback) => {
    const bytes = Buffer.from(native.randomBytes(size));
    if (typeof callback !== 'function') return bytes;
    Promise.resolve().then(() => callback(null, bytes));
    return undefined;
};
const hex = (bytes, from, to) => bytes.subarray(from, to).toString('hex');
const randomUUID = () => {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    return `${hex(b, 0, 4)}-${hex(b, 4, 6)}-${hex(b, 6, 8)}-${hex(b, 8, 10)}-${hex(b, 10, 16)}`;
};
const timingSafeEqual = (a, b) => {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) throw new TypeError('The "buf1" and "buf2" arguments must be instances of Buffer, TypedArray, or DataView.');
    return native.timingSafeEqual(toBuffer(a), toBuffer(b));
};

module.exports = {
    createHash: (name) => new Hash(name),
    createHmac: (name, key) => new Hash(name, toBuffer(key, 'utf8', 'key')),
    createCipheriv: (name, key, iv) => new Cipher(name, key, iv, true),
    createDecipheriv: (name, key, iv) => new Cipher(name, key, iv, false),
    randomBytes,
    pseudoRandomBytes: randomBytes,
    randomUUID,
    timingSafeEqual,
    getHashes: () => hashNames.slice(),
    getCiphers: () => Object.keys(ciphers),
    createSign: (name) => new Sign(name),
    createVerify: (name) => new Sign(name),
};
