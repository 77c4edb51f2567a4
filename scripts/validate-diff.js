#!/usr/bin/env node
'use strict';
// The validator against V8: random modules (test/engine/validate-gen.js)
// given to wasihost's validate() and to WebAssembly.validate.
//
//   node scripts/validate-diff.js [--count N] [--seed S] [--out DIR]
//
// Prints how many modules both accepted, both rejected, and each kind of
// disagreement; the first disagreeing modules are written to DIR (default
// a temp dir) as seed-N.wasm.  Exit status 1 on any disagreement.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { genModule } = require('../test/engine/validate-gen.js');
const wasihost = require('..');

function parse(argv) {
  const o = { count: 100000, seed: 1, out: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--count') o.count = Number(argv[++i]);
    else if (argv[i] === '--seed') o.seed = Number(argv[++i]);
    else if (argv[i] === '--out') o.out = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return o;
}

function run(o, report) {
  const c = { total: 0, bothValid: 0, bothInvalid: 0, onlyWasihost: 0, onlyV8: 0, failures: [] };
  for (let i = 0; i < o.count; i++) {
    const seed = o.seed + i;
    const bytes = genModule(seed);
    const ours = wasihost.validate(bytes);
    const v8 = WebAssembly.validate(bytes);
    c.total++;
    if (ours && v8) c.bothValid++;
    else if (!ours && !v8) c.bothInvalid++;
    else {
      if (ours) c.onlyWasihost++; else c.onlyV8++;
      if (c.failures.length < 20) c.failures.push({ seed, bytes, ours });
    }
    if (report && (i + 1) % 100000 === 0) report(c);
  }
  return c;
}

if (require.main === module) {
  const o = parse(process.argv.slice(2));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const line = (c) => `${c.total} modules: ${c.bothValid} valid for both, ${c.bothInvalid} invalid for both, ` +
    `${c.onlyWasihost} accepted only by wasihost, ${c.onlyV8} accepted only by V8`;
  const c = run(o, (k) => console.error(line(k)));
  const cpu = process.cpuUsage(cpu0);
  console.log(line(c));
  console.log(`seeds ${o.seed}..${o.seed + o.count - 1}; wall ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s, ` +
    `cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
  if (c.failures.length) {
    const dir = o.out || fs.mkdtempSync(path.join(os.tmpdir(), 'validate-diff-'));
    fs.mkdirSync(dir, { recursive: true });
    for (const f of c.failures) fs.writeFileSync(path.join(dir, `seed-${f.seed}.wasm`), f.bytes);
    console.log(`disagreements written to ${dir}`);
    process.exitCode = 1;
  }
}

module.exports = { run };
