// Caps the built-ins that can allocate a huge string or buffer in one call: the memory limit is only checked between
// statements, so one `'x'.repeat(2 ** 29)` would otherwise allocate it all first. A cap throws a RangeError that names
// its sandbox limit, which the runtime reports as that limit (FailureClassifier).
(function (host, kit) {
    'use strict';

    const { apply, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, isArray, StringProto, ArrayProto, original, isObject, hasOwn, replaceMethod } = kit;
    const maxString = host.maxStringLength;
    const maxBinary = host.maxBinaryBytes;

    const tooLong = (what, length) =>
        new RangeError(`${what} would build a string of ${length} characters; rules are limited to ${maxString} (sandbox limit MaxStringLength)`);
    const tooBig = (what, bytes) =>
        new RangeError(`${what} would allocate ${bytes} bytes; rules are limited to ${maxBinary} (sandbox limit MemoryLimitBytes)`);
    const toCount = (value) => { const n = Math.trunc(Number(value)); return n > 0 ? n : 0; };

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
})
