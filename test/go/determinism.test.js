'use strict';
// Deterministic mode (`--deterministic`, new WASI({ deterministic, seed })):
// a Go program printing time.Now(), math/rand and crypto/rand numbers, map
// iteration order and what a sleep and an hour-long timer did prints the
// same bytes on every run, and costs no real time for the fake hour.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const h = require('./harness.js');

const skip = h.skipReason();
if (skip || h.runtime() === 'node') {
  t.plan(0, skip || 'node:wasi has no deterministic mode');
  process.exit(0);
}
const W = h.fixtures(['determinism']);
const run = (args) => h.runCli(['run', ...args]);

t.test('ten runs print byte-identical output', async (t) => {
  const outs = [];
  let slowest = 0;
  for (let i = 0; i < 10; i++) {
    const r = run(['--deterministic', W.determinism, 'hour']);
    t.equal(r.code, 0);
    t.equal(r.stderr, '');
    outs.push(r.stdout);
    slowest = Math.max(slowest, r.ms);
  }
  t.equal(new Set(outs).size, 1, 'one distinct output in 10 runs');
  const out = outs[0];
  t.match(out, /^now 2022-01-01T00:00:00\.\d+Z\n/, 'the fake clock starts at 2022-01-01');
  t.match(out, /\nslept 2s\n/, 'a 1.5 s sleep moves the clock by 1.5 s (rounded)');
  t.match(out, /\ntimer fired at 2022-01-01T01:00:01Z\n/, 'an hour-long timer fires an hour later');
  t.ok(slowest < 20000, `the fake hour took no real hour (slowest run ${slowest} ms)`);
  t.comment(out.trim().split('\n').join(' | '));
});

t.test('the seed decides the random numbers; without the mode runs differ', async (t) => {
  const rand = (args) => run([...args, W.determinism]).stdout.split('\n').filter((l) => /^(rand|crypto|map) /.test(l)).join('\n');
  const a = rand(['--deterministic', '--seed', '1']);
  t.equal(rand(['--deterministic', '--seed=1']), a, 'same seed, same numbers');
  t.not(rand(['--deterministic', '--seed', '2']), a, 'another seed, other numbers');
  t.equal(rand(['--deterministic']), rand(['--deterministic', '--seed', '0']), 'the default seed is 0');
  const real1 = run([W.determinism]).stdout;
  const real2 = run([W.determinism]).stdout;
  t.not(real1, real2, 'ordinary runs differ (real clock, OS random)');
  t.notMatch(real1, /^now 2022-01-01/, 'ordinary runs see the real time');
  const bad = run(['--seed', '3', W.determinism]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--seed needs --deterministic/);
});

t.test('new WASI({ deterministic: true, seed }) matches the CLI', async (t) => {
  const { WASI } = require(path.join(h.root, 'lib', 'wasi.js'));
  const wh = require(path.join(h.root, 'lib', 'index.js'));
  const mod = new wh.Module(fs.readFileSync(W.determinism));
  const once = (seed) => {
    const wasi = new WASI({ version: 'preview1', args: ['determinism'], stdout: 'pipe', deterministic: true, seed });
    t.equal(wasi.start(new wh.Instance(mod, wasi.getImportObject())), 0);
    return wasi.stdout.toString();
  };
  const out = once(5);
  t.equal(once(5n), out, 'a Number and a BigInt seed are the same seed');
  t.equal(run(['--deterministic', '--seed', '5', W.determinism]).stdout, out, 'same as the CLI');
  t.throws(() => new WASI({ seed: 1 }), { name: 'TypeError', message: /seed needs deterministic/ });
  t.throws(() => new WASI({ deterministic: true, seed: -1 }), { name: 'TypeError', message: /non-negative integer/ });
  t.throws(() => new WASI({ deterministic: 'yes' }), { name: 'TypeError', message: /must be a boolean/ });
});
