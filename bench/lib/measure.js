'use strict';
// Runs one child process and measures it: wall time from spawn to exit,
// time to the first stdout byte, peak RSS (GNU time's %M, of the child
// itself: for node that is the whole node process), stdout (for the
// checksum), user+sys CPU time (all threads), and the JSON report that bench/lib/run-wasm.js writes.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const MAX_STDOUT = 1 << 20;

function tmpFile(dir, tag) {
  return path.join(dir, `${tag}-${process.pid}-${Math.random().toString(36).slice(2)}`);
}

// argv: [cmd, ...args].  Resolves (never rejects) with
// {ok, code, signal, wallMs, firstByteMs, rssKB, cpuMs (user+sys), stdout,
// stderr, report, error}.
// stdout: 'pipe' (captured) or 'devnull' (the child writes to /dev/null).
function runChild(argv, { timeoutMs = 300000, env = process.env, workDir = os.tmpdir(), stdout = 'pipe' } = {}) {
  return new Promise((resolve) => {
    const rssFile = tmpFile(workDir, 'rss');
    const reportFile = tmpFile(workDir, 'report');
    const full = GNU_TIME ? [GNU_TIME, '-f', '%M %U %S', '-o', rssFile, ...argv] : argv;
    const childEnv = { ...env, BENCH_REPORT: reportFile };
    const out = [];
    let outLen = 0;
    const err = [];
    let firstByte = null;
    let timedOut = false;
    const t0 = process.hrtime.bigint();
    const devnull = stdout === 'devnull' ? fs.openSync('/dev/null', 'w') : null;
    const child = spawn(full[0], full.slice(1), { stdio: ['ignore', devnull === null ? 'pipe' : devnull, 'pipe'], env: childEnv });
    if (devnull !== null) fs.closeSync(devnull);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    if (child.stdout) child.stdout.on('data', (d) => {
      if (firstByte === null) firstByte = process.hrtime.bigint();
      if (outLen < MAX_STDOUT) {
        out.push(d);
        outLen += d.length;
      }
    });
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, error: e.message, wallMs: NaN });
    });
    child.on('close', (code, signal) => {
      const t1 = process.hrtime.bigint();
      clearTimeout(timer);
      let rssKB = null;
      let cpuMs = null;
      let report = null;
      try {
        const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
        const [m, u, sy] = lines[lines.length - 1].split(' ').map(Number);
        if (Number.isFinite(m)) rssKB = m;
        if (Number.isFinite(u) && Number.isFinite(sy)) cpuMs = (u + sy) * 1000;
      } catch { /* no GNU time */ }
      try {
        report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
      } catch { /* not a run-wasm.js child */ }
      fs.rmSync(rssFile, { force: true });
      fs.rmSync(reportFile, { force: true });
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      // GNU time reports "Command exited with non-zero status N" on stderr
      // only when -o is absent; with -o it goes to the file, so code is the
      // child's own (time passes it through).
      const ok = !timedOut && code === 0;
      resolve({
        ok,
        code,
        signal,
        error: timedOut ? `timed out after ${timeoutMs / 1000}s` : ok ? null : `exit ${code}${signal ? ` (${signal})` : ''}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
        wallMs: Number(t1 - t0) / 1e6,
        firstByteMs: firstByte === null ? null : Number(firstByte - t0) / 1e6,
        rssKB,
        cpuMs,
        stdout,
        stderr,
        report,
      });
    });
  });
}

function median(a) {
  const s = a.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function geomean(a) {
  const s = a.filter((x) => Number.isFinite(x) && x > 0);
  if (!s.length) return NaN;
  return Math.exp(s.reduce((acc, x) => acc + Math.log(x), 0) / s.length);
}

module.exports = { runChild, median, geomean };
