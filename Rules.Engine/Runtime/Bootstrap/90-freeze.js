// Freezes every built-in, every intrinsic a rule can reach, the Actions api and the HTTP facades, so one login's rule
// cannot change what the next login's rules see. Runs last, and returns what the runtime reads back (BootstrapHost.Exports).
(function (host, kit) {
    'use strict';

    const { defineProperty, getOwnPropertyDescriptor, getOwnPropertyNames, getPrototypeOf, deepFreeze, ruleGlobal, actionApi, httpModules, UnauthorizedError, loadAction, runAction } = kit;

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
    deepFreeze(getPrototypeOf(ruleGlobal));
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
