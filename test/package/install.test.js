'use strict';
// The package as users get it: `npm pack` (prepack builds the prebuilt
// binary for this platform), then `npm install <tarball>` into an empty
// project with no network (--offline, an unreachable registry, an empty
// cache): with the install script, without it (--ignore-scripts, and npm
// 11's default of not running unapproved dependency scripts), from source,
// and with nothing loadable, where the error must say what to install.
// Each install is then required, imported as ESM, type-checked and run.
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..', '..');
const smoke = path.join(__dirname, 'fixtures', 'smoke.js');
const host = `${process.platform}-${process.arch}`;
const prebuiltHere = ['linux-x64', 'linux-arm64'].includes(host);
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasihost-pkg-')));
t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

function npm(args, opts = {}) {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--offline',
    '--registry=http://127.0.0.1:9/', `--cache=${path.join(tmp, 'npm-cache')}`], {
    encoding: 'utf8', timeout: 300000, ...opts,
    env: { ...process.env, ...opts.env, npm_config_loglevel: 'warn' },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

function node(args, cwd) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// Packs once; every install below uses the same tarball.
const packed = npm(['pack', '--pack-destination', tmp, '--json'], {
  cwd: root, env: { WASIHOST_PREBUILD_TARGETS: prebuiltHere ? host : '' },
});
// npm pack --json prints its JSON after whatever prepack printed.
let packJson = null;
try {
  packJson = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[\s*\{/m)))[0];
} catch (_) { /* reported below */ }
const tarball = packJson && path.join(tmp, packJson.filename);

t.test('npm pack: what the tarball holds', async (t) => {
  t.equal(packed.status, 0, 'npm pack succeeds', { output: packed.out.slice(-2000) });
  t.ok(tarball && fs.existsSync(tarball), 'tarball written');
  const files = packJson ? packJson.files.map((f) => f.path) : [];
  for (const f of ['LICENSE', 'README.md', 'binding.gyp', 'scripts/sources.js', 'scripts/cflags.js',
    'scripts/install.js', 'lib/index.mjs', 'index.d.ts', 'examples/hello.wasm', 'include/wasihost.h']) {
    t.ok(files.includes(f), `ships ${f}`);
  }
  if (prebuiltHere) t.ok(files.includes(`prebuilds/${host}/wasihost.glibc.node`), `ships the ${host} binary`);
  const testData = files.filter((f) => /^(test|bench|fuzz|build|node_modules)\//.test(f) || f.endsWith('.tar.br'));
  t.same(testData, [], 'no tests, test data or build output');
});

// A fresh project with the tarball installed: npm install flags, and the
// allowScripts entry npm 11 needs before it runs a dependency's install script.
function project(name, installArgs, allowScripts) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const pkg = { name, version: '1.0.0', private: true };
  if (allowScripts) pkg.allowScripts = { [`file:${tarball}`]: true };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  const r = npm(['install', '--foreground-scripts', ...installArgs, tarball], { cwd: dir });
  return { dir, pkgDir: path.join(dir, 'node_modules', 'wasihost'), ...r };
}

function works(t, p) {
  const s = node([smoke, p.pkgDir], p.dir);
  t.equal(s.status, 0, 'require() runs a WASI module, a computation and a trap', { output: s.out });
  const esm = node(['--input-type=module', '-e',
    "import { WASI, Module, Instance, instantiate } from 'wasihost'; import w from 'wasihost';" +
    "import fs from 'node:fs';" +
    "const wasi = new WASI({ version: 'preview1', args: ['hello', 'esm'], stdout: 'pipe' });" +
    "const bytes = fs.readFileSync('node_modules/wasihost/examples/hello.wasm');" +
    'const { instance } = await instantiate(bytes, wasi.getImportObject());' +
    'const code = wasi.start(instance);' +
    "console.log(code, wasi.stdout.toString().trim(), w.Module === Module, typeof Instance);"], p.dir);
  t.equal(esm.out.trim(), '0 Hello, esm, from WebAssembly on wasihost! true function', 'ESM named imports work');
  const cli = spawnSync(path.join(p.dir, 'node_modules', '.bin', 'wasihost'),
    ['run', 'node_modules/wasihost/examples/hello.wasm', 'cli'], { cwd: p.dir, encoding: 'utf8' });
  t.equal(cli.stdout, 'Hello, cli, from WebAssembly on wasihost!\n', 'the wasihost bin runs the example');
}

t.test('install with the install script (prebuilt binary)', { skip: !tarball || !prebuiltHere && 'no prebuilt binary for this platform' }, async (t) => {
  const p = project('with-scripts', [], true);
  t.equal(p.status, 0, 'npm install succeeds', { output: p.out });
  t.match(p.out, `wasihost: using the prebuilt binary prebuilds/${host}/`, 'the install script picked the prebuilt binary');
  t.notOk(fs.existsSync(path.join(p.pkgDir, 'build')), 'nothing was compiled');
  works(t, p);
});

t.test('install with --ignore-scripts', { skip: !tarball || !prebuiltHere && 'no prebuilt binary for this platform' }, async (t) => {
  const p = project('no-scripts', ['--ignore-scripts'], true);
  t.equal(p.status, 0, 'npm install succeeds', { output: p.out });
  t.notMatch(p.out, 'wasihost:', 'the install script did not run');
  works(t, p);

  // Nothing loadable: the error names the platform and what to install.
  fs.rmSync(path.join(p.pkgDir, 'prebuilds'), { recursive: true });
  const r = node(['-e', "require('wasihost')"], p.dir);
  t.not(r.status, 0, 'require fails without any binary');
  t.match(r.out, 'cannot load the native addon', 'says what failed');
  t.match(r.out, /apt-get install python3 make gcc/, 'says what to install');
  t.match(r.out, 'npm --prefix node_modules/wasihost run build', 'says how to build');
});

t.test('install --build-from-source: node-gyp builds the addon', { skip: !tarball }, async (t) => {
  const p = project('from-source', ['--build-from-source'], true);
  t.equal(p.status, 0, 'npm install succeeds', { output: p.out.slice(-3000) });
  t.ok(fs.existsSync(path.join(p.pkgDir, 'build', 'Release', 'wasihost.node')), 'build/Release/wasihost.node built');
  fs.rmSync(path.join(p.pkgDir, 'prebuilds'), { recursive: true, force: true });
  works(t, p);
});

t.test('tsc --strict type-checks a typed example against the installed types', { skip: !tarball || !prebuiltHere && 'no prebuilt binary' }, async (t) => {
  const p = project('types', ['--ignore-scripts'], false);
  t.equal(p.status, 0, 'npm install succeeds', { output: p.out });
  fs.copyFileSync(path.join(__dirname, 'fixtures', 'typed-example.ts'), path.join(p.dir, 'example.ts'));
  fs.writeFileSync(path.join(p.dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
      types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')],
    },
    files: ['example.ts'],
  }));
  const tsc = node([path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], p.dir);
  t.equal(tsc.status, 0, 'tsc --strict --noEmit passes', { output: tsc.out });
});
