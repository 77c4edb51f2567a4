'use strict';
// Runs one child whose module was rewritten by wasm-rewrite.js and times the
// region between its start and end markers.  At each marker the guest is
// blocked reading stdin: we sum the CPU time of all its threads from
// /proc/PID/task/*/schedstat (nanoseconds), then write the byte that lets it
// go on.  So the region's CPU time comes from the kernel, the same way for
// every runtime.  Whole-process wall and CPU time (GNU time) come beside it.
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { stripMarkers, MARK_PREFIX } = require('./wasm-rewrite');

const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MAX_OUT = 4 << 20;

// The runtime's pid: GNU time's only child.
function childOf(ppid) {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) return Number(d);
    } catch { /* gone */ }
  }
  return null;
}

// CPU nanoseconds of every live thread of PID.
function cpuNs(pid) {
  let sum = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch { /* the thread exited */ }
  }
  return sum;
}

// Resolves with {ok, code, error, wallMs, cpuMs (whole process), rssKB,
// regionCpuMs, regionWallMs, guestClockMs (the runtime's own
// CLOCK_PROCESS_CPUTIME_ID over the region, null when it has none),
// stdout, stderr (markers removed), marks}.
function runMarked(argv, { cwd, env, timeoutMs = 600000, workDir }) {
  return new Promise((resolve) => {
    const timeFile = path.join(workDir, `time-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const full = GNU_TIME ? [GNU_TIME, '-f', '%M %U %S', '-o', timeFile, ...argv] : argv;
    const out = [];
    let outLen = 0;
    let err = '';
    let scan = 0;
    const samples = [];
    let pid = null;
    let timedOut = false;
    let sampleError = null;
    const t0 = process.hrtime.bigint();
    const child = spawn(full[0], full.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {});
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (d) => {
      if (outLen < MAX_OUT) { out.push(d); outLen += d.length; }
    });
    child.stderr.setEncoding('latin1');
    child.stderr.on('data', (d) => {
      if (err.length < MAX_OUT) err += d;
      for (;;) {
        const at = err.indexOf(MARK_PREFIX, scan);
        if (at < 0) break;
        const nl = err.indexOf('\n', at);
        if (nl < 0) break;
        scan = nl + 1;
        const wall = process.hrtime.bigint();
        try {
          if (pid === null) pid = GNU_TIME ? childOf(child.pid) : child.pid;
          samples.push({ tag: err[at + MARK_PREFIX.length], cpuNs: cpuNs(pid), wall });
        } catch (e) {
          sampleError = `could not read the child's CPU time: ${e.message}`;
        }
        child.stdin.write('g');
      }
    });
    child.on('error', (e) => { clearTimeout(timer); resolve({ ok: false, error: e.message, wallMs: NaN }); });
    child.on('close', (code, signal) => {
      const t1 = process.hrtime.bigint();
      clearTimeout(timer);
      let rssKB = null;
      let cpuMs = null;
      try {
        const lines = fs.readFileSync(timeFile, 'utf8').trim().split('\n');
        const [m, u, sy] = lines[lines.length - 1].split(' ').map(Number);
        if (Number.isFinite(m)) rssKB = m;
        if (Number.isFinite(u) && Number.isFinite(sy)) cpuMs = (u + sy) * 1000;
      } catch { /* no GNU time */ }
      fs.rmSync(timeFile, { force: true });
      // latin1 kept the bytes while scanning; the guest's text is UTF-8.
      const { text: raw, marks } = stripMarkers(err);
      const text = Buffer.from(raw, 'latin1').toString('utf8');
      const s = samples.find((x) => x.tag === 's');
      const e = samples.find((x) => x.tag === 'e');
      const ms = marks.find((x) => x.tag === 's');
      const me = marks.find((x) => x.tag === 'e');
      const ok = !timedOut && code === 0;
      let error = null;
      if (timedOut) error = `timed out after ${timeoutMs / 1000}s`;
      else if (code !== 0) error = `exit ${code}${signal ? ` (${signal})` : ''}: ${text.trim().split('\n').slice(-3).join(' | ').slice(0, 200)}`;
      else if (sampleError) error = sampleError;
      else if (s && !e && samples.length === 1) error = 'the program calls bench.start but never bench.end';
      else if (!s || !e || samples.length !== 2) error = `expected one start and one end marker, saw ${samples.map((x) => x.tag).join('') || 'none'}`;
      resolve({
        ok: ok && !error,
        code,
        error,
        wallMs: Number(t1 - t0) / 1e6,
        cpuMs,
        rssKB,
        regionCpuMs: s && e ? (e.cpuNs - s.cpuNs) / 1e6 : NaN,
        regionWallMs: s && e ? Number(e.wall - s.wall) / 1e6 : NaN,
        guestClockMs: ms && me && ms.clock !== null && me.clock !== null ? (me.clock - ms.clock) / 1e6 : null,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: text,
      });
    });
  });
}

module.exports = { runMarked };
