#!/usr/bin/env node
// Node.js `vm` driver for the peer comparison (benchmarks/run): the same rules, logins and outcome contract as
// the C# engines, through benchmarks/peers/rules-contract.js. Standard library only.
//
//   node node-vm-bench.js WORKLOAD.json            times the logins; prints one JSON result line per mode and login
//   node node-vm-bench.js --verify WORKLOAD.json   only checks that every login reaches the expected outcome
//   node --expose-gc node-vm-bench.js --memory WORKLOAD.json   resident memory per warm context
//
// WORKLOAD.json (written by Rules.PeerComparison): { rules: [{name, script}], configuration, logins: [{login, json,
// expected}], budget: { warmUpMs, samples, sampleMs }, modes: ["reused", "fresh"] }. Before timing anything, every
// login's outcome must equal `expected` (our engine's), or the script exits with code 3 and says where they differ.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const args = process.argv.slice(2);
const memoryMode = args[0] === '--memory';
const verifyOnly = args[0] === '--verify';
const workload = JSON.parse(fs.readFileSync(memoryMode || verifyOnly ? args[1] : args[0], 'utf8'));
const contract = fs.readFileSync(path.join(__dirname, 'rules-contract.js'), 'utf8');

// The same setup text as PeerSetupScript.Build in C#.
const setupText = `var __pipeline = (${contract})(${JSON.stringify(workload.configuration)})(${JSON.stringify(workload.rules.map(r => r.name))}, [\n`
  + workload.rules.map(r => '(' + r.script + '\n)').join(',\n') + '\n]);';
const setup = new vm.Script(setupText, { filename: 'peer-setup.js' });

function newPipeline() {
  const context = vm.createContext({});
  setup.runInContext(context);
  return context.__pipeline;
}

async function login(pipeline, json) {
  let outcome = pipeline.run(json);
  // An async rule (a promise) finishes in a microtask; the vm context shares Node's microtask queue.
  for (let i = 0; outcome === undefined && i < 100; i++) {
    await null;
    outcome = pipeline.takeOutcome();
  }
  if (outcome === undefined) throw new Error('a rule never called back');
  return outcome;
}

function canonical(value) {
  if (value === null || typeof value !== 'object') return typeof value === 'number' ? String(value) : JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(v => canonical(v) + ',').join('') + ']';
  return '{' + Object.keys(value).sort().map(k => JSON.stringify(k) + ':' + canonical(value[k]) + ',').join('') + '}';
}

const now = () => Number(process.hrtime.bigint()) / 1000; // microseconds

async function measure(run) {
  const { warmUpMs, samples, sampleMs } = workload.budget;
  let warmed = 0;
  const t0 = now();
  do { await run(); warmed++; } while (now() - t0 < warmUpMs * 1000);
  const perLogin = (now() - t0) / warmed;
  const batch = Math.max(1, Math.min(1000000, Math.floor(sampleMs * 1000 / perLogin)));
  const times = [];
  for (let s = 0; s < samples; s++) {
    const start = now();
    for (let i = 0; i < batch; i++) await run();
    times.push((now() - start) / batch);
  }
  times.sort((a, b) => a - b);
  const at = p => times[Math.round(p * (times.length - 1))];
  return { medianMicroseconds: at(0.5), p10Microseconds: at(0.1), p90Microseconds: at(0.9), samples, logins: batch * samples };
}

async function timeAll() {
  const reused = newPipeline();
  const modes = {
    reused: json => login(reused, json),
    fresh: json => login(newPipeline(), json),
  };
  for (const mode of workload.modes) {
    for (const item of workload.logins) {
      const actual = JSON.parse(await modes[mode](item.json));
      if (canonical(actual) !== canonical(item.expected)) {
        console.error(`node vm (${mode}) disagrees with Rules.Engine on the ${item.login} login:\n expected ${canonical(item.expected)}\n actual   ${canonical(actual)}`);
        process.exit(3);
      }
    }
  }
  if (verifyOnly) return;
  for (const mode of workload.modes) {
    for (const item of workload.logins) {
      const result = await measure(() => modes[mode](item.json));
      console.log(JSON.stringify({ mode, login: item.login, ...result }));
    }
  }
}

async function memory() {
  // Resident memory of warm contexts: each holds the contract and the rules and has run one login.
  const rss = () => { global.gc(); global.gc(); return process.memoryUsage().rss; };
  const kept = [];
  const before = rss();
  const steps = [];
  for (let i = 1; i <= 8; i++) {
    const pipeline = newPipeline();
    await login(pipeline, workload.logins[0].json);
    kept.push(pipeline);
    steps.push({ contexts: i, rssBytes: rss() - before });
  }
  console.log(JSON.stringify({ baselineRssBytes: before, steps }));
}

(memoryMode ? memory() : timeAll()).catch(e => { console.error(e.stack || String(e)); process.exit(1); });
