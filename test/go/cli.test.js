'use strict';
// lib/cli.js: argument parsing, Go's exec-wrapper convention, and the exit
// statuses of `wasihost run` for traps, limits and load errors (small wat
// modules; no Go needed).
const t = require('tap');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const cli = require('../../lib/cli.js');
const h = require('./harness.js');

const { parseArgs, goExecArgs, parseSize, UsageError } = cli;

t.test('parseArgs: grants', async (t) => {
  const o = parseArgs(['run', '--dir', '/h/a::/data', '--dir=/h/b', '--dir-ro', '/h/c::/ro',
    '--mount=/h/d:/d', '--mount', '/h/e:/e:ro', '-mount=/h/f', 'm.wasm', 'x', '--dir', 'y'], {});
  t.same(o.mounts, [
    { host: '/h/a', guest: '/data', readonly: false },
    { host: '/h/b', guest: '/h/b', readonly: false },
    { host: '/h/c', guest: '/ro', readonly: true },
    { host: '/h/d', guest: '/d', readonly: false },
    { host: '/h/e', guest: '/e', readonly: true },
    { host: '/h/f', guest: '/h/f', readonly: false },
  ]);
  t.equal(o.wasm, 'm.wasm');
  t.same(o.args, ['x', '--dir', 'y'], 'words after the module are the guest\'s');
});

t.test('parseArgs: environment', async (t) => {
  const host = { HOME: '/root', TERM: 'xterm', EMPTY: '' };
  const o = parseArgs(['--env', 'A=1', '--env=B=x=y', '--env', 'HOME', '--env-inherit', 'TERM',
    '--env-inherit=NOPE', '--env', 'EMPTY', '--env', 'A=2', 'm.wasm'], host);
  t.same(o.env, [['A', '2'], ['B', 'x=y'], ['HOME', '/root'], ['TERM', 'xterm'], ['EMPTY', '']]);
  t.same(parseArgs(['m.wasm'], host).env, [], 'nothing is inherited by default');
});

t.test('parseArgs: limits and misc', async (t) => {
  const o = parseArgs(['--fuel', '1000', '--max-memory', '64M', '--timeout=50', '--argv0', 'prog',
    '--invoke', 'f', '--', '-weird.wasm', '1'], {});
  t.equal(o.fuel, 1000);
  t.equal(o.maxMemory, 64 * 1024 * 1024);
  t.equal(o.timeout, 50);
  t.equal(o.argv0, 'prog');
  t.equal(o.invoke, 'f');
  t.equal(o.wasm, '-weird.wasm', '-- ends the options');
  t.same(o.args, ['1']);
  t.equal(parseArgs(['--fuel', '18446744073709551615', 'm'], {}).fuel, 18446744073709551615n, 'big fuel is a BigInt');
  t.equal(parseSize('1k'), 1024);
  t.equal(parseSize('2GiB'), 2 * 1024 ** 3);
  t.equal(parseSize('4096'), 4096);
  t.same(parseArgs(['--help'], {}), { command: 'help' });
  t.same(parseArgs(['run', '-h', 'm.wasm'], {}), { command: 'help' });
  t.same(parseArgs(['--version'], {}), { command: 'version' });
  t.equal(parseArgs(['m.wasm', 'a'], {}).wasm, 'm.wasm', '"run" may be left out');
});

t.test('parseArgs: errors', async (t) => {
  const bad = [
    [['run'], /missing module\.wasm/],
    [['--frobnicate', 'm.wasm'], /unknown option --frobnicate/],
    [['--dir'], /--dir needs a value/],
    [['--dir', '::/x', 'm'], /expected HOST\[::GUEST\]/],
    [['--mount=a:b:c', 'm'], /expected HOST:GUEST\[:ro\]/],
    [['--env', '=x', 'm'], /empty name/],
    [['--env-inherit', 'A=1', 'm'], /expected a variable name/],
    [['--fuel', '-1', 'm'], /not a non-negative integer/],
    [['--max-memory', 'lots', 'm'], /not a size/],
    [['--listen', '8080', 'm'], /--listen: expected HOST:PORT/],
    [['--listen', '::1:80', 'm'], /--listen: expected HOST:PORT/],
    [['--listen', 'localhost:99999', 'm'], /--listen: expected HOST:PORT/],
    [['--deterministic=yes', 'm'], /--deterministic takes no value/],
    [['--seed', '3', 'm'], /--seed needs --deterministic/],
    [['--trace=disk', 'm'], /--trace: unknown category "disk"/],
  ];
  for (const [argv, re] of bad) {
    t.throws(() => parseArgs(argv, {}), { constructor: UsageError, message: re }, argv.join(' '));
  }
});

t.test('parseArgs: sockets, deterministic mode, trace', async (t) => {
  const o = parseArgs(['run', '--listen', '127.0.0.1:0', '--tcplisten=[::1]:8080', '-listen', ':9000',
    '--deterministic', '--seed', '7', '--trace=fs,sock', 'm.wasm', '--trace'], {});
  t.same(o.listen, ['127.0.0.1:0', '[::1]:8080', ':9000'], 'wazero, wasmtime and our spellings, in order');
  t.equal(o.deterministic, true);
  t.equal(o.seed, 7);
  t.same(o.trace, ['fs', 'sock']);
  t.same(o.args, ['--trace'], 'options after the module are the guest\'s');
  t.same(parseArgs(['--trace', 'm.wasm'], {}).trace, ['all'], 'bare --trace: everything, and takes no value');
  const plain = parseArgs(['m.wasm'], {});
  t.same([plain.listen, plain.deterministic, plain.trace], [[], false, undefined], 'all off by default');
  const go = goExecArgs(['m.wasm'], { GOWASIRUNTIMEARGS: '--listen=127.0.0.1:8080 --deterministic' }, '/');
  t.same(parseArgs(go, {}).listen, ['127.0.0.1:8080'], 'GOWASIRUNTIMEARGS carries --listen');
  t.match(cli.USAGE, /--listen ADDR/);
  t.match(cli.USAGE, /--deterministic/);
  t.match(cli.USAGE, /--trace\[=CATS\]/);
});

t.test('goExecArgs: what the Go wrapper grants', async (t) => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wh-cli-')));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const link = `${dir}-link`;
  fs.symlinkSync(dir, link);
  t.teardown(() => fs.rmSync(link, { force: true }));
  const env = { PATH: '/usr/bin:/bin', PWD: link, HOME: '/root', GOWASIRUNTIMEARGS: ' --fuel 99  --env=X=1 ' };
  const argv = goExecArgs(['/tmp/x.test', '-test.v', '-test.run=Foo'], env, dir);
  t.same(argv, ['run', '--mount=/:/', `--env=PWD=${link}`, '--env=PATH=/usr/bin:/bin',
    '--fuel', '99', '--env=X=1', '--', '/tmp/x.test', '-test.v', '-test.run=Foo']);
  const o = parseArgs(argv, env);
  t.same(o.env, [['PWD', link], ['PATH', '/usr/bin:/bin'], ['X', '1']], 'HOME is not passed');
  t.same(o.mounts, [{ host: '/', guest: '/', readonly: false }]);
  t.equal(o.fuel, 99);
  t.same(o.args, ['-test.v', '-test.run=Foo']);
  // A PWD that is not the working directory is not believed.
  t.equal(goExecArgs(['m'], { PWD: '/' }, dir)[2], `--env=PWD=${dir}`);
  t.throws(() => goExecArgs([], {}), UsageError);
});

t.test('main: help, version, usage and load errors', async (t) => {
  const out = [];
  const err = [];
  const io = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: {} };
  t.equal(cli.main(['--help'], io), 0);
  t.match(out.join(''), /Nothing is ambient: without --dir the module sees no files at all, without\n--env its environment is empty/);
  t.match(out.join(''), /--timeout MS +trap with "interrupted"/);
  out.length = 0;
  t.equal(cli.main(['--version'], io), 0);
  t.match(out.join(''), /^wasihost \d+\.\d+\.\d+\n$/);
  t.equal(cli.main(['run', '--bogus', 'x.wasm'], io), 2);
  t.match(err.join(''), /^wasihost: unknown option --bogus\nTry 'wasihost --help'\.\n$/);
  err.length = 0;
  t.equal(cli.main([], { ...io, go: true }), 2);
  t.match(err.join(''), /^go_wasip1_wasm_exec: usage: go_wasip1_wasm_exec module\.wasm/);
});

// ---------------------------------------------------------------------
// Running small modules (needs the addon and wabt).

let wabt;
try { wabt = require('wabt'); } catch (_) { wabt = null; }
const whSkip = h.runtime() === 'node' ? 'GO_TEST_RUNTIME=node' : h.wasihostReason() || (!wabt && 'wabt not installed');

t.test('running: traps, limits, load errors', { skip: whSkip }, async (t) => {
  const w = await wabt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-cli-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const build = (name, src) => {
    const m = w.parseWat(`${name}.wat`, src);
    m.resolveNames();
    m.validate();
    const file = path.join(dir, `${name}.wasm`);
    fs.writeFileSync(file, Buffer.from(m.toBinary({ write_debug_names: true }).buffer));
    return file;
  };
  const trap = build('trap', `(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
    (func $middle (result i32) (call $inner (i32.const 0)))
    (func (export "_start") (drop (call $middle)))
    (func (export "spin") (loop $l (br $l)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
    (func (export "bye") (call $exit (i32.const 42))))`);
  const exit = build('exit', `(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (call $exit (i32.const 3))))`);
  const run = (args) => h.runCli(['run', ...args]);

  const r = run([trap]);
  t.equal(r.code, 134, 'a trap exits 134');
  t.match(r.stderr, /^wasihost: trap: integer divide by zero\n/);
  t.equal(r.stdout, '');

  const e = run([exit]);
  t.equal(e.code, 3, 'proc_exit code');
  t.equal(e.stderr, '');

  const fuel = run(['--fuel', '100000', '--invoke', 'spin', trap]);
  t.equal(fuel.code, 134);
  t.match(fuel.stderr, /^wasihost: trap: fuel exhausted\nwasm backtrace:\n {2,3}0: /, 'trap text, then the wasm backtrace');

  t.equal(run(['--max-memory', '1M', '--invoke', 'grow', trap, '100']).stdout, '-1\n', 'grow beyond the cap fails');
  t.equal(run(['--max-memory', '1M', '--invoke', 'grow', trap, '15']).stdout, '1\n', 'grow within the cap works');
  t.equal(run(['--invoke', 'grow', trap, '100']).stdout, '1\n', 'no cap');
  t.equal(run(['--invoke', 'add64', trap, '9007199254740993', '1']).stdout, '9007199254740994\n', 'i64 args are exact');
  t.equal(run(['--invoke', 'bye', trap]).code, 42, 'proc_exit from an invoked export');

  const t0 = Date.now();
  const to = run(['--timeout', '100', '--invoke', 'spin', trap]);
  t.equal(to.code, 134, '--timeout stops a spinning export: the trap status');
  t.match(to.stderr, /^wasihost: trap: interrupted\n/);
  t.ok(Date.now() - t0 < 20000, 'and the CLI comes back');
  t.equal(run(['--timeout', '5000', '--invoke', 'add64', trap, '1', '2']).stdout, '3\n',
    'a run within its timeout is not affected');
  t.equal(run(['--timeout', 'soon', '--invoke', 'spin', trap]).code, 2, 'a bad --timeout is a usage error');

  const missing = run([path.join(dir, 'absent.wasm')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cannot read .*absent\.wasm: no such file/);

  const junk = path.join(dir, 'junk.wasm');
  fs.writeFileSync(junk, 'not wasm at all');
  const j = run([junk]);
  t.equal(j.code, 1);
  t.match(j.stderr, /^wasihost: .*junk\.wasm: CompileError: /);

  // The guest runs in the CLI's own process: a signal ends it directly and
  // the parent sees the signal (a shell reports 128 + signo).
  const { spawn } = require('child_process');
  // Not with tap's NODE_OPTIONS: the module it preloads catches SIGTERM
  // (signal-exit) and would act on it on the JS thread, which the guest
  // holds.  tap re-adds NODE_OPTIONS to whatever env a test passes to
  // spawn, so it is removed on the far side of exec.
  const child = spawn('/bin/sh', ['-c', 'exec env -u NODE_OPTIONS "$0" "$@"', process.execPath,
    path.join(h.root, 'bin', 'wasihost.js'), 'run', '--invoke', 'spin', trap], { stdio: 'ignore' });
  // A SIGTERM that lands while node is still starting up can be lost (seen
  // under a loaded CI machine), so it is repeated until the child is gone;
  // the guest is spinning by the later ones.
  let tries = 0;
  const timer = setInterval(() => {
    if (++tries > 6) child.kill('SIGKILL');
    else child.kill('SIGTERM');
  }, 500);
  const [code, signal] = await new Promise((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearInterval(timer);
  t.same([code, signal], [null, 'SIGTERM'], 'a spinning guest dies of SIGTERM');
  t.ok(tries <= 6, `without SIGKILL (${tries} SIGTERMs sent)`);

  const nodir = run(['--dir', path.join(dir, 'nope'), exit]);
  t.equal(nodir.code, 1);
  t.match(nodir.stderr, /--dir .*nope: not a directory/);
});

t.test('the bin scripts are executable and work through a symlink', async (t) => {
  for (const name of ['wasihost.js', 'go_wasip1_wasm_exec']) {
    const file = path.join(h.root, 'bin', name);
    t.ok(fs.statSync(file).mode & 0o111, `${name} is executable`);
    t.match(fs.readFileSync(file, 'utf8'), /^#!\/usr\/bin\/env node\n/, `${name} has a node shebang`);
  }
  // npm links bin entries into node_modules/.bin: a symlink in another
  // directory must still find lib/.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wh-bin-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.symlinkSync(path.join(h.root, 'bin', 'go_wasip1_wasm_exec'), path.join(dir, 'go_wasip1_wasm_exec'));
  fs.symlinkSync(path.join(h.root, 'bin', 'wasihost.js'), path.join(dir, 'wasihost'));
  const help = spawnSync(path.join(dir, 'wasihost'), ['--help']);
  t.equal(help.status, 0);
  t.match(help.stdout.toString(), /^Usage: wasihost run/);
  const g = spawnSync(path.join(dir, 'go_wasip1_wasm_exec'), []);
  t.equal(g.status, 2);
  t.match(g.stderr.toString(), /usage: go_wasip1_wasm_exec module\.wasm/);
});
