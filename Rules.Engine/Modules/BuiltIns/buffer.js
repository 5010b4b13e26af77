'use strict';
// Node's Buffer for rules: a Uint8Array subclass (so every allocation goes through the sandbox's capped typed-array
// constructors and counts toward MemoryLimitBytes), with text encodings done in .NET (`native`).
const encodings = ['utf8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii', 'utf16le', 'ucs2'];
const normalize = (encoding) => {
    if (encoding === undefined || encoding === null) return 'utf8';
    const e = String(encoding).toLowerCase();
    if (e === 'utf-8') return 'utf8';
    if (e === 'ucs-2' || e === 'utf-16le') return 'utf16le';
    if (encodings.indexOf(e) === -1) throw new TypeError(`Unknown encoding: ${encoding}`);
    return e;
};

class FastBuffer extends Uint8Array {}

function Buffer(value, encodingOrOffset, length) {
    return Buffer.from(value, encodingOrOffset, length);
}
Buffer.prototype = FastBuffer.prototype;
Object.defineProperty(FastBuffer.prototype, 'constructor', { value: Buffer, writable: true, configurable: true, enumerable: false });
Object.setPrototypeOf(Buffer, Uint8Array);
// Assigned through defineProperty: Buffer inherits the frozen Uint8Array's `from`, which an assignment cannot shadow.
const statics = {};

const view = (arrayBuffer, offset, length) => new FastBuffer(arrayBuffer, offset, length);
const fromString = (text, encoding) => view(native.decode(String(text), normalize(encoding)));

statics.from = function from(value, encodingOrOffset, length) {
    if (typeof value === 'string') return fromString(value, encodingOrOffset);
    if (value instanceof ArrayBuffer) {
        const offset = encodingOrOffset === undefined ? 0 : +encodingOrOffset;
        return view(value, offset, length === undefined ? value.byteLength - offset : +length);
    }
    if (ArrayBuffer.isView(value)) {
        const copy = new FastBuffer(value.byteLength);
        copy.set(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        return copy;
    }
    if (value !== null && typeof value === 'object') {
        if (value.type === 'Buffer' && Array.isArray(value.data)) return new FastBuffer(value.data);
        if (Array.isArray(value) || typeof value.length === 'number') return new FastBuffer(Array.from(value, (v) => +v & 255));
        const primitive = typeof value[Symbol.toPrimitive] === 'function' ? value[Symbol.toPrimitive]('string') : value.valueOf();
        if (primitive !== value && (typeof primitive === 'string' || typeof primitive === 'object')) return Buffer.from(primitive, encodingOrOffset, length);
    }
    throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.');
};
statics.alloc = function alloc(size, fill, encoding) {
    const buffer = new FastBuffer(+size);
    if (fill !== undefined && fill !== 0) buffer.fill(fill, 0, buffer.length, encoding);
    return buffer;
};
statics.allocUnsafe = (size) => new FastBuffer(+size);
statics.allocUnsafeSlow = statics.allocUnsafe;
statics.isBuffer = (value) => value instanceof Buffer;
statics.isEncoding = (encoding) => { try { normalize(encoding); return typeof encoding === 'string'; } catch (e) { return false; } };
statics.byteLength = function byteLength(value, encoding) {
    if (typeof value !== 'string') {
        if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
        throw new TypeError('The "string" argument must be of type string or an instance of Buffer or ArrayBuffer.');
    }
    return native.decode(value, normalize(encoding)).byteLength;
};
statics.concat = function concat(list, totalLength) {
    if (!Array.isArray(list)) throw new TypeError('The "list" argument must be an instance of Array.');
    let length = 0;
    for (let i = 0; i < list.length; i++) {
        if (!(list[i] instanceof Uint8Array)) throw new TypeError(`The "list[${i}]" argument must be an instance of Buffer or Uint8Array.`);
        length += list[i].length;
    }
    const result = new FastBuffer(totalLength === undefined ? length : +totalLength);
    let at = 0;
    for (let i = 0; i < list.length && at < result.length; i++) {
        const piece = list[i].length > result.length - at ? list[i].subarray(0, result.length - at) : list[i];
        result.set(piece, at);
        at += piece.length;
    }
    return result;
};
const compareBytes = (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
};
const requireBytes = (value, name) => {
    if (!(value instanceof Uint8Array)) throw new TypeError(`The "${name}" argument must be an instance of Buffer or Uint8Array.`);
    return value;
};
statics.compare = (a, b) => compareBytes(requireBytes(a, 'buf1'), requireBytes(b, 'buf2'));
statics.poolSize = 8192;

for (const name of Object.keys(statics)) {
    Object.defineProperty(Buffer, name, { value: statics[name], writable: true, configurable: true, enumerable: true });
}

const clamp = (value, length, fallback) => {
    if (value === undefined) return fallback;
    let n = Math.trunc(+value) || 0;
    if (n < 0) n = Math.max(0, length + n);
    return Math.min(n, length);
};
const proto = FastBuffer.prototype;
const methods = {
    toString(encoding, start, end) {
        const from = start === undefined ? 0 : Math.max(0, Math.trunc(+start) || 0);
        const to = end === undefined ? this.length : Math.min(this.length, Math.trunc(+end) || 0);
        if (to <= from) return '';
        return native.encode(from === 0 && to === this.length ? this : this.subarray(from, to), normalize(encoding));
    },
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; },
    equals(other) { return compareBytes(this, requireBytes(other, 'otherBuffer')) === 0; },
    compare(target) { return compareBytes(this, requireBytes(target, 'target')); },
    slice(start, end) { return this.subarray(start, end); },
    subarray(start, end) {
        const from = clamp(start, this.length, 0);
        const to = Math.max(from, clamp(end, this.length, this.length));
        return view(this.buffer, this.byteOffset + from, to - from);
    },
    write(text, offset, length, encoding) {
        if (typeof offset === 'string') { encoding = offset; offset = 0; length = undefined; }
        else if (typeof length === 'string') { encoding = length; length = undefined; }
        const at = offset === undefined ? 0 : +offset;
        const bytes = fromString(text, encoding);
        const count = Math.min(bytes.length, this.length - at, length === undefined ? Infinity : +length);
        this.set(bytes.subarray(0, count), at);
        return count;
    },
    copy(target, targetStart, sourceStart, sourceEnd) {
        const to = targetStart === undefined ? 0 : +targetStart;
        const piece = this.subarray(sourceStart === undefined ? 0 : +sourceStart, sourceEnd === undefined ? this.length : +sourceEnd);
        const count = Math.min(piece.length, target.length - to);
        if (count > 0) target.set(piece.subarray(0, count), to);
        return Math.max(0, count);
    },
    fill(value, offset, end, encoding) {
        const from = offset === undefined ? 0 : +offset;
        const to = end === undefined ? this.length : +end;
        if (typeof value === 'number') return Uint8Array.prototype.fill.call(this, value & 255, from, to);
        const pattern = typeof value === 'string' ? fromString(value, encoding) : requireBytes(value, 'value');
        if (pattern.length === 0) return Uint8Array.prototype.fill.call(this, 0, from, to);
        for (let i = from; i < to; i++) this[i] = pattern[(i - from) % pattern.length];
        return this;
    },
    indexOf(value, byteOffset, encoding) {
        if (typeof value === 'number') return Uint8Array.prototype.indexOf.call(this, value & 255, byteOffset);
        const needle = typeof value === 'string' ? fromString(value, encoding) : requireBytes(value, 'value');
        const from = clamp(byteOffset, this.length, 0);
        outer: for (let i = from; i + needle.length <= this.length; i++) {
            for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
            return i;
        }
        return -1;
    },
    includes(value, byteOffset, encoding) { return this.indexOf(value, byteOffset, encoding) !== -1; },
    readUInt8(offset = 0) { return this[offset]; },
    readUInt16BE(offset = 0) { return (this[offset] << 8) | this[offset + 1]; },
    readUInt32BE(offset = 0) { return ((this[offset] * 0x1000000) + ((this[offset + 1] << 16) | (this[offset + 2] << 8) | this[offset + 3])); },
    writeUInt8(value, offset = 0) { this[offset] = value; return offset + 1; },
};
for (const name of Object.keys(methods)) {
    Object.defineProperty(proto, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
}
Object.defineProperty(proto, 'parent', { get() { return this.buffer; }, enumerable: true, configurable: true });

module.exports = {
    Buffer,
    SlowBuffer: Buffer,
    kMaxLength: 2 ** 31 - 1,
    constants: { MAX_LENGTH: 2 ** 31 - 1, MAX_STRING_LENGTH: 2 ** 29 - 24 },
    INSPECT_MAX_BYTES: 50,
};
