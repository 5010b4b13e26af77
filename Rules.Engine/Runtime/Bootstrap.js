// Runs once in every new rule runtime, before any rule is loaded. It installs the Auth0 rule globals,
// caps the built-ins that can allocate a huge string or buffer in one call (the memory limit is only
// checked between statements), and freezes every built-in so one login's rule cannot change what the
// next login's rules see. `host` carries the C# side: limits, the console sink, the metadata recorder.
(function (host) {
    'use strict';

    const apply = Reflect.apply;
    const defineProperty = Object.defineProperty;
    const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
    const getOwnPropertyNames = Object.getOwnPropertyNames;
    const getOwnPropertySymbols = Object.getOwnPropertySymbols;
    const getPrototypeOf = Object.getPrototypeOf;
    const freeze = Object.freeze;
    const isArray = Array.isArray;
    const maxString = host.maxStringLength;
    const maxBinary = host.maxBinaryBytes;

    // ---- string and buffer growth caps -------------------------------------------------------------
    const tooLong = (what, length) =>
        new RangeError(`${what} would build a string of ${length} characters; rules are limited to ${maxString} (sandbox limit MaxStringLength)`);
    const tooBig = (what, bytes) =>
        new RangeError(`${what} would allocate ${bytes} bytes; rules are limited to ${maxBinary} (sandbox limit MemoryLimitBytes)`);
    const toCount = (value) => { const n = Math.trunc(Number(value)); return n > 0 ? n : 0; };
    const replaceMethod = (target, name, method) =>
        defineProperty(target, name, { value: method, writable: true, enumerable: false, configurable: true });

    const StringProto = String.prototype;
    const ArrayProto = Array.prototype;
    const original = {
        repeat: StringProto.repeat, padStart: StringProto.padStart, padEnd: StringProto.padEnd,
        concat: StringProto.concat, replace: StringProto.replace, replaceAll: StringProto.replaceAll,
        indexOf: StringProto.indexOf, slice: StringProto.slice,
        join: ArrayProto.join, toLocaleString: ArrayProto.toLocaleString, pop: ArrayProto.pop,
    };

    replaceMethod(StringProto, 'repeat', { repeat(count) {
        if (this == null) return apply(original.repeat, this, arguments);
        const s = String(this), n = Number(count);
        if (s.length * n > maxString) throw tooLong('String.prototype.repeat', s.length * n);
        return apply(original.repeat, s, [n]);
    } }.repeat);

    for (const name of ['padStart', 'padEnd']) {
        const pad = original[name];
        replaceMethod(StringProto, name, { [name](maxLength, fillString) {
            if (this == null) return apply(pad, this, arguments);
            const n = Number(maxLength);
            if (n > maxString) throw tooLong(`String.prototype.${name}`, n);
            return apply(pad, String(this), [n, fillString === undefined ? undefined : String(fillString)]);
        } }[name]);
    }

    replaceMethod(StringProto, 'concat', { concat(...parts) {
        if (this == null) return apply(original.concat, this, arguments);
        const s = String(this);
        let total = s.length;
        for (let i = 0; i < parts.length; i++) {
            parts[i] = String(parts[i]);
            total += parts[i].length;
            if (total > maxString) throw tooLong('String.prototype.concat', total);
        }
        return apply(original.concat, s, parts);
    } }.concat);

    // ---- replace ----------------------------------------------------------------------------------
    // A string replacement can insert up to the whole input at every match (`$&`, `$'`, `` $` ``), and a
    // replacer function can return anything; both are checked before the native builds the result.
    // Every value the native would read twice (a pattern's Symbol.replace, its toString) is read once here
    // and passed on as what was read, so a getter cannot answer one thing to the check and another to the build.
    const RegExpProto = RegExp.prototype;
    const regexpReplace = RegExpProto[Symbol.replace];
    const regexpSource = getOwnPropertyDescriptor(RegExpProto, 'source').get;
    const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
    // True when `method` accepts v as its receiver: how a script tells a built-in's instances apart (it throws otherwise).
    const brand = (method) => (v) => { try { apply(method, v, []); return true; } catch (e) { return false; } };
    const toStr = (v) => `${v}`;   // ToString: throws on a symbol, as the natives do
    const arrayFrom = Array.from;
    const dollarsIn = (template) => {
        let count = 0;
        for (let at = apply(original.indexOf, template, ['$']); at !== -1; at = apply(original.indexOf, template, ['$', at + 1])) count++;
        return count;
    };
    // True when the result could be longer than the limit: each of at most s.length + 1 matches inserts the template,
    // and every `$` in it at most the whole input.
    const mayOutgrow = (s, template) => s.length + (s.length + 1) * (template.length + dollarsIn(template) * s.length) > maxString;
    const countingReplacer = (what, s, replacer) => {
        let total = s.length;
        return function () {
            const piece = toStr(apply(replacer, this, arguments));
            total += piece.length;
            if (total > maxString) throw tooLong(what, total);
            return piece;
        };
    };
    // https://tc39.es/ecma262/#sec-getsubstitution, so a template replace that may outgrow the limit can run
    // as a function replace whose every piece is counted.
    const isDigit = (c) => c !== undefined && c >= '0' && c <= '9';
    // Stops early, with a partial result, once the piece is longer than `room`: the caller refuses it then.
    const substitute = (template, matched, str, position, captures, groups, room) => {
        const parts = [];
        let length = 0, before, after;
        const add = (part) => {
            parts.push(part);
            length += part.length;
            if (parts.length >= 4096) { const joined = apply(original.join, parts, ['']); parts.length = 0; parts.push(joined); }
        };
        for (let i = 0; i < template.length && length <= room; i++) {
            const dollar = apply(original.indexOf, template, ['$', i]);
            if (dollar === -1 || dollar === template.length - 1) { add(apply(original.slice, template, [i])); break; }
            if (dollar > i) add(apply(original.slice, template, [i, dollar]));
            i = dollar;
            const next = template[i + 1];
            if (next === '$') { add('$'); i++; }
            else if (next === '&') { add(matched); i++; }
            else if (next === '`') { add(before ??= apply(original.slice, str, [0, position])); i++; }
            else if (next === "'") { add(after ??= apply(original.slice, str, [Math.min(position + matched.length, str.length)])); i++; }
            else if (isDigit(next)) {
                let digits = isDigit(template[i + 2]) ? 2 : 1;
                let index = Number(apply(original.slice, template, [i + 1, i + 1 + digits]));
                if (index > captures.length && digits === 2) { digits = 1; index = Number(next); }
                if (index >= 1 && index <= captures.length) {
                    const capture = captures[index - 1];
                    if (capture !== undefined) add(capture);
                } else {
                    add(apply(original.slice, template, [i, i + 1 + digits]));
                }
                i += digits;
            } else if (next === '<') {
                const close = apply(original.indexOf, template, ['>', i + 2]);
                if (close === -1 || groups === undefined) { add('$<'); i++; continue; }
                const capture = groups[apply(original.slice, template, [i + 2, close])];
                if (capture !== undefined) add(toStr(capture));
                i = close;
            } else {
                add('$');
            }
        }
        return apply(original.join, parts, ['']);
    };

    replaceMethod(RegExpProto, Symbol.replace, { [Symbol.replace](string, replaceValue) {
        const what = 'RegExp.prototype[Symbol.replace]';
        if (!isObject(this)) return apply(regexpReplace, this, arguments);
        const s = toStr(string);
        if (typeof replaceValue === 'function') return apply(regexpReplace, this, [s, countingReplacer(what, s, replaceValue)]);
        const template = toStr(replaceValue);
        if (!mayOutgrow(s, template)) return apply(regexpReplace, this, [s, template]);
        let total = s.length;
        return apply(regexpReplace, this, [s, (matched, ...rest) => {
            // (matched, ...captures, position, string, groups?), as RegExp.prototype[Symbol.replace] calls a replacer.
            const groups = isObject(rest[rest.length - 1]) ? apply(original.pop, rest, []) : undefined;
            const str = apply(original.pop, rest, []);
            const position = apply(original.pop, rest, []);
            const piece = substitute(template, matched, str, position, rest, groups, maxString - total);
            total += piece.length;
            if (total > maxString) throw tooLong(what, total);
            return piece;
        }]);
    } }[Symbol.replace]);

    const isRegExp = (v) => {
        if (!isObject(v)) return false;
        const matcher = v[Symbol.match];
        if (matcher !== undefined) return !!matcher;
        try { apply(regexpSource, v, []); return v !== RegExpProto; } catch (e) { return false; }
    };
    const countOccurrences = (s, needle) => {
        if (needle.length === 0) return s.length + 1;
        let count = 0;
        for (let at = apply(original.indexOf, s, [needle]); at !== -1; at = apply(original.indexOf, s, [needle, at + needle.length])) count++;
        return count;
    };
    for (const name of ['replace', 'replaceAll']) {
        const replace = original[name];
        const what = `String.prototype.${name}`;
        replaceMethod(StringProto, name, { [name](pattern, replacement) {
            if (this == null) return apply(replace, this, arguments);
            if (isObject(pattern)) {
                if (name === 'replaceAll' && isRegExp(pattern)) {
                    const flags = pattern.flags;
                    if (flags == null || apply(original.indexOf, toStr(flags), ['g']) === -1) {
                        throw new TypeError('String.prototype.replaceAll called with a non-global RegExp argument');
                    }
                }
                // A pattern with its own Symbol.replace (every RegExp) builds the result itself, through the guard above.
                const method = pattern[Symbol.replace];
                if (method !== undefined && method !== null) {
                    if (typeof method !== 'function') throw new TypeError('Symbol.replace of the pattern is not a function');
                    return apply(method, pattern, [this, replacement]);
                }
            }
            const s = toStr(this);
            const needle = toStr(pattern);
            if (typeof replacement === 'function') return apply(replace, s, [needle, countingReplacer(what, s, replacement)]);
            const r = toStr(replacement);
            if (mayOutgrow(s, r)) {
                const matches = name === 'replaceAll' ? countOccurrences(s, needle) : 1;
                const projected = s.length + matches * (r.length + dollarsIn(r) * s.length);
                if (projected > maxString) throw tooLong(what, projected);
            }
            return apply(replace, s, [needle, r]);
        } }[name]);
    }

    const guardedJoin = (what, list, toPiece, separator) => {
        const length = toCount(list.length);
        const sep = separator === undefined ? ',' : String(separator);
        const pieces = [];
        let total = length > 0 ? (length - 1) * sep.length : 0;
        if (total > maxString) throw tooLong(what, total);
        for (let i = 0; i < length; i++) {
            const piece = toPiece(list[i]);
            total += piece.length;
            if (total > maxString) throw tooLong(what, total);
            pieces.push(piece);
        }
        return apply(original.join, pieces, [sep]);
    };
    replaceMethod(ArrayProto, 'join', { join(separator) {
        if (this == null) return apply(original.join, this, arguments);
        return guardedJoin('Array.prototype.join', Object(this), (v) => (v == null ? '' : String(v)), separator);
    } }.join);
    replaceMethod(ArrayProto, 'toLocaleString', { toLocaleString() {
        if (this == null) return apply(original.toLocaleString, this, arguments);
        return guardedJoin('Array.prototype.toLocaleString', Object(this), (v) => (v == null ? '' : String(v.toLocaleString())), ',');
    } }.toLocaleString);

    // %TypedArray%.prototype.join and toLocaleString: up to maxBinary elements, each repeating the separator.
    const TypedArrayProto = getPrototypeOf(Int8Array.prototype);
    const typedArrayLength = getOwnPropertyDescriptor(TypedArrayProto, 'length').get;
    const isTypedArray = brand(typedArrayLength);
    for (const name of ['join', 'toLocaleString']) {
        const method = TypedArrayProto[name];
        const what = `%TypedArray%.prototype.${name}`;
        replaceMethod(TypedArrayProto, name, { [name](separator) {
            if (!isTypedArray(this)) return apply(method, this, arguments);   // the native's TypeError
            const length = apply(typedArrayLength, this, []);
            const sep = name === 'join' && separator !== undefined ? toStr(separator) : ',';
            let total = length > 0 ? (length - 1) * sep.length : 0;
            // An element prints as at most 26 characters (a number) or, localized, a few more; count exactly only when that bound does not fit.
            if (total + length * 40 > maxString) {
                for (let i = 0; i < length; i++) {
                    total += (name === 'join' ? toStr(this[i]) : toStr(this[i].toLocaleString())).length;
                    if (total > maxString) throw tooLong(what, total);
                }
            }
            return apply(method, this, name === 'join' ? [sep] : arguments);
        } }[name]);
    }

    // String.raw interleaves every literal with a substitution: built here, counting, from values read once.
    const toObject = (v) => {
        if (v == null) throw new TypeError('Cannot convert undefined or null to object');
        return Object(v);
    };
    replaceMethod(String, 'raw', { raw(template, ...substitutions) {
        const literals = toObject(toObject(template).raw);
        const count = toCount(literals.length);
        let total = 0;
        const pieces = [];
        for (let i = 0; i < count; i++) {
            const literal = toStr(literals[i]);
            total += literal.length;
            if (total > maxString) throw tooLong('String.raw', total);
            pieces.push(literal);
            if (i + 1 === count) break;
            if (i < substitutions.length) {
                const substitution = toStr(substitutions[i]);
                total += substitution.length;
                if (total > maxString) throw tooLong('String.raw', total);
                pieces.push(substitution);
            }
        }
        return apply(original.join, pieces, ['']);
    } }.raw);

    // Intl.ListFormat joins a whole list, with a separator or conjunction of a few characters between items.
    if (typeof Intl === 'object' && typeof Intl.ListFormat === 'function') {
        const ListFormatProto = Intl.ListFormat.prototype;
        for (const name of ['format', 'formatToParts']) {
            const method = ListFormatProto[name];
            if (typeof method !== 'function') continue;
            replaceMethod(ListFormatProto, name, { [name](list) {
                if (list === undefined) return apply(method, this, arguments);
                const items = apply(arrayFrom, Array, [list]);   // read once; the native gets exactly what was counted
                let total = 0;
                for (let i = 0; i < items.length; i++) {
                    total += (typeof items[i] === 'string' ? items[i].length : 0) + 16;
                    if (total > maxString) throw tooLong(`Intl.ListFormat.prototype.${name}`, total);
                }
                return apply(method, this, [items]);
            } }[name]);
        }
    }

    // JSON.stringify: a document can repeat one large string (or raw JSON text) once per reference to it. A
    // replacer sees every value the document will hold, after toJSON, so a counting replacer refuses an
    // oversized document before it is built. It hands each value on unchanged (after the rule's own replacer),
    // so the text is the native one; an array replacer is applied here, as the native would, with the same order.
    const nativeStringify = JSON.stringify;
    const isRawJSON = typeof JSON.isRawJSON === 'function' ? JSON.isRawJSON : () => false;
    const hasOwn = Object.prototype.hasOwnProperty;
    const hasStringData = brand(String.prototype.valueOf);
    const hasNumberData = brand(Number.prototype.valueOf);
    const hasBooleanData = brand(Boolean.prototype.valueOf);
    const hasBigIntData = typeof BigInt === 'function' ? brand(BigInt.prototype.valueOf) : () => false;
    // A String wrapper always has an own `length`; only then pay for the brand check, which throws otherwise.
    const isStringWrapper = (v) => !isArray(v) && apply(hasOwn, v, ['length']) && hasStringData(v);
    // Characters JSON.stringify escapes as \uXXXX (six long) or \n, \", \\ (two).
    const escaped = /["\\\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    const escapedAll = new RegExp(escaped.source, 'g');
    const quotedLength = (s) => {
        if (!apply(RegExpProto.test, escaped, [s])) return s.length + 2;
        const plain = apply(regexpReplace, escapedAll, [s, '']);
        return plain.length + (s.length - plain.length) * 6 + 2;
    };
    const propertyList = (replacer) => {
        const list = [];
        const listed = new Set();
        const length = toCount(replacer.length);
        for (let i = 0; i < length; i++) {
            const v = replacer[i];
            let item;
            if (typeof v === 'string') item = v;
            else if (typeof v === 'number') item = toStr(v);
            else if (isObject(v) && (hasStringData(v) || hasNumberData(v))) item = toStr(v);
            if (item !== undefined && !listed.has(item)) { listed.add(item); list.push(item); }
        }
        return list;
    };
    replaceMethod(JSON, 'stringify', { stringify(value, replacer, space) {
        const userReplacer = typeof replacer === 'function' ? replacer : null;
        const list = userReplacer === null && isArray(replacer) ? propertyList(replacer) : null;
        let sp = space;
        if (isObject(sp)) {
            if (hasNumberData(sp)) sp = +sp; else if (hasStringData(sp)) sp = toStr(sp);
        }
        let gap = '';
        if (typeof sp === 'number') {
            for (let n = Math.min(10, Math.trunc(sp) || 0); n >= 1; n--) gap += ' ';
        } else if (typeof sp === 'string') {
            gap = apply(original.slice, sp, [0, 10]);
        }
        const indent = (depth) => (gap.length > 0 ? 1 + gap.length * depth : 0);
        const holders = [];   // holders[d]: the object or array being written at depth d, as the native walks depth first
        let total = 0;
        const counting = function (key, v) {
            if (userReplacer !== null) v = apply(userReplacer, this, [key, v]);
            let depth = holders.length;
            while (depth > 0 && holders[depth - 1] !== this) depth--;   // the root's holder is the native's own wrapper
            holders.length = depth;
            const inArray = depth > 0 && isArray(this);
            // The native writes a String wrapper as ToString of it: done here, so the counted text is the written one.
            if (typeof v === 'object' && v !== null && isStringWrapper(v)) v = toStr(v);
            let size;
            if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
                if (depth > 0 && !inArray) return v;   // the member is left out
                size = 4;                              // null
            } else if (typeof v === 'string') {
                size = quotedLength(v);
            } else if (typeof v === 'number') {
                size = Number.isFinite(v) ? toStr(v).length : 4;
            } else if (typeof v !== 'object' || v === null) {
                size = 5;   // true, false, null; a BigInt makes the native throw
            } else if (isRawJSON(v)) {
                size = toStr(v.rawJSON).length;
            } else {
                // Brackets and the closing line; at least 24, what a Number or Boolean wrapper can print as.
                size = Math.max(24, 2 + indent(depth));
                if (list !== null && !isArray(v) && !hasNumberData(v) && !hasBooleanData(v) && !hasBigIntData(v)) {
                    // The native would write just the listed keys, in list order.
                    const picked = {};
                    for (let i = 0; i < list.length; i++) {
                        const item = v[list[i]];
                        if (item !== undefined) defineProperty(picked, list[i], { value: item, writable: true, enumerable: true, configurable: true });
                    }
                    v = picked;
                }
                holders.push(v);
            }
            if (depth > 0) size += 1 + indent(depth) + (inArray ? 0 : quotedLength(key) + (gap.length > 0 ? 2 : 1));
            total += size;
            if (total > maxString) throw tooLong('JSON.stringify', total);
            return v;
        };
        return apply(nativeStringify, JSON, [value, counting, gap]);
    } }.stringify);

    // Binary buffers are allocated whole by their constructors, before any limit can look at them. The size is
    // worked out here from values read once, and the constructor gets those values: a length getter or a
    // valueOf could otherwise answer small to the check and huge to the allocation.
    const byteLengthGetter = (C) => (typeof C === 'function' ? getOwnPropertyDescriptor(C.prototype, 'byteLength').get : null);
    const isArrayBuffer = brand(byteLengthGetter(ArrayBuffer));
    const isSharedArrayBuffer = typeof SharedArrayBuffer === 'function' ? brand(byteLengthGetter(SharedArrayBuffer)) : () => false;
    // Returns [bytes, args]: what the constructor would allocate, and the arguments that make it allocate exactly that.
    const sizeBuffer = (args) => {
        const length = +args[0];   // ToNumber, as ToIndex does; once
        const options = args[1];
        if (!isObject(options)) return [length, [length]];
        const max = options.maxByteLength;
        if (max === undefined) return [length, [length]];
        const maxByteLength = +max;
        return [Math.max(length, maxByteLength), [length, { maxByteLength }]];
    };
    const sizeTypedArray = (args, bytesPerElement) => {
        const first = args[0];
        if (!isObject(first)) return [+first * bytesPerElement, args];   // a length; a primitive converts the same way twice
        if (isArrayBuffer(first) || isSharedArrayBuffer(first)) return [0, args];   // a view allocates nothing
        if (isTypedArray(first)) return [apply(typedArrayLength, first, []) * bytesPerElement, args];
        const items = apply(arrayFrom, Array, [first]);   // an iterable or array-like, read once
        return [items.length * bytesPerElement, [items]];
    };
    const capConstructor = (name, bytesPerElement) => {
        const Target = globalThis[name];
        if (typeof Target !== 'function') return;
        const isBuffer = name === 'ArrayBuffer' || name === 'SharedArrayBuffer';
        const Capped = new Proxy(Target, {
            construct(target, args, newTarget) {
                const [bytes, checked] = isBuffer ? sizeBuffer(args) : sizeTypedArray(args, bytesPerElement);
                if (bytes > maxBinary) throw tooBig(name, bytes);
                return Reflect.construct(target, checked, newTarget === Capped ? target : newTarget);
            },
            apply(target, thisArg, args) { return apply(target, thisArg, args); },
        });
        defineProperty(Target.prototype, 'constructor', { value: Capped, writable: true, enumerable: false, configurable: true });
        if (typeof Target.from === 'function') {
            const from = Target.from;
            replaceMethod(Target, 'from', { from(source, mapFn, thisArg) {
                const C = this === Capped ? Target : this;
                if (source == null || (mapFn !== undefined && typeof mapFn !== 'function')) return apply(from, C, arguments);   // the native's TypeError
                const items = isTypedArray(source) ? source : apply(arrayFrom, Array, [source]);
                const length = isTypedArray(source) ? apply(typedArrayLength, source, []) : items.length;
                if (length * bytesPerElement > maxBinary) throw tooBig(`${name}.from`, length * bytesPerElement);
                return apply(from, C, [items, mapFn, thisArg]);
            } }.from);
        }
        defineProperty(globalThis, name, { value: Capped, writable: true, enumerable: false, configurable: true });
    };
    capConstructor('ArrayBuffer', 1);
    capConstructor('SharedArrayBuffer', 1);
    for (const [name, size] of [['Int8Array', 1], ['Uint8Array', 1], ['Uint8ClampedArray', 1], ['Int16Array', 2], ['Uint16Array', 2],
        ['Int32Array', 4], ['Uint32Array', 4], ['Float16Array', 2], ['Float32Array', 4], ['Float64Array', 8], ['BigInt64Array', 8], ['BigUint64Array', 8]]) {
        capConstructor(name, size);
    }
    const capLength = (proto, name, owner) => {
        const method = proto && proto[name];
        if (typeof method !== 'function') return;
        replaceMethod(proto, name, { [name](newLength) {
            if (Number(newLength) > maxBinary) throw tooBig(`${owner}.prototype.${name}`, Number(newLength));
            return apply(method, this, arguments);
        } }[name]);
    };
    for (const name of ['resize', 'transfer', 'transferToFixedLength']) capLength(getPrototypeOf(new ArrayBuffer(0)), name, 'ArrayBuffer');
    if (typeof SharedArrayBuffer === 'function') capLength(getPrototypeOf(new SharedArrayBuffer(0)), 'grow', 'SharedArrayBuffer');

    // ---- the Auth0 rule globals ---------------------------------------------------------------------
    class UnauthorizedError extends Error {
        constructor(message) {
            super(message);
            defineProperty(this, 'name', { value: 'UnauthorizedError', writable: true, enumerable: false, configurable: true });
        }
    }

    const describe = (value) => {
        if (typeof value === 'string') return value;
        if (value instanceof Error) return `${value.name}: ${value.message}`;
        try {
            // The guarded JSON.stringify (the global is frozen by the time a rule logs), so one console.log of
            // a huge document is refused like any other.
            const text = JSON.stringify(value);
            return text === undefined ? String(value) : text;
        } catch (e) {
            try { return String(value); } catch (e2) { return '[unprintable value]'; }
        }
    };
    const log = function log(...values) {
        if (!host.logAccepting()) return;
        const parts = [];
        for (const value of values) parts.push(describe(value));
        host.log(apply(original.join, parts, [' ']));
    };
    const console = { log, info: log, warn: log, error: log, debug: log, trace: log };

    const metadataUpdater = (kind) => function (userId, metadata) {
        if ((typeof userId !== 'string' && typeof userId !== 'number') || String(userId).length === 0) {
            return Promise.reject(new TypeError(`auth0.users.update${kind}(userId, metadata): userId must be a non-empty string`));
        }
        if (metadata === null || typeof metadata !== 'object' || isArray(metadata)) {
            return Promise.reject(new TypeError(`auth0.users.update${kind}(userId, metadata): metadata must be an object`));
        }
        host.updateMetadata(kind, String(userId), metadata);
        return Promise.resolve();
    };
    // domain, baseUrl and accessToken are the host's for this login (undefined in eval, test and replay); the token is
    // made on first read. Getters on the frozen object: rules read them, and cannot replace them.
    const auth0Global = host.auth0Global;
    const auth0 = {
        get domain() { return auth0Global('domain'); },
        get baseUrl() { return auth0Global('baseUrl'); },
        get accessToken() { return auth0Global('accessToken'); },
        users: {
            updateAppMetadata: metadataUpdater('AppMetadata'),
            updateUserMetadata: metadataUpdater('UserMetadata'),
        },
    };

    const unavailable = (name, why) => ({ [name]() { throw new Error(`${name} is not available in rules: ${why}`); } })[name];
    // ---- outbound HTTP: the facades (Rules.Engine/Http/Facades) over the host's egress core, by module name ----------
    // require('request'), require('axios@0.27.2'), ... from a rule or from a package (slack-notify -> request) get these;
    // the compiler resolved the names (HttpModuleSource), the runtime hands out this runtime's facade.
    const httpFactories = host.httpFactories;
    const httpKit = httpFactories.kit(host.httpSend);
    const httpModules = {};
    for (const name of httpFactories.names) httpModules[name] = httpFactories[name](httpKit, httpModules);
    const httpModuleFor = (specifier) => {
        if (typeof specifier !== 'string') return undefined;
        const at = apply(StringProto.lastIndexOf, specifier, ['@']);
        const name = at > 0 ? apply(original.slice, specifier, [0, at]) : specifier;
        return apply(hasOwn, httpModules, [name]) ? httpModules[name] : undefined;
    };
    // ---- require: CommonJS modules resolved when the rule set compiled ------------------------------
    // One cache per warm runtime: a module's top level runs once, inside the rule call that first requires it (so
    // under that call's limits), and its exports are frozen like the built-ins. A module that throws is not cached.
    const moduleCache = [];
    const resolveModule = host.resolveModule;
    const loadModule = (id) => {
        const cached = moduleCache[id];
        if (cached !== undefined) return cached.exports;
        const name = host.moduleName(id);
        const slash = apply(StringProto.lastIndexOf, name, ['/']);
        const module = { exports: {}, id: name, filename: name, loaded: false };
        moduleCache[id] = module;
        try {
            const factory = host.moduleFactory(id);
            // A module's `global` is Node's, the global object (lodash and others find it so); the rules' `global` is Auth0's cache.
            apply(factory, module.exports, [module.exports, requireFrom(id), module, name, apply(original.slice, name, [0, slash]), host.moduleNative(id), globalThis]);
        } catch (e) {
            moduleCache[id] = undefined;
            throw e;
        }
        module.loaded = true;
        deepFreeze(module.exports);
        return module.exports;
    };
    const requireFrom = (from) => function require(specifier) {
        const facade = httpModuleFor(specifier);
        if (facade !== undefined) return facade;
        const id = resolveModule(from, specifier);
        if (id < 0) {
            throw new Error(`require(${typeof specifier === 'string' ? `'${specifier}'` : 'a computed name'}) was not resolved when the rule set compiled: name the module in a string literal`);
        }
        return loadModule(id);
    };
    const require = requireFrom(-1);
    // Node's globals that are modules here: loaded on first read, so a rule that never reads them pays nothing.
    const bufferModule = host.bufferModule;
    const lazyGlobals = {
        Buffer: () => loadModule(bufferModule).Buffer,
        URL: () => require('url').URL,
        URLSearchParams: () => require('url').URLSearchParams,
        // Auth0's older runtime gave rules these as globals; they are the modules require('request'),
        // require('jsonwebtoken') and require('uuid') give (the linter suggests the require form).
        request: () => httpModules.request,
        jwt: () => require('jsonwebtoken'),
        uuid: () => require('uuid'),
    };

    // ---- Actions-style post-login: exports.onExecutePostLogin = async (event, api) => { ... } ---------
    // One `api` per runtime, frozen with the built-ins: its methods act on the action call in progress, whose user
    // and context the host puts in `actionCall` before the call and clears after it. So an action costs one
    // event object per call, and an `api` kept past its call (in `global`, say) can change nothing.
    const actionCall = host.actionCall;
    const promiseResolve = Promise.resolve;
    const promiseThen = Promise.prototype.then;
    const split = StringProto.split;
    const inProgress = (name) => {
        const context = actionCall.context;
        if (!isObject(context)) throw new Error(`${name} can only be called while an action's onExecutePostLogin runs`);
        return context;
    };
    // Indexed loops, not for-of: an iterator per call is measurable on a path every action call takes.
    const words = (value) => {
        const list = [];
        const items = typeof value === 'string' ? apply(split, value, [' ']) : isArray(value) ? value : null;
        if (items === null) return list;
        for (let i = 0; i < items.length; i++) {
            const word = items[i];
            if (typeof word === 'string' && word.length > 0) list.push(word);
        }
        return list;
    };
    const tokenOf = (context, token) => {
        if (!isObject(context[token])) context[token] = {};
        return context[token];
    };
    // Claims land on context.idToken / context.accessToken, where rules put theirs: one outcome, one reserved-claim check.
    const claimSetter = (token) => ({ setCustomClaim(name, value) {
        const context = inProgress(`api.${token}.setCustomClaim`);
        if (typeof name !== 'string' || name.length === 0) throw new TypeError(`api.${token}.setCustomClaim(name, value): name must be a non-empty string`);
        tokenOf(context, token)[name] = value;
    } }).setCustomClaim;
    const scopeArgument = (what, scope) => {
        if (typeof scope !== 'string' || scope.length === 0 || apply(original.indexOf, scope, [' ']) !== -1) {
            throw new TypeError(`${what}(scope): scope must be one non-empty scope name`);
        }
        return scope;
    };
    const metadataSetter = (kind) => ({ [`set${kind}`](key, value) {
        const what = `api.user.set${kind}`;
        inProgress(what);
        if (typeof key !== 'string' || key.length === 0) throw new TypeError(`${what}(key, value): key must be a non-empty string`);
        const userId = isObject(actionCall.user) ? actionCall.user.user_id : undefined;
        if ((typeof userId !== 'string' && typeof userId !== 'number') || String(userId).length === 0) throw new TypeError(`${what}: event.user has no user_id`);
        // null removes the key, as Auth0 does; batched into one metadata update per action.
        host.actionMetadata(kind, String(userId), key, value === undefined ? null : value);
    } })[`set${kind}`];
    // Anything Auth0 offers that this host cannot honour fails loudly. The host records the call as well, so an action
    // that catches the error is still denied: a login must never go through as if an MFA challenge or redirect happened.
    const notSupported = (name, why) => ({ [name]() {
        const error = new Error(`${name} is not supported by this host: ${why}`);
        host.actionUnsupported(error);
        throw error;
    } })[name];
    const group = (prefix, names, why) => {
        const methods = {};
        for (const name of names) methods[name] = notSupported(`api.${prefix}.${name}`, why);
        return methods;
    };
    const redirectResult = (what, result) => {
        if (typeof result.problem === 'string') throw new Error(`${what}: ${result.problem}`);
        return result.value;
    };
    const actionApi = {
        access: {
            deny(reason) {
                inProgress('api.access.deny');
                host.actionDeny(reason === undefined || reason === null ? '' : String(reason));
            },
        },
        idToken: { setCustomClaim: claimSetter('idToken') },
        accessToken: {
            setCustomClaim: claimSetter('accessToken'),
            addScope(scope) {
                const token = tokenOf(inProgress('api.accessToken.addScope'), 'accessToken');
                const name = scopeArgument('api.accessToken.addScope', scope);
                const list = words(token.scope);
                if (!list.includes(name)) list.push(name);
                token.scope = list;
            },
            removeScope(scope) {
                const token = tokenOf(inProgress('api.accessToken.removeScope'), 'accessToken');
                const name = scopeArgument('api.accessToken.removeScope', scope);
                token.scope = words(token.scope).filter((s) => s !== name);
            },
        },
        user: {
            setAppMetadata: metadataSetter('AppMetadata'),
            setUserMetadata: metadataSetter('UserMetadata'),
        },
        multifactor: {
            // Written where a rule puts it, so one reader (RuleRuntime.Multifactor.cs) checks the provider for both.
            enable(provider, options) {
                const context = inProgress('api.multifactor.enable');
                if (typeof provider !== 'string' || provider.length === 0) {
                    throw new TypeError("api.multifactor.enable(provider, options): provider must be a non-empty string such as 'any'");
                }
                context.multifactor = { provider, allowRememberBrowser: isObject(options) && options.allowRememberBrowser === true };
            },
        },
        authentication: group('authentication', ['challengeWith', 'challengeWithAny', 'enrollWith', 'enrollWithAny', 'recordMethod', 'setPrimaryUser'],
            'it has no authentication factors to challenge, enrol or record, and does not link accounts'),
        redirect: {
            // The pipeline reads context.redirect after the action finishes, as it does for a rule that sets it.
            sendUserTo(url, options) {
                const context = inProgress('api.redirect.sendUserTo');
                if (typeof url !== 'string' || url.length === 0) throw new TypeError('api.redirect.sendUserTo(url, options): url must be a non-empty string');
                const query = isObject(options) && isObject(options.query) ? options.query : undefined;
                context.redirect = { url: query === undefined ? url : host.redirectWithQuery(url, query) };
            },
            encodeToken(options) {
                const context = inProgress('api.redirect.encodeToken');
                const what = 'api.redirect.encodeToken({ secret, payload, expiresInSeconds })';
                if (!isObject(options) || typeof options.secret !== 'string') throw new TypeError(`${what}: secret must be a string`);
                const seconds = options.expiresInSeconds === undefined ? 900 : options.expiresInSeconds;
                if (typeof seconds !== 'number' || !(seconds >= 1) || seconds > 86400) throw new TypeError(`${what}: expiresInSeconds must be between 1 and 86400`);
                const request = isObject(context.request) ? context.request : {};
                const user = actionCall.user;
                const defaults = { iss: request.hostname, sub: isObject(user) ? user.user_id : undefined, ip: request.ip };
                return redirectResult('api.redirect.encodeToken', host.encodeRedirectToken(options.secret, isObject(options.payload) ? options.payload : {}, seconds - (seconds % 1), defaults));
            },
            validateToken(options) {
                const context = inProgress('api.redirect.validateToken');
                if (!isObject(options) || typeof options.secret !== 'string') throw new TypeError('api.redirect.validateToken({ secret, tokenParameterName }): secret must be a string');
                const name = options.tokenParameterName === undefined ? 'session_token' : String(options.tokenParameterName);
                const request = isObject(context.request) ? context.request : {};
                const query = isObject(request.query) ? request.query : {};
                const body = isObject(request.body) ? request.body : {};
                const token = typeof body[name] === 'string' ? body[name] : query[name];
                if (typeof token !== 'string' || token.length === 0) throw new Error(`api.redirect.validateToken: the continue request has no '${name}' parameter`);
                const state = typeof body.state === 'string' ? body.state : query.state;
                return redirectResult('api.redirect.validateToken', host.validateRedirectToken(options.secret, token, state));
            },
        },
        prompt: group('prompt', ['render'], 'it has no hosted forms'),
        session: group('session', ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setMetadata', 'deleteMetadata', 'evaluateMetadata'], 'it does not manage sessions from a login policy'),
        refreshToken: group('refreshToken', ['revoke', 'setExpiresAt', 'setIdleExpiresAt', 'setMetadata', 'deleteMetadata'], 'it does not issue refresh tokens'),
        cache: group('cache', ['get', 'set', 'delete'], 'a policy keeps no state between logins here (`global` is a per-runtime cache, as for rules)'),
        samlResponse: group('samlResponse', ['setAttribute', 'setAudience', 'setRecipient', 'setIssuer', 'setDestination', 'setRelayState',
            'setLifetimeInSeconds', 'setNameIdentifierFormat', 'setNameIdentifierProbes', 'setSignResponse', 'setSigningCert', 'setKey', 'setCert',
            'setEncryptionCert', 'setEncryptionPublicKey', 'setSignatureAlgorithm', 'setDigestAlgorithm'], 'it issues no SAML responses'),
        transaction: group('transaction', ['setResultUrl'], 'it cannot change where a login returns to'),
        validation: group('validation', ['error'], 'it has no hosted error prompt; use api.access.deny'),
    };

    // Auth0's post-login event, read from the transaction the rules see (and from what earlier rules left on it).
    const eventFor = (user, context) => {
        const request = isObject(context.request) ? context.request : {};
        const query = isObject(request.query) ? request.query : {};
        const stats = isObject(context.stats) ? context.stats : {};
        const authentication = isObject(context.authentication) ? context.authentication : {};
        return {
            user,
            client: { client_id: context.clientID, name: context.clientName, metadata: isObject(context.clientMetadata) ? context.clientMetadata : {} },
            connection: { id: context.connectionID, name: context.connection, strategy: context.connectionStrategy },
            request: { ip: request.ip, hostname: request.hostname, user_agent: request.userAgent, geoip: isObject(request.geoip) ? request.geoip : {}, query,
                body: isObject(request.body) ? request.body : {} },
            stats: { logins_count: stats.loginsCount },
            secrets: host.configuration,
            tenant: { id: context.tenant },
            authentication: { methods: isArray(authentication.methods) ? authentication.methods : [] },
            transaction: {
                protocol: context.protocol,
                requested_scopes: words(query.scope),
                response_type: words(query.response_type),
                redirect_uri: query.redirect_uri,
                state: query.state,
            },
            session: { id: context.sessionID },
        };
    };

    // Runs the module once per runtime (Auth0 also keeps a module warm between logins) and returns its handler.
    const loadAction = function loadAction(factory) {
        const exports = {};
        const module = { exports };
        apply(factory, exports, [exports, module]);
        const handler = isObject(module.exports) ? module.exports.onExecutePostLogin : undefined;
        if (typeof handler !== 'function') throw new TypeError('exports.onExecutePostLogin is not a function');
        const resume = module.exports.onContinuePostLogin;
        return { execute: handler, resume: typeof resume === 'function' ? resume : undefined };
    };
    // The host reads how the handler's promise settled once the job queue is empty.
    const fulfilled = () => { host.actionSettled(true); };
    const rejected = (reason) => { host.actionSettled(false, reason); };
    const runAction = function runAction(handlers, user, context, continuing) {
        const handler = continuing ? handlers.resume : handlers.execute;
        if (typeof handler !== 'function') throw new TypeError('exports.onContinuePostLogin is not a function: an action that redirects must export it to continue the login');
        const result = apply(handler, undefined, [eventFor(user, context), actionApi]);
        apply(promiseThen, apply(promiseResolve, Promise, [result]), [fulfilled, rejected]);
    };

    // Math.random reads the runtime's generator: seeded per login on replay, unpredictable otherwise.
    const hostRandom = host.random;
    replaceMethod(Math, 'random', { random() { return hostRandom(); } }.random);

    const installed = {
        UnauthorizedError,
        configuration: host.configuration,
        global: {},
        console,
        auth0,
        require,
        fetch: httpModules['node-fetch'],
        setTimeout: unavailable('setTimeout', 'timers could outlive the login; finish the work before calling callback'),
        setInterval: unavailable('setInterval', 'timers could outlive the login'),
        setImmediate: unavailable('setImmediate', 'timers could outlive the login'),
        clearTimeout: unavailable('clearTimeout', 'there are no timers'),
        clearInterval: unavailable('clearInterval', 'there are no timers'),
    };
    for (const name of getOwnPropertyNames(installed)) {
        defineProperty(globalThis, name, { value: installed[name], writable: true, enumerable: false, configurable: true });
    }
    for (const name of getOwnPropertyNames(lazyGlobals)) {
        defineProperty(globalThis, name, { get: { [name]() { return lazyGlobals[name](); } }[name], enumerable: false, configurable: true });
    }

    // ---- freeze ---------------------------------------------------------------------------------
    // Freezing a prototype makes `obj.name = x` fail on every object that inherits `name` from it (the
    // "override mistake"), which breaks ordinary code such as custom Error classes. As SES does, turn
    // the commonly overridden properties into accessors whose setter defines an own property instead.
    const overridable = ['constructor', 'name', 'message', 'toString', 'toLocaleString', 'valueOf', 'toJSON', 'stack'];
    const enableOverride = (proto) => {
        for (const key of overridable) {
            const desc = getOwnPropertyDescriptor(proto, key);
            if (!desc || !('value' in desc) || !desc.configurable) continue;
            const value = desc.value;
            defineProperty(proto, key, {
                get() { return value; },
                set(newValue) {
                    if (this === proto) throw new TypeError(`Cannot assign to read only property '${key}' of a built-in prototype`);
                    defineProperty(this, key, { value: newValue, writable: true, enumerable: true, configurable: true });
                },
                enumerable: desc.enumerable,
                configurable: false,
            });
        }
    };

    // The global object stays extensible (sloppy rules assign undeclared variables; the host's snapshot
    // restore removes them after each login) and `global` stays writable: it is the rules' own cache.
    const seen = new WeakSet([globalThis, installed.global]);
    const deepFreeze = (root) => {
        const pending = [root];
        while (pending.length > 0) {
            const value = pending.pop();
            if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
            seen.add(value);
            freeze(value);
            for (const key of [...getOwnPropertyNames(value), ...getOwnPropertySymbols(value)]) {
                const desc = getOwnPropertyDescriptor(value, key);
                if ('value' in desc) pending.push(desc.value); else { pending.push(desc.get); pending.push(desc.set); }
            }
            pending.push(getPrototypeOf(value));
        }
    };

    // Intrinsics no global property leads to: the iterator prototypes, the async and generator function
    // constructors and their prototypes, iterator helpers, segment iterators. A rule reaches each through an
    // instance (Object.getPrototypeOf([][Symbol.iterator]()).next = ...), so they are frozen like the rest;
    // SES calls these the anonymous intrinsics. A feature this Jint build lacks is skipped.
    const anonymousIntrinsics = [];
    for (const make of [
        () => [][Symbol.iterator](), () => new Map()[Symbol.iterator](), () => new Set()[Symbol.iterator](),
        () => ''[Symbol.iterator](), () => /a/g[Symbol.matchAll]('a'),
        () => async function () {}, () => async () => {}, () => function* () {}, () => (function* () {})(),
        () => async function* () {}, () => (async function* () {})(),
        () => [].values().map((x) => x), () => Iterator.from({ next() { return { done: true }; } }),
        () => new Intl.Segmenter().segment(''), () => new Intl.Segmenter().segment('')[Symbol.iterator](),
    ]) {
        try { anonymousIntrinsics.push(make()); } catch (e) { /* not in this build */ }
    }
    // Their constructors (AsyncFunction, AsyncGeneratorFunction) hang off the prototypes as `constructor`, which
    // enableOverride below turns into an accessor that deepFreeze does not look through: collect them first.
    for (const instance of [...anonymousIntrinsics]) {
        for (let proto = getPrototypeOf(instance); proto !== null; proto = getPrototypeOf(proto)) {
            const desc = getOwnPropertyDescriptor(proto, 'constructor');
            if (desc && 'value' in desc) anonymousIntrinsics.push(desc.value);
        }
    }

    enableOverride(Object.prototype);
    for (const name of getOwnPropertyNames(globalThis)) {
        const desc = getOwnPropertyDescriptor(globalThis, name);
        const value = desc.value;
        if (typeof value === 'function' && value.prototype !== null && typeof value.prototype === 'object') enableOverride(value.prototype);
    }
    for (const instance of anonymousIntrinsics) {
        for (let proto = getPrototypeOf(instance); proto !== null; proto = getPrototypeOf(proto)) enableOverride(proto);
    }
    for (const name of getOwnPropertyNames(globalThis)) {
        if (name === 'global') continue;
        const desc = getOwnPropertyDescriptor(globalThis, name);
        if ('value' in desc) deepFreeze(desc.value); else { deepFreeze(desc.get); deepFreeze(desc.set); }
    }
    deepFreeze(getPrototypeOf(globalThis));
    for (const instance of anonymousIntrinsics) deepFreeze(instance);
    deepFreeze(getPrototypeOf(installed.global));
    deepFreeze(actionApi);
    deepFreeze(httpModules);
    for (const name of getOwnPropertyNames(globalThis)) {
        const desc = getOwnPropertyDescriptor(globalThis, name);
        if (desc.configurable || desc.writable) {
            defineProperty(globalThis, name, 'value' in desc ? { writable: false, configurable: false } : { configurable: false });
        }
    }

    return { unauthorizedErrorPrototype: UnauthorizedError.prototype, loadAction, runAction };
})
