// Records, for each way a rule can order callback, throw and promise rejection, what Node does first.
// Auth0 ran rules in Node, where the first call of callback decides the rule and anything after it is only logged,
// so the first event is the decision. tests/Rules.Engine.Tests/CallbackOrderTests.cs checks our engine against
// the recorded file; the tests never run Node.
//   node tools/node-fixtures/callback-order.js > tests/Rules.Engine.Tests/Fixtures/callback-order.json
'use strict';

const cases = {
  'callback, then a synchronous throw':
    'function (user, context, callback) { callback(null, user, context); throw new Error("after callback"); }',
  'a synchronous throw, then callback':
    'function (user, context, callback) { if (user) throw new Error("before callback"); callback(null, user, context); }',
  'callback in a then, followed by a rejection':
    'function (user, context, callback) { Promise.resolve().then(function () { callback(null, user, context); }).then(function () { throw new Error("late rejection"); }); }',
  'a rejection in a then, then callback in a later then':
    'function (user, context, callback) { Promise.resolve().then(function () { throw new Error("early rejection"); }).catch(function (e) { throw e; }); Promise.resolve().then(function () { return null; }).then(function () { return null; }).then(function () { return null; }).then(function () { callback(null, user, context); }); }',
  'callback scheduled in a then, then a synchronous throw':
    'function (user, context, callback) { Promise.resolve().then(function () { callback(null, user, context); }); throw new Error("sync throw first"); }',
  'callback twice: allow, then deny':
    'function (user, context, callback) { callback(null, user, context); callback(new Error("second call")); }',
  'callback twice: deny, then allow':
    'function (user, context, callback) { callback(new Error("first call")); callback(null, user, context); }',
  'async rule: callback, then a throw':
    'async function (user, context, callback) { callback(null, user, context); throw new Error("async after callback"); }',
  'async rule: await, then a throw before callback':
    'async function (user, context, callback) { await null; throw new Error("async before callback"); }',
  'a throw inside a then, with no callback':
    'function (user, context, callback) { Promise.resolve().then(function () { throw new Error("lost"); }); }',
};

async function run(source) {
  const events = [];
  const onRejection = (reason) => events.push({ event: 'rejection', message: reason && reason.message });
  process.on('unhandledRejection', onRejection);
  const rule = new Function('return (' + source + ');')();
  const callback = (error) => events.push(error ? { event: 'callback-error', message: error.message } : { event: 'callback' });
  try {
    rule({ user_id: 'auth0|1', email: 'a@example.com' }, { clientID: 'app', idToken: {}, accessToken: {} }, callback);
  } catch (e) {
    events.push({ event: 'throw', message: e.message });
  }
  // Node reports unhandled rejections after the microtask queue drains: give it two turns.
  await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  process.off('unhandledRejection', onRejection);
  return events;
}

function decide(events) {
  const first = events[0];
  if (!first) return { decision: 'deny', kind: 'timeout' };
  if (first.event === 'callback') return { decision: 'allow' };
  if (first.event === 'callback-error') return { decision: 'deny', kind: 'rule_denied', message: first.message };
  return { decision: 'deny', kind: 'rule_error', message: first.message };
}

(async () => {
  const out = { generator: 'tools/node-fixtures/callback-order.js', node: process.version, cases: [] };
  for (const [name, source] of Object.entries(cases)) {
    const events = await run(source);
    out.cases.push({ name, source, events, ...decide(events) });
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
})();
