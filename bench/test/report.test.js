'use strict';
// The geomean set and the issue-10 targets (bench/lib/public-report.js).
// Run: node scripts/test.js bench/test/report.test.js
const t = require('tap');
const { summarize } = require('../lib/public');
const { targets, geomeans, inGeomean } = require('../lib/public-report');

const RUNTIMES = ['wasihost', 'nodewasi', 'wasmi', 'wasm3', 'wamr'].map((name) => ({ name, label: name }));

// A program whose region took `ms` CPU milliseconds on each runtime.
function program(id, ms, extra = {}) {
  const runtimes = {};
  for (const [name, t] of Object.entries(ms)) runtimes[name] = { label: name, runs: [{ regionCpuMs: t, regionWallMs: t, wallMs: t, cpuMs: t }] };
  const e = { id, runtimes, ...extra };
  summarize(e);
  return e;
}

t.test('the geomean set: CoreMark and scalar programs taking >= 0.5 s on wasihost', async (t) => {
  const cm = program('coremark', { wasihost: 100, wasmi: 100 });
  const long = program('shootout/fib2', { wasihost: 600, wasmi: 300 });
  const short = program('shootout/gimli', { wasihost: 499, wasmi: 1 });
  const simd = program('hex-simd', { wasihost: 900, nodewasi: 1 }, { simd: true });
  t.same([cm, long, short, simd].map(inGeomean), [true, true, false, false]);
  const gm = geomeans([cm, long, short, simd], ['wasihost', 'wasmi']);
  t.equal(gm.all.wasmi.count, 2);
  t.equal(gm.all.wasmi.ratio.toFixed(4), Math.sqrt(0.5).toFixed(4), 'geomean of 1.0 and 0.5');
  t.equal(gm.sightglass.wasmi.ratio, 0.5);
});

t.test('targets: speed-ups over the interpreters and the distance to V8', async (t) => {
  // wasmi takes 1.4x wasihost's time (met), wasm3 1.2x (missed), WAMR 2x (met), V8 0.25x (4x: missed).
  const e = [
    program('coremark', { wasihost: 1000, nodewasi: 250, wasmi: 1400, wasm3: 1200, wamr: 2000 }),
    program('shootout/fib2', { wasihost: 1000, nodewasi: 250, wasmi: 1400, wasm3: 1200, wamr: 2000 }),
  ];
  const ts = targets(e, RUNTIMES, null, null, 0.05);
  const by = (re) => ts.find((x) => re.test(x.goal));
  t.equal(by(/wasmi/).status, 'met');
  t.equal(by(/wasmi/).value.toFixed(2), '1.40');
  t.equal(by(/wasm3/).status, 'missed');
  t.match(by(/wasm3/).detail, /1\.20x as fast as wasm3 over 2 programs: needs 20% less time/);
  t.equal(by(/WAMR/).status, 'met');
  t.equal(by(/V8/).status, 'missed');
  t.match(by(/V8/).detail, /takes 4\.00x .*needs 25% less time/);
  t.equal(by(/own Go and C/).status, 'not measured');
});

t.test('a peer that failed a program is compared over the programs it ran', async (t) => {
  const e = [
    program('coremark', { wasihost: 1000, wasmi: 1500 }),
    program('shootout/fib2', { wasihost: 1000, wasmi: 1 }),
  ];
  e[1].runtimes.wasmi.failed = 'exit 1';
  summarize(e[1]);
  const ts = targets(e, RUNTIMES, null, null, 0.05);
  t.match(ts[0].detail, /over 1 of 2 programs/);
  t.equal(ts[0].status, 'met');
});

t.test('own set against a baseline: CPU time within the tolerance', async (t) => {
  const own = (ms) => [{ id: 'c-fib', args: ['37'], runtimes: { wasihost: { check: 'ok', cpuMs: ms } } }];
  const baseline = { meta: {}, workloads: own(1000) };
  const goal = (ms) => targets([], RUNTIMES, own(ms), baseline, 0.05).find((x) => /own Go and C/.test(x.goal));
  t.equal(goal(1040).status, 'met');
  t.equal(goal(1100).status, 'missed');
  t.match(goal(1100).detail, /c-fib 1\.10x/);
  const other = [{ id: 'c-fib', args: ['30'], runtimes: { wasihost: { check: 'ok', cpuMs: 10 } } }];
  t.equal(targets([], RUNTIMES, other, baseline, 0.05).find((x) => /own/.test(x.goal)).status, 'not measured', 'other guest args are not comparable');
});
