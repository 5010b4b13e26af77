// The bootstrap: runs once in every new rule runtime, before any rule is loaded, as files that run in the order of
// their names (Rules.Engine/Runtime/Bootstrap/*.js; docs/runtime.md). Each is a function of `host` (the C# side,
// named in BootstrapHost.cs) and `kit`, an object only the bootstrap files see, through which one file hands the
// next what it made. This first one keeps the primitives every later file needs, read before any rule, module or
// later file can change them.
(function (host, kit) {
    'use strict';

    const apply = Reflect.apply;
    const defineProperty = Object.defineProperty;
    const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
    const getOwnPropertyNames = Object.getOwnPropertyNames;
    const getOwnPropertySymbols = Object.getOwnPropertySymbols;
    const getPrototypeOf = Object.getPrototypeOf;
    const freeze = Object.freeze;
    const isArray = Array.isArray;

    const StringProto = String.prototype;
    const ArrayProto = Array.prototype;
    const original = {
        repeat: StringProto.repeat, padStart: StringProto.padStart, padEnd: StringProto.padEnd,
        concat: StringProto.concat, replace: StringProto.replace, replaceAll: StringProto.replaceAll,
        indexOf: StringProto.indexOf, slice: StringProto.slice,
        join: ArrayProto.join, toLocaleString: ArrayProto.toLocaleString, pop: ArrayProto.pop,
    };

    const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');
    const hasOwn = Object.prototype.hasOwnProperty;
    const replaceMethod = (target, name, method) =>
        defineProperty(target, name, { value: method, writable: true, enumerable: false, configurable: true });

    // The global object stays extensible (sloppy rules assign undeclared variables; the host's snapshot
    // restore removes them after each login) and `global` stays writable: it is the rules' own cache
    // (20-rule-globals keeps it out with keepUnfrozen). Modules' exports are frozen with this too (30-modules).
    const seen = new WeakSet([globalThis]);
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
    const keepUnfrozen = (value) => { seen.add(value); };

    Object.assign(kit, { apply, defineProperty, getOwnPropertyDescriptor, getOwnPropertyNames, getOwnPropertySymbols, getPrototypeOf, freeze, isArray, StringProto, ArrayProto, original, isObject, hasOwn, replaceMethod, deepFreeze, keepUnfrozen });
})
