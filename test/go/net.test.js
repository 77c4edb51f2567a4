'use strict';
// Pre-opened sockets: a Go net/http server built for wasip1 serves on the
// listener wasihost hands it (`wasihost run --listen 127.0.0.1:0`, and
// `new WASI({ sockets })` in-process), driven by Node's http client with
// bounded request loops on loopback only.  Prints the request latencies
// (p50/p99) as test comments.
const t = require('tap');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const h = require('./harness.js');

const skip = h.skipReason();
if (skip || h.runtime() === 'node') {
  t.plan(0, skip || 'node:wasi cannot be handed sockets');
  process.exit(0);
}

const W = h.fixtures(['httpserver', 'noaccept']);
const cli = path.join(h.root, 'bin', 'wasihost.js');

// `wasihost run --listen 127.0.0.1:0 ...` in a child; resolves once the
// CLI has printed the port it got and the guest says it is serving.
function startServer(wasm, extra = [], ready = 'serving') {
  const child = spawn(process.execPath, [cli, 'run', '--listen', '127.0.0.1:0', ...extra, wasm],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '', code: undefined, child };
  out.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    out.code = code;
    out.signal = signal;
    resolve(out);
  }));
  child.stdout.on('data', (d) => { out.stdout += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out.stderr}`)), 60000);
    child.stderr.on('data', (d) => {
      out.stderr += d;
      const m = /listening on 127\.0\.0\.1:(\d+) \(fd 3\)/.exec(out.stderr);
      if (m && out.stderr.includes(ready)) {
        clearTimeout(timer);
        out.port = Number(m[1]);
        resolve(out);
      }
    });
    child.on('exit', () => reject(new Error(`server exited: ${out.stderr}`)));
  });
}

function get(port, p, agent) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(20000, () => req.destroy(new Error(`GET ${p} timed out`)));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

// Asks for a large response and hangs up after its first bytes.
function abortMidResponse(port, size) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/big?size=${size}`, agent: false }, (res) => {
      let got = 0;
      res.on('data', (d) => {
        got += d.length;
        if (got >= 65536) {
          req.destroy();
          resolve(got);
        }
      });
      res.on('end', () => reject(new Error('the whole response arrived')));
    });
    req.on('error', (e) => { if (e.code !== 'ECONNRESET' && !/aborted|socket hang up/.test(e.message)) reject(e); });
  });
}

t.test('Go net/http server: 1,000 requests, keep-alive clients, an aborted response', async (t) => {
  const srv = await startServer(W.httpserver);
  t.teardown(() => srv.child.kill());
  const CLIENTS = 4;
  const PER_CLIENT = 200;
  const times = [];
  const seen = new Set();
  // 4 concurrent keep-alive clients (one socket each, 200 requests each),
  // then 200 requests that each open a connection of their own.
  const agents = Array.from({ length: CLIENTS }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  await Promise.all(agents.map(async (agent) => {
    for (let i = 0; i < PER_CLIENT; i++) {
      const r = await get(srv.port, '/hello', agent);
      if (r.status !== 200 || !/^hello \d+\n$/.test(r.body)) throw new Error(`bad response ${r.status} ${r.body}`);
      seen.add(r.body);
      times.push(r.ms);
    }
  }));
  agents.forEach((a) => a.destroy());
  for (let i = 0; i < 200; i++) {
    const r = await get(srv.port, '/hello', false);
    seen.add(r.body);
    times.push(r.ms);
  }
  t.equal(times.length, 1000, '1,000 requests answered');
  t.equal(seen.size, 1000, 'each answered once (1,000 distinct counters)');

  const got = await abortMidResponse(srv.port, 64 << 20);
  t.ok(got >= 65536, 'the aborting client had part of a 64 MiB response');
  const after = await get(srv.port, '/hello', false);
  t.equal(after.body, 'hello 1002\n', 'the server goes on after a client hung up mid-response');

  const bye = await get(srv.port, '/quit', false);
  t.equal(bye.body, 'bye\n');
  const res = await srv.exited;
  t.equal(res.code, 0, 'the guest shut down cleanly');
  t.equal(res.stdout, 'served 1002, aborted big responses 1\n', 'the guest saw the broken write');

  times.sort((a, b) => a - b);
  t.comment(`latency over 1,000 requests: p50 ${percentile(times, 0.5).toFixed(2)} ms, ` +
    `p99 ${percentile(times, 0.99).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms`);
});

t.test('a guest that never accepts stops at --timeout', async (t) => {
  const t0 = Date.now();
  const srv = await startServer(W.noaccept, ['--timeout', '1500'], 'holding');
  t.teardown(() => srv.child.kill());
  // The kernel completes the handshake (backlog); nobody ever answers.
  const sock = net.connect(srv.port, '127.0.0.1');
  sock.on('error', () => {});
  const closed = new Promise((resolve) => sock.on('close', resolve));
  sock.write('GET / HTTP/1.0\r\n\r\n');
  const res = await srv.exited;
  t.equal(res.code, 134, 'trap exit status');
  t.match(res.stderr, /trap: interrupted/);
  t.ok(Date.now() - t0 < 30000, `stopped in ${Date.now() - t0} ms`);
  await closed;
  t.pass('the waiting client is disconnected when the guest ends');
});

t.test('an AbortSignal stops a guest waiting for connections', async (t) => {
  const { WASI } = require(path.join(h.root, 'lib', 'wasi.js'));
  const wh = require(path.join(h.root, 'lib', 'index.js'));
  const wasi = new WASI({ version: 'preview1', args: ['noaccept'], stderr: 'pipe', sockets: [{ listen: '127.0.0.1:0' }] });
  const inst = new wh.Instance(new wh.Module(fs.readFileSync(W.noaccept)), wasi.getImportObject());
  const ac = new AbortController();
  const run = wasi.startAsync(inst, { signal: ac.signal });
  const sock = net.connect(wasi.sockets[0].port, '127.0.0.1');
  sock.on('error', () => {});
  await new Promise((resolve) => sock.on('connect', resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const t0 = Date.now();
  ac.abort();
  await t.rejects(run, { name: 'RuntimeError', message: /interrupted/ });
  t.ok(Date.now() - t0 < 5000, `stopped ${Date.now() - t0} ms after the abort`);
  t.match(wasi.stderr.toString(), /^holding tcp\n/);
  sock.destroy();
});

t.test('new WASI({ sockets }) in-process: { host, port } and a net.Server handed over', async (t) => {
  const { WASI } = require(path.join(h.root, 'lib', 'wasi.js'));
  const wh = require(path.join(h.root, 'lib', 'index.js'));
  const server = net.createServer(() => t.fail('Node must not accept on a handed-over server'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handed = server.address().port;
  const trace = [];
  const wasi = new WASI({
    version: 'preview1', args: ['srv'], stdout: 'pipe', stderr: 'pipe',
    sockets: [server, { host: '127.0.0.1', port: 0 }],
    trace: (l) => trace.push(l), traceCategories: ['sock'],
  });
  t.notOk(server.listening, 'the net.Server was closed in Node once its socket was duplicated');
  const socks = wasi.sockets;
  t.equal(socks.length, 2);
  t.same(socks[0], { fd: 3, address: '127.0.0.1', port: handed, family: 'IPv4' });
  t.equal(socks[1].fd, 4);
  t.ok(socks[1].port > 0, 'port 0 became a real port');
  const inst = new wh.Instance(new wh.Module(fs.readFileSync(W.httpserver)), wasi.getImportObject());
  const run = wasi.startAsync(inst, { timeout: 60000 });
  // The guest serves fd 3 (the handed-over server); fd 4 is unused.
  let r;
  for (let i = 0; i < 200 && !r; i++) {
    r = await get(handed, '/hello', false).catch(() => new Promise((res) => setTimeout(res, 50)));
  }
  t.equal(r && r.body, 'hello 1\n', 'the guest answers on the handed-over socket');
  t.equal((await get(handed, '/quit', false)).body, 'bye\n');
  t.equal(await run, 0);
  t.equal(wasi.stdout.toString(), 'served 1, aborted big responses 0\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const accepted = new RegExp(`^sock_accept\\(fd=3 "tcp 127\\.0\\.0\\.1:${handed}", 0\\) -> fd=\\d+ "peer 127\\.0\\.0\\.1:\\d+"$`);
  t.ok(trace.some((l) => accepted.test(l)), 'the trace names the listener and the peer');
  t.ok(trace.some((l) => l === `sock_accept(fd=3 "tcp 127.0.0.1:${handed}", 0) -> EAGAIN`), 'a non-blocking accept with nothing pending');
});

t.test('bad sockets options are clear errors', async (t) => {
  const { WASI } = require(path.join(h.root, 'lib', 'wasi.js'));
  t.throws(() => new WASI({ sockets: {} }), { name: 'TypeError', message: /options.sockets must be an array/ });
  t.throws(() => new WASI({ sockets: ['x'] }), { name: 'TypeError', message: /sockets\[0\] must be/ });
  t.throws(() => new WASI({ sockets: [{ port: 70000 }] }), { name: 'TypeError', message: /port must be 0-65535/ });
  t.throws(() => new WASI({ sockets: [{ listen: 'no-port' }] }), /listen address 'no-port' is not HOST:PORT/);
  t.throws(() => new WASI({ sockets: [{ listen: '[::1' + ':x' }] }), /is not HOST:PORT/);
  t.throws(() => new WASI({ sockets: [net.createServer()] }), { name: 'TypeError', message: /must be listening/ });
  t.throws(() => new WASI({ sockets: [{ fd: 0 }] }), /not a socket/, 'stdin is no listener');
  const busy = net.createServer();
  await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.throws(() => new WASI({ sockets: [{ listen: `127.0.0.1:${busy.address().port}` }] }), /cannot listen on .*Address already in use/);
  busy.close();
});
