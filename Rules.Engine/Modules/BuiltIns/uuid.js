'use strict';
// The uuid package's v4 and v1 (v1 with a random node id, as uuid does without a MAC address), validate and version.
// The export is also callable as v4, as uuid before v7 was.
const { randomBytes } = require('crypto');
const hex = (bytes, from, to) => bytes.subarray(from, to).toString('hex');
const format = (b) => `${hex(b, 0, 4)}-${hex(b, 4, 6)}-${hex(b, 6, 8)}-${hex(b, 8, 10)}-${hex(b, 10, 16)}`;
const write = (bytes, buf, offset) => {
    if (!buf) return format(bytes);
    const at = offset || 0;
    for (let i = 0; i < 16; i++) buf[at + i] = bytes[i];
    return buf;
};
const v4 = (options, buf, offset) => {
    const bytes = options && options.random ? randomBytes(0).constructor.from(options.random) : randomBytes(16);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return write(bytes, buf, offset);
};
let lastMsecs = 0, lastNsecs = 0, clockseq, node;
const v1 = (options, buf, offset) => {
    options = options || {};
    if (node === undefined) {
        const seed = randomBytes(8);
        node = [seed[0] | 0x01, seed[1], seed[2], seed[3], seed[4], seed[5]];
        clockseq = ((seed[6] << 8) | seed[7]) & 0x3fff;
    }
    const nodeId = options.node || node;
    let seq = options.clockseq !== undefined ? options.clockseq : clockseq;
    let msecs = options.msecs !== undefined ? +options.msecs : Date.now();
    let nsecs = options.nsecs !== undefined ? options.nsecs : lastNsecs + 1;
    const dt = msecs - lastMsecs + (nsecs - lastNsecs) / 10000;
    if (dt < 0 && options.clockseq === undefined) seq = (seq + 1) & 0x3fff;
    if ((dt < 0 || msecs > lastMsecs) && options.nsecs === undefined) nsecs = 0;
    lastMsecs = msecs; lastNsecs = nsecs; clockseq = seq;
    msecs += 12219292800000;
    const b = randomBytes(0).constructor.alloc(16);
    const tl = ((msecs & 0xfffffff) * 10000 + nsecs) % 0x100000000;
    b[0] = (tl >>> 24) & 0xff; b[1] = (tl >>> 16) & 0xff; b[2] = (tl >>> 8) & 0xff; b[3] = tl & 0xff;
    const tmh = ((msecs / 0x100000000) * 10000) & 0xfffffff;
    b[4] = (tmh >>> 8) & 0xff; b[5] = tmh & 0xff;
    b[6] = ((tmh >>> 24) & 0xf) | 0x10; b[7] = (tmh >>> 16) & 0xff;
    b[8] = (seq >>> 8) | 0x80; b[9] = seq & 0xff;
    for (let i = 0; i < 6; i++) b[10 + i] = nodeId[i];
    return write(b, buf, offset);
};
const pattern = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;
const validate = (value) => typeof value === 'string' && pattern.test(value);
const version = (value) => {
    if (!validate(value)) throw new TypeError('Invalid UUID');
    return parseInt(value.slice(14, 15), 16);
};
const uuid = function uuid(options, buf, offset) { return v4(options, buf, offset); };
uuid.v1 = v1;
uuid.v4 = v4;
uuid.validate = validate;
uuid.version = version;
uuid.NIL = '00000000-0000-0000-0000-000000000000';
module.exports = uuid;
