'use strict';
// Go wasip1 programs (test/go/programs/*) run through `wasihost run`: each
// case asserts the program's output and exit status.  Skips cleanly without
// Go >= 1.24 or without a built addon.  GO_TEST_RUNTIME=node runs the same
// cases on node:wasi to check the expectations.
const t = require('tap');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./harness.js');

const skip = h.skipReason();
if (skip) {
  t.plan(0, skip);
  process.exit(0);
}
const node = h.runtime() === 'node';

const W = h.fixtures(['hello', 'argsenv', 'files', 'stdin', 'goroutines', 'cryptorand',
  'netfail', 'panic', 'buildtag', 'memhog', 'hostcall', 'printstorm']);
const run = (args, opts) => h.runCli(['run', ...args], opts);

t.test('hello world', async (t) => {
  const r = run([W.hello]);
  t.equal(r.stdout, 'hello, world\n');
  t.equal(r.stderr, '');
  t.equal(r.code, 0);
});

t.test('arguments, environment and exit code', async (t) => {
  const r = run(['--env', 'GREETING=hi there', '--env=EMPTY=', '--env', 'EXIT_CODE=7',
    W.argsenv, 'one', '--two', 'three four', '']);
  t.equal(r.stdout, [
    'argc=5', 'arg[1]="one"', 'arg[2]="--two"', 'arg[3]="three four"', 'arg[4]=""',
    'envc=3', 'env "EMPTY="', 'env "EXIT_CODE=7"', 'env "GREETING=hi there"', '',
  ].join('\n'));
  t.equal(r.stderr, 'exiting with 7\n');
  t.equal(r.code, 7);

  // Nothing is ambient: no --env means an empty environment, whatever the
  // host has.
  const bare = run([W.argsenv], { env: { SECRET_TOKEN: 'leak' } });
  t.equal(bare.stdout, 'argc=1\nenvc=0\n');
  t.equal(bare.code, 0);

  // --env NAME and --env-inherit NAME copy from the host; unset names are
  // left out.
  const inh = run(['--env-inherit', 'WH_A', '--env', 'WH_B', '--env-inherit', 'WH_UNSET', W.argsenv],
    { env: { WH_A: 'a', WH_B: 'b', WH_C: 'c' } });
  t.equal(inh.stdout, 'argc=1\nenvc=2\nenv "WH_A=a"\nenv "WH_B=b"\n');

  // argv[0] is the module path unless --argv0 says otherwise; exit codes
  // above 125 survive too.
  const big = run(['--argv0', 'prog', '--env', 'EXIT_CODE=200', W.argsenv]);
  t.equal(big.code, 200);
});

t.test('file I/O through a host::guest mapping', async (t) => {
  const dir = h.tmpTree();
  fs.writeFileSync(path.join(dir, 'greeting.txt'), 'hello from the host\n');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  const rw = run(['--dir', `${dir}::/data`, W.files, 'rw', '/data']);
  t.equal(rw.stdout, 'read "first line\\nsecond line\\n"\nsize 23 regular true\nseek read "line"\nrw ok\n');
  t.equal(rw.code, 0);
  t.notOk(fs.existsSync(path.join(dir, 'renamed.txt')), 'the guest removed its file on the host');

  const cat = run(['--dir', `${dir}::/data`, W.files, 'cat', '/data/greeting.txt']);
  t.equal(cat.stdout, 'hello from the host\n');
  t.equal(cat.code, 0);

  const wr = run(['--dir', `${dir}::/data`, W.files, 'write', '/data/out.txt', 'from the guest']);
  t.equal(wr.code, 0);
  t.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'from the guest', 'the host sees the guest\'s write');

  // The guest path must match the mapping: the host path means nothing
  // inside, and neither does any other path.
  const wrong = run(['--dir', `${dir}::/data`, W.files, 'cat', `${dir}/greeting.txt`]);
  t.equal(wrong.stdout, `error: open ${dir}/greeting.txt: Bad file number\n`);
  t.equal(wrong.code, 1);
  const missing = run(['--dir', `${dir}::/data`, W.files, 'cat', '/data/nope.txt']);
  t.equal(missing.stdout, 'error: open /data/nope.txt: No such file or directory\nkind: not-exist\n');
  t.equal(missing.code, 1);

  // wazero's spelling; and a nested tree created, walked and removed.
  const mk = run([`--mount=${dir}:/work`, W.files, 'mkdirs', '/work']);
  t.equal(mk.stdout, 'walk a,a/b,a/b/c,a/b/c/leaf.txt\nmkdirs ok\n');
  t.equal(mk.code, 0);
  t.notOk(fs.existsSync(path.join(dir, 'a')));
});

t.test('read-only mounts', { skip: node && 'node:wasi has no read-only preopens' }, async (t) => {
  const dir = h.tmpTree();
  fs.writeFileSync(path.join(dir, 'keep.txt'), 'keep me\n');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const read = run(['--dir-ro', `${dir}::/ro`, W.files, 'cat', '/ro/keep.txt']);
  t.equal(read.stdout, 'keep me\n', 'a read-only mount can be read');
  t.equal(read.code, 0);
  const write = run(['--dir-ro', `${dir}::/ro`, W.files, 'write', '/ro/new.txt', 'x']);
  t.equal(write.stdout, 'error: open /ro/new.txt: Read-only file system\n');
  t.equal(write.code, 1);
  t.notOk(fs.existsSync(path.join(dir, 'new.txt')));
  const ls = run([`--mount=${dir}:/ro:ro`, W.files, 'ls', '/ro']);
  t.equal(ls.stdout, 'keep.txt file 8\n1 entries\n');
});

t.test('a symlink cannot lead out of a mount', async (t) => {
  const dir = h.tmpTree();
  const outside = h.tmpTree();
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret\n');
  fs.symlinkSync(outside, path.join(dir, 'escape'));
  t.teardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  const r = run(['--dir', `${dir}::/data`, W.files, 'cat', '/data/escape/secret.txt']);
  const opt = node ? { todo: 'node:wasi follows symlinks out of a preopen' } : {};
  t.equal(r.code, 1, 'reading through the symlink fails', opt);
  t.notMatch(r.stdout, /^secret$/m, 'nothing leaks', opt);
});

t.test('an absolute symlink under a grant of the host root names the host file', async (t) => {
  const dir = h.tmpTree();
  fs.writeFileSync(path.join(dir, 'target.txt'), 'through an absolute link\n');
  fs.symlinkSync(path.join(dir, 'target.txt'), path.join(dir, 'abslink'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Go's exec wrapper grants "/" as "/": go test's t.TempDir() symlinks
  // are absolute, and must work as on the host.
  const r = run(['--dir', '/::/', W.files, 'cat', path.join(dir, 'abslink')]);
  t.equal(r.stdout, 'through an absolute link\n');
  t.equal(r.code, 0);
  // Under any other grant the same link stays refused.
  const inner = run(['--dir', `${dir}::/data`, W.files, 'cat', '/data/abslink']);
  t.equal(inner.code, 1, 'refused beneath a directory grant', node ? { todo: 'node:wasi' } : {});
});

t.test('directory listing', async (t) => {
  const dir = h.tmpTree();
  fs.writeFileSync(path.join(dir, 'b.txt'), '12345');
  fs.writeFileSync(path.join(dir, 'a.txt'), '');
  fs.mkdirSync(path.join(dir, 'sub'));
  for (let i = 0; i < 150; i++) fs.writeFileSync(path.join(dir, 'sub', `f${String(i).padStart(3, '0')}`), 'x');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = run(['--dir', `${dir}::/d`, W.files, 'ls', '/d']);
  t.equal(r.stdout, 'a.txt file 0\nb.txt file 5\nsub dir 0\n3 entries\n');
  t.equal(r.code, 0);
  // More entries than one fd_readdir buffer holds: cookies must resume.
  const big = run(['--dir', `${dir}::/d`, W.files, 'ls', '/d/sub']);
  const lines = big.stdout.trim().split('\n');
  t.equal(lines.length, 151);
  t.equal(lines[0], 'f000 file 1');
  t.equal(lines[149], 'f149 file 1');
  t.equal(lines[150], '150 entries');
});

t.test('no --dir: no file system at all', async (t) => {
  const r = run([W.files, 'cat', '/etc/passwd']);
  t.equal(r.stdout, 'error: open /etc/passwd: Bad file number\n');
  t.equal(r.code, 1);
  // A mount elsewhere does not make /etc reachable, not even through "..".
  const dir = h.tmpTree();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dots = run(['--dir', `${dir}::/data`, W.files, 'cat', '/data/../../etc/passwd']);
  t.equal(dots.stdout, 'error: open /data/../../etc/passwd: Bad file number\n');
  t.equal(dots.code, 1);
});

t.test('stdin to EOF, and empty stdin', async (t) => {
  const input = 'alpha beta\nsecond line\nthird\n';
  const r = run([W.stdin], { input });
  t.equal(r.stdout, 'bytes=29 lines=3 sha256=' +
    require('crypto').createHash('sha256').update(input).digest('hex') + '\nfirst: ALPHA BETA\n');
  t.equal(r.code, 0);
  const big = 'x'.repeat(300000) + '\n';
  const rb = run([W.stdin], { input: big });
  t.match(rb.stdout, /^bytes=300001 lines=1 /, node ? { todo: 'node:wasi returns EAGAIN to Go for a large piped stdin' } : {});
  const e = run([W.stdin], { input: '' });
  t.equal(e.stdout, 'bytes=0 lines=0 sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nempty\n');
  t.equal(e.code, 0);
});

t.test('goroutines, channels, time.Sleep and timers', async (t) => {
  const r = run([W.goroutines]);
  t.equal(r.stdout, [
    'sum of squares: 338350', 'slept', 'timer order: a b c', 'stopped timer: true', 'ticks: 5',
    'context: context deadline exceeded', 'counter: 1000', 'elapsed ok: true', '',
  ].join('\n'));
  t.equal(r.code, 0);
  t.ok(r.ms < 30000, `finished in ${r.ms} ms`);
});

t.test('crypto/rand', async (t) => {
  const r = run([W.cryptorand]);
  t.equal(r.stdout, 'differ: true\nnonzero: true\nbounded: true\nplausible: true\n');
  t.equal(r.code, 0);
});

t.test('networking fails fast with a clear error, loopback works in-process', async (t) => {
  const r = run([W.netfail], { timeout: 30000 });
  t.equal(r.signal, null, 'did not hang');
  t.equal(r.stdout, [
    'listen by name fails: true',
    'listen error: listen tcp: lookup wasihost.invalid on [::1]:53: write udp 127.0.0.1:8->[::1]:53: write: Connection reset by peer',
    'file listener fails: true', 'second listen fails: true', 'echo: ping',
    'dial closed port fails: true', 'quick: true', '',
  ].join('\n'));
  t.equal(r.code, 0);
});

t.test('panic: Go stack trace and exit code 2', async (t) => {
  const r = run([W.panic]);
  t.equal(r.stdout, 'before panic\n');
  t.equal(r.code, 2);
  const src = path.join(__dirname, 'programs', 'panic', 'main.go');
  t.match(r.stderr, new RegExp([
    '^panic: boom from wasihost\\n\\ngoroutine 1 \\[running\\]:\\n',
    'main\\.\\(\\*thing\\)\\.explode\\(0x[0-9a-f]+, 0x0\\)\\n',
    `\\t${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:11 \\+0x[0-9a-f]+\\n`,
  ].join('')));
  t.match(r.stderr, /main\.main\(\)\n\t.*panic\/main\.go:18 \+0x[0-9a-f]+\n/);
  t.notMatch(r.stderr, /wasihost:/, 'a Go panic is an exit, not a trap');
});

t.test('build tags: //go:build wasip1 vs !wasip1', async (t) => {
  const r = run([W.buildtag]);
  t.equal(r.stdout, 'platform: wasip1 build\nGOOS/GOARCH: wasip1/wasm\n');
  t.equal(r.code, 0);
});

t.test('--max-memory caps the Go heap', { skip: node && 'node:wasi has no memory cap' }, async (t) => {
  const ok = run(['--max-memory', '64M', W.memhog, '16']);
  t.equal(ok.stdout, 'allocated 16 MiB\n');
  t.equal(ok.code, 0);
  const oom = run(['--max-memory', '64M', W.memhog, '100']);
  t.equal(oom.stdout, '');
  t.match(oom.stderr, /fatal error: out of memory/);
  // The traceback is hundreds of small runtime writes to stderr: a host
  // that hands EAGAIN to runtime.write1 turns this into a "fatal error:
  // fd_write failed" storm and a trap (see 'runtime println to a slow
  // stderr reader').
  t.equal(oom.code, 2, 'exit 2', { stderrTail: oom.stderr.slice(-300) });
  const free = run([W.memhog, '100']);
  t.equal(free.stdout, 'allocated 100 MiB\n', 'without a cap the same program succeeds');
  const tiny = run(['--max-memory', '1M', W.hello]);
  t.match(tiny.stderr, /memory of \d+ pages exceeds the limit of 1048576 bytes/);
  t.equal(tiny.code, 1);
});

t.test('--fuel stops a Go program', { skip: node && 'node:wasi has no fuel' }, async (t) => {
  const r = run(['--fuel', '1000', W.hello]);
  t.equal(r.stdout, '');
  t.match(r.stderr, /^wasihost: trap: fuel exhausted\nwasm backtrace:\n {2,3}0: runtime\./, 'trap text, then a backtrace of Go runtime frames');
  t.equal(r.code, 134);
  const enough = run(['--fuel', '1000000000', W.hello]);
  t.equal(enough.stdout, 'hello, world\n');
  t.equal(enough.code, 0);
});

t.test('a wasmimport program needs its host functions', async (t) => {
  const r = run([W.hostcall]);
  t.equal(r.stdout, '');
  t.match(r.stderr, node ? /^wasihost: .*hostcall.*"env"/ : /^wasihost: .*hostcall.*env.*log_message/);
  t.equal(r.code, 1);
});

t.test('runtime println to a slow stderr reader', async (t) => {
  // Go sets stdio non-blocking at start-up, but runtime.write1 (println,
  // panics, fatal errors) throws "fd_write failed" on EAGAIN.  The reader
  // here waits a second while 20000 lines (about 380 KB) fill the pipe.
  const cli = runtimeCommand().map(shq).join(' ');
  const r = spawnSync('sh', ['-c', `{ ${cli} run ${shq(W.printstorm)} 20000 2>&1 >/dev/null; echo "rc=$?"; } | (sleep 1; cat)`],
    { maxBuffer: 64 << 20, timeout: 120000 });
  const lines = r.stdout.toString().split('\n');
  const opt = node ? { todo: 'node:wasi also hands EAGAIN to the Go runtime' } : {};
  t.equal(lines[0], 'runtime line 0', 'first line', opt);
  t.equal(lines[19999], 'runtime line 19999', 'last runtime line', opt);
  t.same(lines.slice(20000), ['done', 'rc=0', ''], 'then done and exit 0', opt);
});

function shq(s) { return `'${String(s).replace(/'/g, `'\\''`)}'`; }

function runtimeCommand() {
  return node
    ? [process.execPath, '-e', 'process.exitCode=require(process.argv[1]).main(process.argv.slice(2),{engine:"node"})',
      path.join(h.root, 'lib', 'cli.js')]
    : [process.execPath, path.join(h.root, 'bin', 'wasihost.js')];
}
