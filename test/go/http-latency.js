#!/usr/bin/env node
'use strict';
// Not a test: measures the Go net/http fixture (test/go/programs/httpserver)
// serving on a pre-opened socket under wasihost and, when `wazero` is on
// PATH (go install github.com/tetratelabs/wazero/cmd/wazero@latest), under
// wazero in the same run, with the same client load:
//
//   node test/go/http-latency.js [--requests N] [--clients C]
//
// Each runtime: 50 warm-up requests, then N requests from one keep-alive
// client (latency unloaded), then N more spread over C concurrent keep-alive
// clients.  Prints p50/p99 per phase, wall time, and the server process's
// CPU time (user+sys from /proc, Linux only).
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const h = require('./harness.js');

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const N = arg('--requests', 2000);
const C = arg('--clients', 4);

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(port, p, agent) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    }).on('error', reject);
  });
}

function cpuMs(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, 100 Hz ticks
  } catch (_) { return NaN; }
}

const pct = (s, p) => s[Math.min(s.length - 1, Math.floor(s.length * p))].toFixed(2);

async function measure(name, cmd, args, port) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  for (let i = 0; ; i++) {
    try { await get(port, '/hello', false); break; } catch (e) {
      if (i > 2400) throw new Error(`${name} did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const one = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 50; i++) await get(port, '/hello', one);
  const cpu0 = cpuMs(child.pid);
  const t0 = Date.now();
  const seq = [];
  for (let i = 0; i < N; i++) seq.push(await get(port, '/hello', one));
  const conc = [];
  const agents = Array.from({ length: C }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  await Promise.all(agents.map(async (a) => {
    for (let i = 0; i < N / C; i++) conc.push(await get(port, '/hello', a));
  }));
  const wall = Date.now() - t0;
  const cpu = cpuMs(child.pid) - cpu0;
  [one, ...agents].forEach((a) => a.destroy());
  await get(port, '/quit', false).catch(() => {});
  await new Promise((r) => { child.on('exit', r); setTimeout(() => { child.kill(); r(); }, 5000); });
  seq.sort((a, b) => a - b);
  conc.sort((a, b) => a - b);
  console.log(`${name.padEnd(10)} 1 client: p50 ${pct(seq, 0.5)} ms p99 ${pct(seq, 0.99)} ms | ` +
    `${C} clients: p50 ${pct(conc, 0.5)} ms p99 ${pct(conc, 0.99)} ms | ` +
    `${2 * N} requests in ${wall} ms wall, server CPU ${cpu} ms`);
}

(async () => {
  const { httpserver } = h.fixtures(['httpserver']);
  let port = await freePort();
  await measure('wasihost', process.execPath,
    [path.join(h.root, 'bin', 'wasihost.js'), 'run', '--listen', `127.0.0.1:${port}`, httpserver], port);
  if (spawnSync('wazero', ['version']).status === 0) {
    port = await freePort();
    await measure('wazero', 'wazero', ['run', '-listen', `127.0.0.1:${port}`, httpserver], port);
  } else {
    console.log('wazero: not on PATH (go install github.com/tetratelabs/wazero/cmd/wazero@latest)');
  }
})().catch((e) => { console.error(e); process.exitCode = 1; });
