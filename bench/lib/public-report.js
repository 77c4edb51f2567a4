'use strict';
// Tables, geometric means and the issue-10 targets for the public suites.
// Times are the CPU seconds of the marked region (bench.start..bench.end,
// CoreMark's start_time..stop_time); ratios are runtime / wasihost, so
// 0.25x is four times faster than wasihost.
const { geomean } = require('./measure');

const fmtS = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(3)}` : '-');
const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '-');
const fmtMB = (kb) => (Number.isFinite(kb) && kb ? `${(kb / 1024).toFixed(0)} MB` : '-');

// Programs in the geomeans: CoreMark plus every scalar Sightglass program
// whose region takes at least `minMs` of CPU on wasihost in this run.
const MIN_MS = 500;

// Columns are right-aligned but the first (and those in `left`).
function table(head, rows, left = []) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '  ' + r.map((c, i) => (i === 0 || left.includes(i) ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ').trimEnd();
  return [line(head), '  ' + w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

function programDetail(entry) {
  const rows = Object.entries(entry.runtimes).map(([, r]) => [
    r.label, fmtS(r.regionCpuMs), fmtX(r.ratio), fmtS(r.regionWallMs), fmtS(r.wallMs), fmtS(r.cpuMs), fmtMB(r.peakRssKB), r.n,
    r.check + (r.failed ? ` (${r.failed.slice(0, 90)})` : r.mismatch ? ` (${r.mismatch.slice(0, 90)})` : ''),
  ]);
  return `${entry.id}${entry.simd ? ' (SIMD)' : ''}\n${table(['runtime', 'region cpu s', 'vs wasihost', 'region wall s', 'process wall s', 'process cpu s', 'peak RSS', 'runs', 'check'], rows)}\n`;
}

function inGeomean(e) {
  if (e.simd) return false;
  const w = e.runtimes.wasihost;
  if (!w || w.check !== 'ok') return false;
  return e.id === 'coremark' || w.regionCpuMs >= MIN_MS;
}

function names(entries, runtimes) {
  return runtimes.map((r) => r.name).filter((n) => entries.some((e) => e.runtimes[n]));
}

// The one-run table: region CPU seconds per program x runtime (ratio).
function matrix(entries, runtimes) {
  const ns = names(entries, runtimes);
  const label = (n) => runtimes.find((r) => r.name === n).label;
  const rows = entries.filter((e) => Object.keys(e.runtimes).length).map((e) => [
    `${e.id}${inGeomean(e) ? ' *' : ''}`,
    ...ns.map((n) => {
      const r = e.runtimes[n];
      if (!r) return '';
      if (r.skipped) return 'skipped';
      if (r.failed) return 'failed';
      const t = n === 'wasihost' ? fmtS(r.regionCpuMs) : `${fmtS(r.regionCpuMs)} (${fmtX(r.ratio)})`;
      return r.check === 'ok' ? t : `${t} ${r.check}`;
    }),
  ]);
  const gm = geomeans(entries, ns);
  for (const [key, what] of [['all', 'geomean *'], ['coremark', 'CoreMark'], ['sightglass', 'geomean Sightglass *']]) {
    rows.push([what, ...ns.map((n) => (gm[key][n] && gm[key][n].count ? `${fmtX(gm[key][n].ratio)} (${gm[key][n].count})` : ''))]);
  }
  const cm = entries.find((e) => e.id === 'coremark');
  if (cm) {
    rows.push(['CoreMark it/s, its own', ...ns.map((n) => (cm.runtimes[n] && Number.isFinite(cm.runtimes[n].score) ? cm.runtimes[n].score.toFixed(0) : ''))]);
    rows.push(['CoreMark it/CPU s', ...ns.map((n) => (cm.runtimes[n] && Number.isFinite(cm.runtimes[n].cpuScore) ? cm.runtimes[n].cpuScore.toFixed(0) : ''))]);
  }
  return `public suites: CPU seconds of the measured region, median (time / wasihost's); * = in the geomeans\n(CoreMark + every scalar Sightglass program taking >= ${MIN_MS / 1000} s of CPU on wasihost here); geomean rows: ratio (programs)\n${table(['program', ...ns.map(label)], rows)}\n`;
}

// Geomean of the ratio to wasihost per runtime, over the geomean set (all),
// CoreMark alone and the Sightglass part of the set.
function geomeans(entries, ns) {
  const out = { all: {}, coremark: {}, sightglass: {} };
  const sets = {
    all: entries.filter(inGeomean),
    coremark: entries.filter((e) => e.id === 'coremark' && inGeomean(e)),
    sightglass: entries.filter((e) => e.id !== 'coremark' && inGeomean(e)),
  };
  for (const [k, set] of Object.entries(sets)) {
    for (const n of ns) {
      const ratios = set.map((e) => e.runtimes[n] && e.runtimes[n].ratio).filter(Number.isFinite);
      out[k][n] = { ratio: geomean(ratios), count: ratios.length, of: set.length };
    }
  }
  return out;
}

// The issue's targets.  speedup = wasihost's speed / the peer's =
// geomean(peer time / wasihost time).
const GOALS = [
  { peer: 'wasmi', label: 'wasmi', faster: 1.3 },
  { peer: 'wasm3', label: 'wasm3', faster: 1.5 },
  { peer: 'wamr', label: 'WAMR fast-interp', faster: 1.5 },
  { peer: 'nodewasi', label: 'V8 (node:wasi)', slowerAtMost: 3 },
];

function targets(entries, runtimes, own, baseline, tolerance) {
  const gm = geomeans(entries, names(entries, runtimes)).all;
  const out = [];
  for (const g of GOALS) {
    const x = gm[g.peer];
    const label = g.label;
    if (!x || !x.count) {
      out.push({ goal: g.faster ? `>= ${g.faster}x faster than ${label}` : `<= ${g.slowerAtMost}x the time of ${label}`, status: 'not measured', detail: x ? 'no program of the geomean set ran on both' : `${label} not in this run` });
      continue;
    }
    const partial = x.count < x.of ? ` over ${x.count} of ${x.of} programs` : ` over ${x.count} programs`;
    if (g.faster) {
      const speedup = x.ratio;
      const met = speedup >= g.faster;
      out.push({
        goal: `>= ${g.faster}x faster than ${label}`, value: speedup, met,
        status: met ? 'met' : 'missed',
        detail: `wasihost is ${speedup.toFixed(2)}x as fast as ${label}${partial}${met ? '' : `: needs ${((1 - speedup / g.faster) * 100).toFixed(0)}% less time`}`,
      });
    } else {
      const slower = x.ratio;
      const times = 1 / slower;
      const met = times <= g.slowerAtMost;
      out.push({
        goal: `<= ${g.slowerAtMost}x the time of ${label}`, value: times, met,
        status: met ? 'met' : 'missed',
        detail: `wasihost takes ${times.toFixed(2)}x ${label}'s time${partial}${met ? '' : `: needs ${((1 - g.slowerAtMost / times) * 100).toFixed(0)}% less time`}`,
      });
    }
  }
  out.push(ownTarget(own, baseline, tolerance));
  return out;
}

// bench/'s own Go and C set on wasihost, against a saved run (--baseline):
// CPU time of the whole child, the steadier figure on a loaded machine.
function ownTarget(own, baseline, tolerance) {
  const goal = "bench/'s own Go and C set no slower than the baseline";
  if (!own || !own.length) return { goal, status: 'not measured', detail: 'own set not in this run (--only own)' };
  if (!baseline) return { goal, status: 'not measured', detail: 'no --baseline FILE given' };
  const cmp = compareOwn(own, baseline);
  if (!cmp.length) return { goal, status: 'not measured', detail: 'no workload in common with the baseline' };
  const slower = cmp.filter((c) => c.ratio > 1 + tolerance);
  const met = !slower.length;
  return {
    goal, met, status: met ? 'met' : 'missed',
    detail: met
      ? `${cmp.length} workloads within ${(tolerance * 100).toFixed(0)}% (geomean ${fmtX(geomean(cmp.map((c) => c.ratio)))} of the baseline's CPU time)`
      : `slower: ${slower.map((c) => `${c.id} ${fmtX(c.ratio)}`).join(', ')}`,
    workloads: cmp,
  };
}

function compareOwn(own, baseline) {
  const out = [];
  for (const w of own) {
    const b = (baseline.workloads || []).find((x) => x.id === w.id);
    const now = w.runtimes.wasihost;
    const then = b && b.runtimes.wasihost;
    if (!now || !then || now.check !== 'ok' || String(w.args) !== String(b.args)) continue;
    out.push({ id: w.id, ms: now.cpuMs, baselineMs: then.cpuMs, ratio: now.cpuMs / then.cpuMs });
  }
  return out;
}

function targetsTable(ts) {
  const rows = ts.map((t) => [t.goal, t.status, t.detail]);
  return `targets (issue 10; geomean over the * programs)\n${table(['target', 'status', ''], rows, [1, 2])}\n`;
}

// wasihost now vs the baseline's wasihost, program by program.
function baselineTable(entries, own, baseline) {
  const rows = [];
  for (const e of entries) {
    const b = (baseline.public || []).find((x) => x.id === e.id);
    const now = e.runtimes.wasihost;
    const then = b && b.runtimes.wasihost;
    if (!now || !then || now.check !== 'ok' || then.check !== 'ok') continue;
    rows.push([e.id, fmtS(then.regionCpuMs), fmtS(now.regionCpuMs), fmtX(now.regionCpuMs / then.regionCpuMs)]);
  }
  for (const c of compareOwn(own || [], baseline)) rows.push([`${c.id} (process cpu)`, fmtS(c.baselineMs), fmtS(c.ms), fmtX(c.ratio)]);
  if (!rows.length) return 'baseline: nothing in common with this run\n';
  const ratios = rows.map((r) => parseFloat(r[3])).filter(Number.isFinite);
  rows.push(['geomean', '', '', fmtX(geomean(ratios))]);
  return `wasihost against the baseline (${baseline.meta.git || '?'}, ${baseline.meta.date}): CPU seconds, now / then\n${table(['program', 'baseline', 'now', 'now / baseline'], rows)}\n`;
}

function skippedTable(skipped, entries) {
  const rows = skipped.map((s) => [s.id, s.why]);
  for (const e of entries) if (e.wasihostRejects) rows.push([e.id, `SIMD: wasihost rejects it (${e.wasihostRejects.slice(0, 70)}); runs on wasihost and node:wasi once accepted`]);
  if (!rows.length) return '';
  return `not measured\n${table(['program', 'why'], rows, [1])}\n`;
}

module.exports = { programDetail, matrix, geomeans, targets, ownTarget, targetsTable, baselineTable, skippedTable, inGeomean, MIN_MS };
