// The Auth0 Rules contract for the peer engines (ClearScript V8 and Node.js vm), written once so both peers
// run exactly the same JavaScript around the rules. Evaluated inside the peer's context, it returns
// `install(configuration)`, which sets the rule globals and returns `createPipeline(names, functions)`.
// A pipeline's `run(transactionJson)` runs every rule in order under the callback contract and returns the
// outcome as JSON text in the comparable shape the C# side checks (ComparableOutcome.cs):
//   { decision, rule, error, error_description, idToken, accessToken, metadataUpdates, logs }
// When a rule finishes asynchronously (a promise), run() returns undefined and the outcome is read with
// `takeOutcome()` once the context's microtasks have run.
// What this does NOT do, unlike Rules.Engine: freeze built-ins, count statements, bound memory, recursion or
// time, or protect user.impersonated from rules. The peers here are measured as the unsandboxed baseline.
(function () {
  'use strict';
  const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash',
    's_hash', 'acr', 'amr', 'sid', 'cnf', 'act', 'may_act', 'gty', 'org_id', 'org_name', 'client_id', 'scope',
    'impersonated', 'impersonator']);
  const CONTEXT_OBJECTS = ['clientMetadata', 'request', 'stats', 'idToken', 'accessToken', 'sso', 'authentication'];

  return function install(configuration) {
    const g = globalThis;
    class UnauthorizedError extends Error {
      constructor(message) { super(message); this.name = 'UnauthorizedError'; }
    }

    // Rules see the transaction's `now` as the clock, as Rules.Engine's RuleClock gives them.
    const RealDate = Date;
    let fixedNow = RealDate.now();
    class LoginDate extends RealDate {
      constructor(...args) { if (args.length === 0) super(fixedNow); else super(...args); }
      static now() { return fixedNow; }
    }

    let logs = [];
    let updates = [];
    let currentRule = '';
    const describe = (v) => typeof v === 'string' ? v : (v instanceof Error ? `${v.name}: ${v.message}` : JSON.stringify(v));
    const log = (...values) => { logs.push(`[${currentRule}] ${values.map(describe).join(' ')}`); };
    const updater = (kind) => (userId, metadata) => {
      updates.push({ kind, user_id: String(userId), metadata: JSON.parse(JSON.stringify(metadata)), rule: currentRule });
      return Promise.resolve();
    };

    g.UnauthorizedError = UnauthorizedError;
    g.configuration = Object.freeze(Object.assign({}, configuration));
    g.global = {};
    g.Date = LoginDate;
    g.console = { log, info: log, warn: log, error: log, debug: log };
    g.auth0 = { users: { updateAppMetadata: updater('app_metadata'), updateUserMetadata: updater('user_metadata') } };

    const claims = (token, isAccess) => {
      const out = {};
      if (!token || typeof token !== 'object') return out;
      for (const key of Object.keys(token)) {
        const value = token[key];
        if (value === undefined || typeof value === 'function') continue;
        if (isAccess && key === 'scope') {
          out.scope = typeof value === 'string' ? value.split(' ').filter(Boolean) : value.filter(s => typeof s === 'string' && s.length > 0);
          continue;
        }
        if (RESERVED.has(key) || key.toLowerCase().startsWith('https://auth0.com/')) continue;
        out[key] = value;
      }
      return out;
    };

    return function createPipeline(names, functions) {
      let outcome;
      const finish = (denied, rule, error, context) => {
        const unauthorized = error instanceof UnauthorizedError;
        outcome = JSON.stringify({
          decision: denied ? 'deny' : 'allow',
          rule: denied ? rule : null,
          error: denied ? (unauthorized ? 'unauthorized' : 'access_denied') : null,
          error_description: denied ? (typeof error === 'string' ? error : error.message) : null,
          idToken: claims(context.idToken, false),
          accessToken: claims(context.accessToken, true),
          metadataUpdates: updates,
          logs,
        });
      };

      function run(transactionJson) {
        const transaction = JSON.parse(transactionJson);
        fixedNow = transaction.now ? RealDate.parse(transaction.now) : RealDate.now();
        logs = [];
        updates = [];
        outcome = undefined;
        const user = transaction.user;
        const context = transaction.context || {};
        for (const name of CONTEXT_OBJECTS) if (!(name in context)) context[name] = {};

        const next = (index, user, context) => {
          if (index === functions.length) return finish(false, null, null, context);
          currentRule = names[index];
          let called = false;
          try {
            functions[index](user, context, (error, nextUser, nextContext) => {
              if (called) return;
              called = true;
              if (error) return finish(true, names[index], error, context);
              next(index + 1, nextUser || user, nextContext || context);
            });
          } catch (e) {
            finish(true, names[index], e, context);
          }
        };
        next(0, user, context);
        return outcome;
      }

      return { run, takeOutcome: () => outcome };
    };
  };
})()
