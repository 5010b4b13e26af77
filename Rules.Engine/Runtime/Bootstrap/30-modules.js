// require: the HTTP facades by module name, the CommonJS modules the compiler resolved, and the Node globals that are
// modules here (Buffer, URL, ...). 80-install-globals installs require, fetch and the lazy globals.
(function (host, kit) {
    'use strict';

    const { apply, StringProto, original, hasOwn, deepFreeze } = kit;

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
    // The freeze waits until the rule's own require returns: packages that decorate another while they load
    // (moment-timezone sets moment.tz) work as in Node, and a rule still only ever sees frozen exports.
    const moduleCache = [];
    const loadingChain = [];
    let loadingDepth = 0;
    const resolveModule = host.resolveModule;
    const loadModule = (id) => {
        const cached = moduleCache[id];
        if (cached !== undefined) return cached.exports;
        const name = host.moduleName(id);
        const slash = apply(StringProto.lastIndexOf, name, ['/']);
        const module = { exports: {}, id: name, filename: name, loaded: false };
        moduleCache[id] = module;
        loadingDepth++;
        try {
            const factory = host.moduleFactory(id);
            // A module's `global` is Node's, the global object (lodash and others find it so); the rules' `global` is Auth0's cache.
            apply(factory, module.exports, [module.exports, requireFrom(id), module, name, apply(original.slice, name, [0, slash]), host.moduleNative(id), globalThis]);
            module.loaded = true;
            loadingChain[loadingChain.length] = module;
        } catch (e) {
            moduleCache[id] = undefined;
            throw e;
        } finally {
            loadingDepth--;
            if (loadingDepth === 0) {
                // Everything the chain loaded is frozen before the rule gets anything back, even when a later module threw.
                for (let i = 0; i < loadingChain.length; i++) deepFreeze(loadingChain[i].exports);
                loadingChain.length = 0;
            }
        }
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

    Object.assign(kit, { httpModules, require, lazyGlobals });
})
