// Records the requests Auth0's own Node SDK (`auth0` v4, ManagementClient) sends for every Management API endpoint
// this server serves, as JSON fixtures that tests/Rules.Host.Tests replays without npm.
//
// Usage (from the repository root; the SDK is installed outside the repository):
//   mkdir -p /tmp/sdk && (cd /tmp/sdk && npm init -y >/dev/null && npm install auth0@4)
//   dotnet run --project Rules.Host -- serve --urls http://127.0.0.1:5077 --data /tmp/sdk-data &   # a fresh sample tenant
//   AUTH0_SDK=/tmp/sdk/node_modules/auth0 RULES_URL=http://127.0.0.1:5077 node tools/sdk-fixtures/record.mjs \
//     > tests/Rules.Host.Tests/Management/Fixtures/auth0-node-sdk.json
//
// The SDK is given a domain it cannot reach (rules.invalid) and a `fetch` that sends each request to RULES_URL
// instead, recording method, path, query, headers and body, and the status and body shape of the answer. The
// bearer token is never written: replays mint their own. Values the server made up (a role's or a rule's id, a log
// id) become placeholders such as {role_id}, filled at replay from the answer of the step that captured them.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sdkPath = process.env.AUTH0_SDK ?? 'auth0';
const { ManagementClient } = require(sdkPath);
const sdkVersion = require(`${sdkPath}/package.json`).version;
const base = (process.env.RULES_URL ?? 'http://127.0.0.1:5077').replace(/\/$/, '');
const domain = 'rules.invalid';

const steps = [];
const placeholders = new Map(); // recorded value -> "{name}"
let current = null;

function templated(text) {
  if (text == null) return text;
  let out = text;
  for (const [value, name] of placeholders) out = out.split(value).join(name);
  return out;
}

function shapeOf(body) {
  if (Array.isArray(body)) return { type: 'array', itemKeys: body.length && typeof body[0] === 'object' ? Object.keys(body[0]).sort() : [] };
  if (body && typeof body === 'object') return { type: 'object', keys: Object.keys(body).sort() };
  return { type: body === null ? 'empty' : typeof body };
}

async function recordingFetch(url, init = {}) {
  const target = new URL(url.toString().replace(`https://${domain}`, base));
  const headers = new Headers(init.headers);
  const recordedHeaders = {};
  for (const [name, value] of headers) {
    if (name === 'authorization') recordedHeaders[name] = 'Bearer {token}';
    else if (name === 'user-agent') continue;
    else recordedHeaders[name] = value;
  }
  let body = init.body == null ? null : init.body.toString();
  if (target.pathname === '/oauth/token') {
    // The token request carries the client secret: keep its shape, not its value.
    const form = new URLSearchParams(body);
    form.set('client_secret', '{client_secret}');
    form.set('audience', '{audience}');
    body = form.toString().replaceAll('%7B', '{').replaceAll('%7D', '}');
  }
  const response = await fetch(target, { ...init, headers });
  const text = await response.clone().text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  const query = {};
  for (const [key, value] of target.searchParams) query[key] = value;
  const step = {
    call: target.pathname === '/oauth/token' ? 'token provider: client_credentials' : current.call,
    request: { method: init.method ?? 'GET', path: templated(target.pathname), query: JSON.parse(templated(JSON.stringify(query))), headers: recordedHeaders, body: templated(body) },
    response: { status: response.status, ...shapeOf(parsed) },
  };
  if (current.capture && target.pathname !== '/oauth/token') step.capture = current.capture;
  steps.push(step);
  return response;
}

async function step(call, run, capture) {
  current = { call, capture };
  let result;
  try {
    result = await run();
  } catch (e) {
    if (!e.statusCode) throw e;
    result = { status: e.statusCode };
  }
  if (capture) {
    for (const [name, field] of Object.entries(capture)) {
      const data = Array.isArray(result.data) ? result.data[0] : result.data;
      placeholders.set(data[field], `{${name}}`);
    }
  }
  return result;
}

const management = new ManagementClient({
  domain,
  clientId: process.env.RULES_CLIENT_ID ?? 'Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY',
  clientSecret: process.env.RULES_CLIENT_SECRET ?? 'sample-management-secret-change-me-0000000000000000',
  audience: `${base}/api/v2/`,
  fetch: recordingFetch,
  retry: { enabled: false },
});

const jordan = 'auth0|63f2a9c1d4e5b6a7c8d9e0f1';
await step('users.getAll', () => management.users.getAll());
await step('users.getAll include_totals', () => management.users.getAll({ include_totals: true, per_page: 2, page: 1 }));
await step('users.getAll q', () => management.users.getAll({ q: 'email:"jordan.lee@gmail.com"', search_engine: 'v3' }));
await step('users.get', () => management.users.get({ id: jordan }));
await step('users.get missing', () => management.users.get({ id: 'auth0|no-such-user' }));
await step('users.create', () => management.users.create({ connection: 'Username-Password-Authentication', email: 'sdk.fixture@example.com', password: 'Fixture-Passw0rd!', user_id: 'sdk-fixture', app_metadata: { plan: 'free' } }));
await step('users.update', () => management.users.update({ id: jordan }, { user_metadata: { theme: 'light' }, app_metadata: { plan: 'team' } }));
await step('usersByEmail.getByEmail', () => management.usersByEmail.getByEmail({ email: 'jordan.lee@gmail.com' }));
await step('usersByEmail.getByEmail none', () => management.usersByEmail.getByEmail({ email: 'nobody@example.com' }));
await step('roles.getAll', () => management.roles.getAll());
await step('roles.create', () => management.roles.create({ name: 'Billing', description: 'Sees invoices' }), { role_id: 'id' });
const roleId = () => [...placeholders].find(([, n]) => n === '{role_id}')[0];
await step('roles.get', () => management.roles.get({ id: roleId() }));
await step('roles.update', () => management.roles.update({ id: roleId() }, { description: 'Sees and pays invoices' }));
await step('roles.getAll name_filter', () => management.roles.getAll({ name_filter: 'bill', include_totals: true }));
await step('users.assignRoles', () => management.users.assignRoles({ id: jordan }, { roles: [roleId()] }));
await step('users.getRoles', () => management.users.getRoles({ id: jordan }));
await step('roles.getUsers', () => management.roles.getUsers({ id: roleId() }));
await step('roles.assignUsers', () => management.roles.assignUsers({ id: roleId() }, { users: ['auth0|sdk-fixture'] }));
await step('users.deleteRoles', () => management.users.deleteRoles({ id: jordan }, { roles: [roleId()] }));
await step('roles.delete', () => management.roles.delete({ id: roleId() }));
await step('rules.getAll', () => management.rules.getAll());
await step('rules.create', () => management.rules.create({ name: 'sdk-fixture-rule', script: 'function (user, context, callback) { callback(null, user, context); }', enabled: false }), { rule_id: 'id' });
const ruleId = () => [...placeholders].find(([, n]) => n === '{rule_id}')[0];
await step('rules.get', () => management.rules.get({ id: ruleId() }));
await step('rules.update', () => management.rules.update({ id: ruleId() }, { enabled: true }));
await step('rules.delete', () => management.rules.delete({ id: ruleId() }));
await step('rulesConfigs.set', () => management.rulesConfigs.set({ key: 'SDK_FIXTURE' }, { value: 'on' }));
await step('rulesConfigs.getAll', () => management.rulesConfigs.getAll());
await step('rulesConfigs.delete', () => management.rulesConfigs.delete({ key: 'SDK_FIXTURE' }));
await step('logs.getAll include_totals', () => management.logs.getAll({ per_page: 5, include_totals: true }));
await step('logs.getAll', () => management.logs.getAll({ per_page: 5 }), { log_id: 'log_id' });
await step('logs.get', () => management.logs.get({ id: [...placeholders].find(([, n]) => n === '{log_id}')[0] }));
await step('keys.getAll', () => management.keys.getAll());
await step('keys.rotate', () => management.keys.rotate());

process.stdout.write(JSON.stringify({ sdk: `auth0@${sdkVersion}`, recordedWith: `node ${process.version}`, steps }, null, 2) + '\n');
