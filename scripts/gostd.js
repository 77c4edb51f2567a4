#!/usr/bin/env node
'use strict';
// `npm run test:gostd`: runs Go's own standard-library tests for
// GOOS=wasip1 GOARCH=wasm through our go_wasip1_wasm_exec (bin/), one
// `go test` per package, and prints one line per package with the result
// and the wall time of `go test` (after an untimed `go test -c` so the
// compile is cached; "test" is go test's own figure for the test binary
// alone), then a table.  Not part of `npm test` (minutes of CPU).
//
//   node scripts/gostd.js [--node | --both] [--full] [--timeout=10m] [pkg...]
//
//   --node   run on node:wasi instead (scripts/node-wasi-exec.js), for comparison
//   --both   run each package on wasihost, then on node:wasi
//   --full   without -short
// Logs of every run are kept in build/gostd/<runtime>/<pkg>.log.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync, execFileSync } = require('child_process');

const root = path.join(__dirname, '..');
const DEFAULT_PKGS = ['strings', 'bytes', 'strconv', 'sort', 'math', 'unicode/utf8',
  'encoding/json', 'encoding/base64', 'regexp', 'bufio', 'errors', 'container/list', 'fmt',
  'path', 'text/template', 'time', 'os', 'io/fs', 'archive/tar', 'compress/gzip',
  'crypto/sha256', 'hash/crc32'];

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const opt = (name, dflt) => {
  const a = argv.find((x) => x.startsWith(`${name}=`));
  return a ? a.slice(name.length + 1) : dflt;
};
const pkgs = argv.filter((a) => !a.startsWith('-'));
const runtimes = flag('--both') ? ['wasihost', 'node'] : flag('--node') ? ['node'] : ['wasihost'];
const timeout = opt('--timeout', '10m');

function goVersion() {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], { env: { ...process.env, GOTOOLCHAIN: 'local' } }).toString().trim();
  } catch (_) {
    return null;
  }
}

// A directory whose go_wasip1_wasm_exec runs the chosen runtime.
function wrapperDir(runtime) {
  if (runtime === 'wasihost') return path.join(root, 'bin');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gostd-node-'));
  fs.symlinkSync(path.join(root, 'scripts', 'node-wasi-exec.js'), path.join(dir, 'go_wasip1_wasm_exec'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runOne(runtime, binDir, pkg) {
  const args = ['test', '-count=1', `-timeout=${timeout}`];
  if (!flag('--full')) args.push('-short');
  args.push(pkg);
  const env = {
    ...process.env,
    GOOS: 'wasip1', GOARCH: 'wasm', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off',
    GOFLAGS: [process.env.GOFLAGS, '-p=1'].filter(Boolean).join(' '),
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
  };
  const logDir = path.join(root, 'build', 'gostd', runtime === 'node' ? 'node-wasi' : 'wasihost');
  const log = path.join(logDir, `${pkg}.log`);
  // Build the test binary first, untimed, so the wall time below is the
  // run (go test still links, from cached packages).
  const pre = spawnSync('go', ['test', '-c', '-o', os.devNull, pkg], { env, stdio: 'ignore' });
  if (pre.error) throw pre.error;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn('go', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code, signal) => {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      fs.mkdirSync(path.dirname(log), { recursive: true }); // build/ may have been cleaned meanwhile
      fs.writeFileSync(log, `$ go ${args.join(' ')}\n${out}\nexit ${code}${signal ? ` signal ${signal}` : ''}\n`);
      let status = code === 0 ? 'pass' : 'FAIL';
      if (code === 0 && /no test files/.test(out)) status = 'no tests';
      // go test's own figure: the test binary's run time, without the build.
      const m = /^(?:ok|FAIL)\s+\S+\s+([\d.]+)s/m.exec(out);
      resolve({ status, secs, run: m ? Number(m[1]) : undefined, log, out });
    });
  });
}

function fmtSecs(s) {
  return `${s.toFixed(1)}s`;
}

async function main() {
  const gv = goVersion();
  if (!gv) {
    console.log('gostd: go not found; nothing to do');
    return 0;
  }
  const list = pkgs.length ? pkgs : DEFAULT_PKGS;
  console.log(`gostd: ${gv} GOOS=wasip1 GOARCH=wasm, ${flag('--full') ? 'full' : '-short'}, ` +
    `${list.length} packages on ${runtimes.map((r) => (r === 'node' ? 'node:wasi' : r)).join(' and ')}`);
  const dirs = Object.fromEntries(runtimes.map((r) => [r, wrapperDir(r)]));
  const results = {};
  let failed = 0;
  const width = Math.max(...list.map((p) => p.length));
  for (const pkg of list) {
    results[pkg] = {};
    for (const rt of runtimes) {
      const r = await runOne(rt, dirs[rt], pkg);
      results[pkg][rt] = r;
      if (r.status === 'FAIL') failed++;
      const name = rt === 'node' ? 'node:wasi' : rt;
      const run = r.run === undefined ? '' : ` (test ${fmtSecs(r.run)})`;
      let line = `${pkg.padEnd(width)}  ${name.padEnd(9)}  ${r.status.padEnd(4)}  ${fmtSecs(r.secs).padStart(7)}${run}`;
      if (r.status === 'FAIL') {
        const why = r.out.split('\n').find((l) => /^(--- FAIL|panic:|fatal error:|wasihost:|FAIL\s)/.test(l));
        line += `  ${why ? why.trim() : ''}  (log: ${path.relative(root, r.log)})`;
      }
      console.log(line);
    }
  }
  console.log('');
  console.log(`| package | ${runtimes.map((r) => (r === 'node' ? 'node:wasi' : r)).join(' | ')} |`);
  console.log(`|---|${runtimes.map(() => '---').join('|')}|`);
  for (const pkg of list) {
    console.log(`| ${pkg} | ${runtimes.map((rt) => {
      const r = results[pkg][rt];
      return `${r.status} ${fmtSecs(r.secs)}${r.run === undefined ? '' : ` (test ${fmtSecs(r.run)})`}`;
    }).join(' | ')} |`);
  }
  const total = (rt) => list.reduce((s, p) => s + results[p][rt].secs, 0);
  console.log(`| total | ${runtimes.map((rt) => {
    const passed = list.filter((p) => results[p][rt].status !== 'FAIL').length;
    return `${passed}/${list.length} ${fmtSecs(total(rt))}`;
  }).join(' | ')} |`);
  return failed ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(e);
  process.exitCode = 1;
});
