'use strict';
// What sampling costs, in instructions rather than time (not part of npm
// test; needs valgrind):
//   node test/profile/overhead-instr.js [--reps N] name=file.wasm:arg,arg ...
// The machine this runs on is shared and has no hardware counters, so CPU
// time differences of a few percent are noise.  Instead each workload runs
// once under callgrind with sampling on, which counts the instructions of
//   - the profiler on the guest thread: wh_prof_tick (a timer tick noticed
//     at a back-edge or call, and the sample it records) and
//     wh_prof_host_return (after every host call; records a sample when one
//     is due), with record() (one sample: lock, stack walk) apart;
//   - the timer thread (timer_main);
//   - the run itself (the outermost wh_func_call), less the profiler.
// Under callgrind the guest runs ~50x slower against a wall-clock timer,
// so it takes ~50x more samples per instruction than at native speed; what
// carries over is the cost of one sample and of one host-call check.  The
// overhead at native speed with the default 1 ms interval is then
//   (samples x per-sample cost + host calls x per-call cost
//      + ticks x timer cost) / instructions of the run
// with samples = ticks = the run's CPU time off-profile / 1 ms (measured
// natively, minimum of N runs: the only timed figure, and it enters only as
// how many samples a run takes).  That figure assumes the profiler's code
// runs at the interpreter's instructions per cycle; the bound column does
// not: it takes one instruction per cycle for the profiler at --ghz
// (default 3.0; this VM's clock measured 3.05 GHz by a multiply chain of
// known latency), so 1000 samples a second cost at most
// 1000 x (per-sample + timer) / (GHz x 1e9) of the run, whatever its speed
// (plus the host-call checks, as a share of the run's instructions).
// Not counted: the kernel's side of the timer thread's wake-ups (it sleeps
// in pthread_cond_timedwait), which is CPU time on the timer thread, not on
// the guest's.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..', '..');

if (process.argv[2] === '--child') {
  const [, , , mode, file, ...args] = process.argv;
  const w = require(root);
  const wasi = new w.WASI({ version: 'preview1', args: ['x', ...args], stdout: 'pipe' });
  const opts = mode === 'off' ? undefined : { profile: true };
  const inst = new w.Instance(new w.Module(fs.readFileSync(file)), wasi.getImportObject(), opts);
  const c0 = process.cpuUsage();
  wasi.start(inst);
  const c1 = process.cpuUsage(c0);
  const samples = opts ? inst.profile().samples.length : 0;
  process.stdout.write(JSON.stringify({ cpu: (c1.user + c1.system) / 1e3, samples }) + '\n');
  process.exit(0);
}

// callgrind's output: per call edge (caller, callee) the calls and their
// inclusive instructions; per function its own instructions.
function parseCallgrind(text) {
  const names = new Map();
  const name = (s) => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(s.trim());
    if (!m) return s.trim();
    if (m[2] !== undefined) names.set(m[1], m[2]);
    return names.get(m[1]);
  };
  const edges = new Map(), self = new Map();
  let fn = null, cfn = null, pendingCalls = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) { fn = name(line.slice(3)); continue; }
    if (line.startsWith('cfn=')) { cfn = name(line.slice(4)); continue; }
    if (line.startsWith('calls=')) { pendingCalls = Number(line.slice(6).split(' ')[0]); continue; }
    if (!/^[+\-*0-9]/.test(line)) continue;
    const parts = line.trim().split(/\s+/);
    const ir = Number(parts[1] || 0);
    if (pendingCalls !== null) {
      const k = fn + '\0' + cfn;
      const e = edges.get(k) || { caller: fn, callee: cfn, calls: 0, incl: 0 };
      e.calls += pendingCalls;
      e.incl += ir;
      edges.set(k, e);
      pendingCalls = null;
    } else if (fn) {
      self.set(fn, (self.get(fn) || 0) + ir);
    }
  }
  const into = (callee, from) => {
    let calls = 0, incl = 0;
    for (const e of edges.values()) {
      if (e.callee !== callee || e.caller === callee) continue;
      if (from && e.caller !== from) continue;
      calls += e.calls;
      incl += e.incl;
    }
    return { calls, incl };
  };
  return { edges, self, into };
}

function measure(job, reps) {
  let cpuOff = Infinity;
  for (let r = 0; r < reps; r++) {
    const out = spawnSync(process.execPath, [__filename, '--child', 'off', job.file, ...job.args], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${job.name} off: ${out.stderr}`);
    cpuOff = Math.min(cpuOff, JSON.parse(out.stdout).cpu);
  }
  const cg = path.join(os.tmpdir(), `wh-cg-${process.pid}-${job.name}.out`);
  const vg = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${cg}`, '--dump-instr=no',
    process.execPath, '--jitless', __filename, '--child', 'sample', job.file, ...job.args],
  { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (vg.status !== 0) throw new Error(`${job.name} under callgrind: ${vg.stderr.slice(-2000)}`);
  const child = JSON.parse(vg.stdout.trim().split('\n').pop());
  const cgText = fs.readFileSync(cg, 'utf8');
  fs.rmSync(cg, { force: true });
  const g = parseCallgrind(cgText);
  const tick = g.into('wh_prof_tick'), hr = g.into('wh_prof_host_return');
  const recHost = g.into('record', 'wh_prof_host_return');
  const rec = g.into('record');
  const timer = g.into('timer_main');
  let run = 0;
  for (const e of g.edges.values()) if (e.callee === 'wh_func_call' && e.caller !== 'wh_func_call') run = Math.max(run, e.incl);
  const prof = tick.incl + hr.incl;
  const runOff = run - prof;
  const samples = rec.calls;
  // per sample: the record itself plus the ticks that led to samples
  // (tick handling without the record, spread over the samples)
  const perSample = samples ? (tick.incl + recHost.incl) / samples : 0;
  const perHostCall = hr.calls ? (hr.incl - recHost.incl) / hr.calls : 0;
  const perTimerTick = tick.calls ? timer.incl / Math.max(tick.calls, samples) : 0;
  const nativeTicks = cpuOff; // ms of CPU = ticks of 1 ms
  const overheadInstr = nativeTicks * (perSample + perTimerTick) + hr.calls * perHostCall;
  return {
    name: job.name, cpuOff, runOff, samples, childSamples: child.samples, tickCalls: tick.calls,
    recInHost: recHost.calls, hostCalls: hr.calls,
    perRecord: rec.calls ? rec.incl / rec.calls : 0, perSample, perHostCall, perTimerTick,
    guestRate: runOff / (cpuOff / 1e3), overhead: overheadInstr / runOff,
    timerShare: nativeTicks * perTimerTick / runOff,
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  let reps = 3, ghz = 3.0;
  const jobs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') { reps = Number(argv[++i]); continue; }
    if (argv[i] === '--ghz') { ghz = Number(argv[++i]); continue; }
    const [name, spec] = argv[i].split('=');
    const [file, args] = spec.split(':');
    jobs.push({ name, file, args: args ? args.split(',') : [] });
  }
  const rows = [];
  for (const j of jobs) {
    const r = measure(j, reps);
    rows.push(r);
    console.log(JSON.stringify(r));
  }
  const f = (x) => Math.round(x).toLocaleString('en-US');
  console.log('\n| workload | run, instr. (off) | CPU off | instr./s | samples at 1 ms | instr./sample | host calls | instr./host call | timer instr./tick | overhead | bound (IPC 1) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${(r.runOff / 1e6).toFixed(0)} M | ${r.cpuOff.toFixed(0)} ms | ${(r.guestRate / 1e9).toFixed(2)} G | ${r.cpuOff.toFixed(0)} | ${f(r.perSample)} | ${f(r.hostCalls)} | ${r.perHostCall.toFixed(1)} | ${f(r.perTimerTick)} | ${(r.overhead * 100).toFixed(3)}% | ${((1000 * (r.perSample + r.perTimerTick) / (ghz * 1e9) + r.hostCalls * r.perHostCall / r.runOff) * 100).toFixed(3)}% |`);
  }
}

module.exports = { parseCallgrind };
