'use strict';
// Summaries and plain-text tables.  Ratios are always runtime time divided
// by wasihost's time: 0.25x means 4 times faster than wasihost, 3.00x
// means 3 times slower.
const { median, geomean } = require('./measure');

const fmtS = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(3)} s` : '-');
const fmtMs = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : '-');
const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '-');
const fmtMB = (kb) => (Number.isFinite(kb) && kb ? `${(kb / 1024).toFixed(0)} MB` : '-');
const fmtNs = (ns) => (Number.isFinite(ns) ? `${ns.toFixed(0)} ns` : '-');

function table(head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => '  ' + r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(head), '  ' + w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

// Adds medians, ratios and the output check to one workload entry.
function summarizeWorkload(entry) {
  const rts = entry.runtimes;
  const ref = (rts.wasihost && rts.wasihost.output) || Object.values(rts).map((r) => r.output).find((o) => o !== undefined);
  entry.expected = ref;
  for (const r of Object.values(rts)) {
    const ok = r.runs.filter((x) => Number.isFinite(x.wallMs));
    r.medianMs = r.failed ? NaN : median(ok.map((x) => x.wallMs));
    r.minMs = r.failed ? NaN : Math.min(...ok.map((x) => x.wallMs));
    r.peakRssKB = Math.max(0, ...r.runs.map((x) => x.rssKB || 0)) || null;
    const rep = r.runs.map((x) => x.report).filter(Boolean).pop();
    r.memoryBytes = rep ? rep.memoryBytes : null;
    r.runMs = median(r.runs.map((x) => x.report && x.report.run));
    r.cpuMs = median(r.runs.map((x) => x.cpuMs));
    r.check = r.failed ? 'FAILED' : r.output === ref ? (r.unstable ? 'UNSTABLE' : 'ok') : 'MISMATCH';
  }
  const base = rts.wasihost && rts.wasihost.medianMs;
  const cpuBase = rts.wasihost && rts.wasihost.cpuMs;
  for (const r of Object.values(rts)) {
    r.ratio = r.medianMs / base;
    r.cpuRatio = r.failed ? NaN : r.cpuMs / cpuBase;
  }
}

function workloadHeader(entry) {
  return `${entry.id}: ${entry.desc}\n  args ${entry.args.join(' ')}; load average ${entry.loadavg.map((x) => x.toFixed(2)).join(' ')}`;
}

function workloadTable(entry) {
  const rows = Object.values(entry.runtimes).map((r) => [
    r.label, fmtS(r.medianMs), fmtS(r.minMs), fmtX(r.ratio), fmtS(r.cpuMs), fmtX(r.cpuRatio), Number.isFinite(r.runMs) ? fmtS(r.runMs) : '', fmtMB(r.peakRssKB),
    r.memoryBytes ? fmtMB(r.memoryBytes / 1024) : '-', r.check + (r.failed ? ` (${r.failed.slice(0, 80)})` : ''),
  ]);
  return `${workloadHeader(entry)}\n  output: ${entry.expected || '-'}\n${table(['runtime', 'median', 'min', 'vs wasihost', 'cpu', 'cpu vs wh', '_start', 'peak RSS', 'guest mem', 'check'], rows)}\n`;
}

// Geometric means of the ratio to wasihost, over Go, C and all workloads
// that both the runtime and wasihost completed.
function geomeans(workloads) {
  const out = {};
  for (const group of ['go', 'c', 'all']) {
    const ws = workloads.filter((w) => group === 'all' || w.lang === group);
    const names = new Set(ws.flatMap((w) => Object.keys(w.runtimes)));
    out[group] = {};
    for (const n of names) {
      const ratios = ws.map((w) => w.runtimes[n] && w.runtimes[n].ratio).filter((x) => Number.isFinite(x));
      const cpu = ws.map((w) => w.runtimes[n] && w.runtimes[n].cpuRatio).filter((x) => Number.isFinite(x));
      out[group][n] = { ratio: geomean(ratios), count: ratios.length, cpuRatio: geomean(cpu), cpuCount: cpu.length };
    }
  }
  return out;
}

function summaryTable(workloads, gm, runtimes) {
  const names = runtimes.map((r) => r.name).filter((n) => workloads.some((w) => w.runtimes[n]));
  const labels = names.map((n) => runtimes.find((r) => r.name === n).label);
  const rows = workloads.map((w) => [w.id, ...names.map((n) => {
    const r = w.runtimes[n];
    if (!r) return '';
    if (r.failed) return 'failed';
    return `${fmtS(r.medianMs)} ${n === 'wasihost' ? '' : `(${fmtX(r.ratio)})`}`.trim() + (r.check === 'ok' ? '' : ` ${r.check}`);
  })]);
  for (const [key, count, what] of [['ratio', 'count', 'wall'], ['cpuRatio', 'cpuCount', 'cpu']]) {
    for (const g of ['go', 'c', 'all']) {
      if (!workloads.some((w) => g === 'all' || w.lang === g)) continue;
      rows.push([`geomean ${what} ${g}`, ...names.map((n) => {
        const x = gm[g][n];
        return x && x[count] ? `${fmtX(x[key])} (${x[count]})` : '';
      })]);
    }
  }
  return `summary: median wall time per workload (time / wasihost's time); geomeans of that ratio and of the\nuser+sys CPU time ratio (number of workloads); the CPU ratio is steadier when the machine is loaded\n${table(['workload', ...labels], rows)}\n`;
}

function startupTable(s, what) {
  const rows = s.rows.map((r) => [
    r.label, r.error ? `failed: ${r.error.slice(0, 60)}` : fmtMs(r.firstByteMs), fmtMs(r.wallMs), fmtMS(r.compileMs), fmtMS(r.instantiateMs), fmtMB(r.rssKB),
  ]);
  return `startup: ${what} (${(s.bytes / 1e6).toFixed(1)} MB wasm), fresh process, spawn -> first stdout byte, median of ${s.runs}\n${table(['runtime', 'first byte', 'exit', 'new Module', 'new Instance', 'peak RSS'], rows)}\n`;
}

function fmtMS(ms) {
  return Number.isFinite(ms) ? fmtMs(ms) : '';
}

function instantiateTable(s) {
  const rows = s.rows.map((r) => (r.error ? [r.label, `failed: ${r.error.slice(0, 60)}`, '', '', '', ''] : [
    r.label, fmtMs(r.compileMs), fmtMs(r.compileFirstMs), fmtMs(r.instantiateMs), fmtMs(r.instantiateFirstMs), fmtMB(r.rssKB),
  ]));
  return `instantiate: large Go binary (${(s.bytes / 1e6).toFixed(1)} MB wasm), in process, ${s.reps} rounds: median of rounds 2..n, and round 1\n${table(['runtime', 'new Module', '(1st)', 'new Instance', '(1st)', 'peak RSS'], rows)}\n`;
}

function hostcallTable(s) {
  const rows = s.rows.map((r) => [
    r.label,
    r.error ? `failed: ${r.error.slice(0, 40)}` : fmtNs(r.fdWriteDevNull),
    r.fdWriteIgnore !== undefined ? fmtNs(r.fdWriteIgnore) : '',
    r.jsNoop !== undefined ? fmtNs(r.jsNoop) : '',
    r.cliError ? `failed: ${r.cliError.slice(0, 40)}` : fmtNs(r.fdWriteCli),
  ]);
  return `host calls: ns per call, guest loop with the call minus the same loop without it; in process: ${s.calls} calls, median of ${s.reps}; whole process: ${s.cliCalls} calls, median of ${s.reps} process pairs\n${table(['runtime', 'fd_write 1 B /dev/null', "fd_write to 'ignore'", 'env.noop() JS import', 'fd_write, whole process'], rows)}\n`;
}

module.exports = { summarizeWorkload, workloadHeader, workloadTable, geomeans, summaryTable, startupTable, instantiateTable, hostcallTable };
