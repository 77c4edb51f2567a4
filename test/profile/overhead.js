'use strict';
// Measures what profiling costs (not part of npm test):
//   node test/profile/overhead.js [--base DIR] [--reps N] name=file.wasm:arg,arg ...
// Each run is a fresh process that runs the module's _start once with
// profiling off, sampling (1 ms) or exact; wall and CPU (user+sys) time of
// the run itself, the minimum of N repetitions.  --base DIR runs the
// "off" case on another checkout too (the engine before the profiler), to
// show that the hooks cost nothing when off.
const { spawnSync } = require('child_process');
const path = require('path');

if (process.argv[2] === '--child') {
  const [, , , root, mode, file, ...args] = process.argv;
  const fs = require('fs');
  const w = require(root);
  const bytes = fs.readFileSync(file);
  const wasi = new w.WASI({ version: 'preview1', args: ['x', ...args], stdout: 'pipe' });
  const limits = mode === 'off' ? undefined : { profile: mode === 'exact' ? 'exact' : true };
  const inst = new w.Instance(new w.Module(bytes), wasi.getImportObject(), limits);
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  wasi.start(inst);
  const t1 = process.hrtime.bigint(), c1 = process.cpuUsage(c0);
  let samples = 0;
  if (limits) samples = inst.profile().samples.length;
  process.stdout.write(JSON.stringify({ wall: Number(t1 - t0) / 1e6, cpu: (c1.user + c1.system) / 1e3, samples }));
  process.exit(0);
}

const argv = process.argv.slice(2);
let base = null, reps = 3;
const jobs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--base') base = argv[++i];
  else if (argv[i] === '--reps') reps = Number(argv[++i]);
  else {
    const [name, spec] = argv[i].split('=');
    const [file, args] = spec.split(':');
    jobs.push({ name, file, args: args ? args.split(',') : [] });
  }
}
const here = path.join(__dirname, '..', '..');
const cases = [...(base ? [['off (before)', base, 'off']] : []), ['off', here, 'off'], ['sampling', here, 'sample'], ['exact', here, 'exact']];
const rows = [];
for (const j of jobs) {
  const row = { name: j.name };
  for (const [label, root, mode] of cases) {
    let best = null;
    for (let r = 0; r < reps; r++) {
      const out = spawnSync(process.execPath, [__filename, '--child', root, mode, j.file, ...j.args], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`${j.name} ${label}: ${out.stderr}`);
      const m = JSON.parse(out.stdout);
      if (!best || m.cpu < best.cpu) best = m;
    }
    row[label] = best;
  }
  rows.push(row);
  const ref = row.off.cpu;
  const cells = cases.map(([label]) => `${label} ${row[label].wall.toFixed(0)}/${row[label].cpu.toFixed(0)} ms (x${(row[label].cpu / ref).toFixed(3)})`);
  console.log(`${j.name}: ${cells.join(' | ')}`);
}
console.log('\n| workload | ' + cases.map(([l]) => `${l} wall / CPU ms`).join(' | ') + ' |');
console.log('|---|' + cases.map(() => '---').join('|') + '|');
for (const r of rows) {
  console.log(`| ${r.name} | ` + cases.map(([l]) => `${r[l].wall.toFixed(0)} / ${r[l].cpu.toFixed(0)} (${(r[l].cpu / r.off.cpu).toFixed(2)}x)`).join(' | ') + ' |');
}
