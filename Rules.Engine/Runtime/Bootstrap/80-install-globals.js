// Puts the rule globals on the global object, in one place and one order: data properties (writable until
// 90-freeze), and getters for the lazy ones, so a rule that never reads Buffer never loads it.
(function (host, kit) {
    'use strict';

    const { defineProperty, getOwnPropertyNames, UnauthorizedError, console, auth0, ruleGlobal, unavailableGlobals, httpModules, require, lazyGlobals } = kit;

    const installed = {
        UnauthorizedError,
        configuration: host.configuration,
        global: ruleGlobal,
        console,
        auth0,
        require,
        fetch: httpModules['node-fetch'],
        ...unavailableGlobals,
    };
    for (const name of getOwnPropertyNames(installed)) {
        defineProperty(globalThis, name, { value: installed[name], writable: true, enumerable: false, configurable: true });
    }
    for (const name of getOwnPropertyNames(lazyGlobals)) {
        defineProperty(globalThis, name, { get: { [name]() { return lazyGlobals[name](); } }[name], enumerable: false, configurable: true });
    }
})
