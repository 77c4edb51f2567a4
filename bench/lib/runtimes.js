'use strict';
// The runtimes compared, and the command line that runs a WASI command
// module (or the native build) on each.  Every run is a child process of its
// own.  Peers are looked up in the tools dirs (see findTool), then on PATH;
// a peer that is not installed is reported as such and skipped.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const RUN_WASM = path.join(__dirname, 'run-wasm.js');

// Where `--install-peers` puts peers, and where they are looked for.
// build/ is wiped by `node-gyp rebuild` (npm run build), so a copy under
// ~/.cache survives the lead's rebuilds.
function toolDirs(cacheDir) {
  const dirs = [];
  if (process.env.WASIHOST_BENCH_TOOLS) dirs.push(process.env.WASIHOST_BENCH_TOOLS);
  dirs.push(path.join(cacheDir, 'tools'));
  dirs.push(path.join(os.homedir(), '.cache', 'wasihost-bench', 'tools'));
  return dirs;
}

function findTool(cacheDir, names) {
  for (const dir of toolDirs(cacheDir)) {
    for (const n of names) {
      const f = path.join(dir, 'bin', n);
      if (fs.existsSync(f)) return f;
    }
  }
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const n of names) {
      const f = path.join(dir, n);
      if (dir && fs.existsSync(f)) return f;
    }
  }
  return null;
}

function version(cmd, args) {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
    return out.trim().split('\n')[0];
  } catch (e) {
    return (e.stdout || '').trim().split('\n')[0] || null;
  }
}

// wasm3 and WAMR are built from their sources by whoever runs the bench
// (bench/README.md has the flags); this finds the binaries under a
// source dir given by --peer-src or $WASIHOST_BENCH_PEER_SRC.
const PEER_SRC_BINS = {
  wasm3: ['wasm3/build/wasm3', 'bin/wasm3'],
  iwasm: ['wasm-micro-runtime/product-mini/platforms/linux/build/iwasm', 'bin/iwasm'],
};

function findPeerSrc(peerSrc, name) {
  for (const dir of [peerSrc, process.env.WASIHOST_BENCH_PEER_SRC]) {
    if (!dir) continue;
    for (const rel of PEER_SRC_BINS[name]) {
      const f = path.join(dir, rel);
      if (fs.existsSync(f)) return f;
    }
  }
  return null;
}

// Each runtime: name, label, kind ('wasm' runs .wasm, 'native' the gcc
// build), argv(file, args) -> [cmd, ...argv], version, and dirArgv(file):
// the command that runs FILE with the working directory (the child's cwd)
// preopened at `.`, for the Sightglass programs.  `addons` adds one
// wasihost runtime per { name, file } (another build of the addon).
function discover(cacheDir, { peerSrc = null, addons = [] } = {}) {
  const node = process.execPath;
  const list = [
    {
      name: 'wasihost', label: 'wasihost', kind: 'wasm', inNode: true,
      argv: (file, args) => [node, RUN_WASM, 'wasihost', file, ...args],
      dirArgv: (file) => [node, RUN_WASM, 'wasihost', file],
      dirEnv: { BENCH_PREOPEN: '.' },
      version: `node ${process.version}`,
    },
    ...addons.map((a) => ({
      name: `wasihost@${a.name}`, label: `wasihost@${a.name}`, kind: 'wasm', inNode: true, addon: a.file,
      env: { WASIHOST_BINDING: a.file },
      argv: (file, args) => [node, RUN_WASM, 'wasihost', file, ...args],
      dirArgv: (file) => [node, RUN_WASM, 'wasihost', file],
      dirEnv: { BENCH_PREOPEN: '.' },
      version: a.file,
    })),
    {
      name: 'nodewasi', label: 'node:wasi (V8)', kind: 'wasm', inNode: true,
      argv: (file, args) => [node, '--no-warnings', RUN_WASM, 'nodewasi', file, ...args],
      dirArgv: (file) => [node, '--no-warnings', RUN_WASM, 'nodewasi', file],
      dirEnv: { BENCH_PREOPEN: '.' },
      version: `V8 ${process.versions.v8}`,
    },
  ];
  const missing = [];
  const wazero = findTool(cacheDir, ['wazero']);
  if (wazero) {
    list.push({
      name: 'wazero', label: 'wazero -interpreter', kind: 'wasm', slow: true,
      argv: (file, args) => [wazero, 'run', '-interpreter', file, ...args],
      dirArgv: (file) => [wazero, 'run', '-interpreter', '-mount', '.:.', file],
      version: version(wazero, ['version']),
    });
  } else {
    missing.push({ name: 'wazero', why: 'not installed (node bench/bench.js --install-peers)' });
  }
  const wasmi = findTool(cacheDir, ['wasmi', 'wasmi_cli']);
  if (wasmi) {
    list.push({
      name: 'wasmi', label: 'wasmi', kind: 'wasm',
      // The wasmi_cli crate installs `wasmi`.  Guest args follow the file
      // (no `--`: it would reach the guest as argv[1]); its default
      // compilation mode is lazy translation, like ours.
      argv: (file, args) => [wasmi, 'run', file, ...args],
      dirArgv: (file) => [wasmi, 'run', '--dir', '.', file],
      version: version(wasmi, ['--version']),
    });
  } else {
    missing.push({ name: 'wasmi', why: 'not installed (node bench/bench.js --install-peers)' });
  }
  const wasm3 = findPeerSrc(peerSrc, 'wasm3') || findTool(cacheDir, ['wasm3']);
  if (wasm3) {
    list.push({
      name: 'wasm3', label: 'wasm3', kind: 'wasm',
      // Its uvwasi build preopens the working directory as `.` itself.
      argv: (file, args) => [wasm3, file, ...args],
      dirArgv: (file) => [wasm3, file],
      version: version(wasm3, ['--version']),
    });
  } else {
    missing.push({ name: 'wasm3', why: 'not built (--peer-src DIR, see bench/README.md)' });
  }
  const iwasm = findPeerSrc(peerSrc, 'iwasm') || findTool(cacheDir, ['iwasm']);
  if (iwasm) {
    list.push({
      name: 'wamr', label: 'WAMR fast-interp', kind: 'wasm',
      argv: (file, args) => [iwasm, file, ...args],
      dirArgv: (file) => [iwasm, '--dir=.', file],
      version: version(iwasm, ['--version']),
    });
  } else {
    missing.push({ name: 'wamr', why: 'not built (--peer-src DIR, see bench/README.md)' });
  }
  list.push({
    name: 'native', label: 'native (gcc -O2)', kind: 'native',
    argv: (file, args) => [file, ...args],
    version: version('gcc', ['--version']),
  });
  return { runtimes: list, missing };
}

// Installs wazero (Go module proxy) and wasmi_cli (crates.io) into
// DIR/bin, one at a time with one job each (the machine is shared).
function installPeers(dir, log) {
  const { execFileSync: run } = require('child_process');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const results = {};
  try {
    log(`installing wazero into ${dir}/bin (go install)`);
    run('go', ['install', 'github.com/tetratelabs/wazero/cmd/wazero@latest'], {
      stdio: 'inherit', env: { ...process.env, GOBIN: path.join(dir, 'bin'), GOFLAGS: '-p=1' },
      cwd: os.tmpdir(),
    });
    results.wazero = 'ok';
  } catch (e) {
    results.wazero = `failed: ${e.message}`;
  }
  try {
    log(`installing wasmi_cli into ${dir}/bin (cargo install -j1; takes several minutes)`);
    run('cargo', ['install', 'wasmi_cli', '--root', dir, '-j', '1'], { stdio: 'inherit' });
    results.wasmi = 'ok';
  } catch (e) {
    results.wasmi = `failed: ${e.message}`;
  }
  return results;
}

module.exports = { discover, installPeers, findTool, toolDirs };
