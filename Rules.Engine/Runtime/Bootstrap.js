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
    const stringify = JSON.stringify;
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
        match: StringProto.match, indexOf: StringProto.indexOf,
        join: ArrayProto.join, toLocaleString: ArrayProto.toLocaleString,
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

    const countMatches = (s, pattern, all) => {
        if (pattern instanceof RegExp) {
            if (!pattern.global) return 1;
            const found = apply(original.match, s, [pattern]);
            return found === null ? 0 : found.length;
        }
        const needle = String(pattern);
        if (!all) return 1;
        if (needle.length === 0) return s.length + 1;
        let count = 0;
        for (let at = apply(original.indexOf, s, [needle]); at !== -1; at = apply(original.indexOf, s, [needle, at + needle.length])) count++;
        return count;
    };

    for (const name of ['replace', 'replaceAll']) {
        const replace = original[name];
        replaceMethod(StringProto, name, { [name](pattern, replacement) {
            // A pattern object with its own Symbol.replace builds the result itself, through these same guards.
            if (this == null || (pattern !== null && typeof pattern === 'object' && !(pattern instanceof RegExp))) {
                return apply(replace, this, arguments);
            }
            const s = String(this);
            if (typeof replacement === 'function') {
                let total = s.length;
                const counted = function () {
                    const piece = String(apply(replacement, this, arguments));
                    total += piece.length;
                    if (total > maxString) throw tooLong(`String.prototype.${name}`, total);
                    return piece;
                };
                return apply(replace, s, [pattern, counted]);
            }
            const r = String(replacement);
            // `$&`, `$'` and `` $` `` can each insert up to the whole input.
            const dollars = r.split('$').length - 1;
            const perMatch = r.length + dollars * s.length;
            if (s.length + (s.length + 1) * perMatch > maxString) {
                const projected = s.length + countMatches(s, pattern, name === 'replaceAll') * perMatch;
                if (projected > maxString) throw tooLong(`String.prototype.${name}`, projected);
            }
            return apply(replace, s, [pattern, r]);
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

    // Binary buffers are allocated whole by their constructors, before any limit can look at them.
    const byteLengthOf = (args, bytesPerElement) => {
        const first = args[0];
        if (typeof first === 'number' || typeof first === 'string') return Number(first) * bytesPerElement;
        if (first !== null && typeof first === 'object' && !(first instanceof ArrayBuffer) && !(typeof SharedArrayBuffer === 'function' && first instanceof SharedArrayBuffer)) {
            return toCount(first.length) * bytesPerElement;
        }
        return 0;
    };
    const capConstructor = (name, bytesPerElement) => {
        const Target = globalThis[name];
        if (typeof Target !== 'function') return;
        const check = (args) => {
            const bytes = byteLengthOf(args, bytesPerElement);
            if (bytes > maxBinary) throw tooBig(name, bytes);
            const options = args[1];
            if (options !== null && typeof options === 'object' && Number(options.maxByteLength) > maxBinary) throw tooBig(name, Number(options.maxByteLength));
        };
        const Capped = new Proxy(Target, {
            construct(target, args, newTarget) { check(args); return Reflect.construct(target, args, newTarget === Capped ? target : newTarget); },
            apply(target, thisArg, args) { return apply(target, thisArg, args); },
        });
        defineProperty(Target.prototype, 'constructor', { value: Capped, writable: true, enumerable: false, configurable: true });
        if (typeof Target.from === 'function') {
            const from = Target.from;
            replaceMethod(Target, 'from', { from(source, ...rest) {
                if (source !== null && source !== undefined && typeof source.length === 'number' && source.length * bytesPerElement > maxBinary) {
                    throw tooBig(`${name}.from`, source.length * bytesPerElement);
                }
                return apply(from, this === Capped ? Target : this, [source, ...rest]);
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
            const text = stringify(value);
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
    const auth0 = {
        users: {
            updateAppMetadata: metadataUpdater('AppMetadata'),
            updateUserMetadata: metadataUpdater('UserMetadata'),
        },
    };

    const unavailable = (name, why) => ({ [name]() { throw new Error(`${name} is not available in rules: ${why}`); } })[name];
    const require = function require(moduleName) {
        throw new Error(`require('${String(moduleName)}') is not available in rules: the sandbox has no modules; use the globals described in docs/authoring-rules.md`);
    };

    const installed = {
        UnauthorizedError,
        configuration: host.configuration,
        global: {},
        console,
        auth0,
        require,
        setTimeout: unavailable('setTimeout', 'timers could outlive the login; finish the work before calling callback'),
        setInterval: unavailable('setInterval', 'timers could outlive the login'),
        setImmediate: unavailable('setImmediate', 'timers could outlive the login'),
        clearTimeout: unavailable('clearTimeout', 'there are no timers'),
        clearInterval: unavailable('clearInterval', 'there are no timers'),
    };
    for (const name of getOwnPropertyNames(installed)) {
        defineProperty(globalThis, name, { value: installed[name], writable: true, enumerable: false, configurable: true });
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

    enableOverride(Object.prototype);
    for (const name of getOwnPropertyNames(globalThis)) {
        const desc = getOwnPropertyDescriptor(globalThis, name);
        const value = desc.value;
        if (typeof value === 'function' && value.prototype !== null && typeof value.prototype === 'object') enableOverride(value.prototype);
    }
    for (const name of getOwnPropertyNames(globalThis)) {
        if (name === 'global') continue;
        const desc = getOwnPropertyDescriptor(globalThis, name);
        if ('value' in desc) deepFreeze(desc.value); else { deepFreeze(desc.get); deepFreeze(desc.set); }
    }
    deepFreeze(getPrototypeOf(globalThis));
    deepFreeze(getPrototypeOf(installed.global));
    for (const name of getOwnPropertyNames(globalThis)) {
        const desc = getOwnPropertyDescriptor(globalThis, name);
        if (desc.configurable || desc.writable) {
            defineProperty(globalThis, name, 'value' in desc ? { writable: false, configurable: false } : { configurable: false });
        }
    }

    return { unauthorizedErrorPrototype: UnauthorizedError.prototype };
})
