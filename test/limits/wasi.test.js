'use strict';
// WASI runs under limits: wasi.startAsync, and interrupts that reach a
// guest blocked inside a WASI call (a poll_oneoff sleep, a read of a pipe
// nobody writes), sync and async.
const t = require('tap');
const {
  W, wat, wasiWat, cFixture, silentFifo, now, sleep, throwsWith, rejectsWith, isTrap,
} = require('./fixtures/util');

async function command(body, data) {
  return new W.Module(await wat(wasiWat(body, data)));
}

t.test('startAsync: output captured, exit codes', async (t) => {
  const hello = await command('(call $print (i32.const 1024) (i32.const 6))', 'hello\\n');
  const w = new W.WASI({ stdout: 'pipe' });
  const inst = new W.Instance(hello, w.getImportObject());
  const p = w.startAsync(inst);
  t.throws(() => w.stdout, /not available while startAsync/, 'stdout is off limits while it runs');
  t.equal(await p, 0, 'resolves 0 when _start returns');
  t.equal(w.stdout.toString(), 'hello\n', 'captured with pipe');
  t.throws(() => w.startAsync(inst), { code: 'ERR_WASI_ALREADY_STARTED' });

  const exits = await command('(call $print (i32.const 1024) (i32.const 4)) (call $exit (i32.const 7)) (unreachable)', 'bye\\n');
  const w2 = new W.WASI({ stdout: 'pipe' });
  t.equal(await w2.startAsync(new W.Instance(exits, w2.getImportObject())), 7, 'proc_exit(7) resolves 7');
  t.equal(w2.stdout.toString(), 'bye\n');

  const traps = await command('(unreachable)');
  const w3 = new W.WASI({});
  await rejectsWith(t, w3.startAsync(new W.Instance(traps, w3.getImportObject())), isTrap('unreachable'),
    'a trap rejects');
  t.throws(() => new W.WASI({}).startAsync({}), TypeError, 'not an instance: throws at once');
});

t.test('a poll_oneoff sleep finishes normally and keeps the loop free', async (t) => {
  const nap = await command('(call $sleep (i64.const 150000000)) (call $print (i32.const 1024) (i32.const 5))', 'woke\\n');
  const w = new W.WASI({ stdout: 'pipe' });
  let ticks = 0;
  const iv = setInterval(() => { ticks++; }, 10);
  const t0 = now();
  t.equal(await w.startAsync(new W.Instance(nap, w.getImportObject())), 0);
  const ms = now() - t0;
  clearInterval(iv);
  t.ok(ms >= 149, `slept the full 150 ms (${ms.toFixed(1)})`);
  t.equal(w.stdout.toString(), 'woke\n');
  t.ok(ticks >= 4, `setInterval ticked ${ticks} times during the sleep`);
});

t.test('timeout and abort end a guest sleeping in poll_oneoff', async (t) => {
  const long = await command('(call $sleep (i64.const 30000000000))'); // 30 s
  const w1 = new W.WASI({});
  let t0 = now();
  throwsWith(t, () => w1.start(new W.Instance(long, w1.getImportObject()), { timeout: 50 }),
    isTrap('interrupted'), 'sync start() with a timeout');
  let ms = now() - t0;
  t.ok(ms < 50 + 1000, `stopped after ${ms.toFixed(1)} ms`);
  t.comment(`sync sleep interrupt: ${(ms - 50).toFixed(2)} ms after the deadline`);

  const w2 = new W.WASI({});
  const ac = new AbortController();
  const p = w2.startAsync(new W.Instance(long, w2.getImportObject()), { signal: ac.signal });
  await sleep(50);
  t0 = now();
  ac.abort();
  await rejectsWith(t, p, isTrap('interrupted'), 'async, AbortSignal');
  ms = now() - t0;
  t.ok(ms < 1000, `stopped ${ms.toFixed(1)} ms after abort()`);

  const w3 = new W.WASI({});
  t0 = now();
  await rejectsWith(t, w3.startAsync(new W.Instance(long, w3.getImportObject(), { timeout: 60 })),
    isTrap('interrupted'), 'async, the instance\'s timeout');
  t.ok(now() - t0 < 60 + 1000);
});

t.test('timeout and abort end a guest blocked reading a silent pipe', async (t) => {
  const reader = await command('(drop (call $read))');
  const fd = silentFifo(t);
  const w1 = new W.WASI({ stdin: fd });
  let t0 = now();
  throwsWith(t, () => w1.start(new W.Instance(reader, w1.getImportObject()), { timeout: 50 }),
    isTrap('interrupted'), 'sync read, timeout');
  t.ok(now() - t0 < 50 + 1000, `stopped after ${(now() - t0).toFixed(1)} ms`);

  const w2 = new W.WASI({ stdin: fd });
  const ac = new AbortController();
  let ticks = 0;
  const iv = setInterval(() => { ticks++; }, 10);
  const p = w2.startAsync(new W.Instance(reader, w2.getImportObject()), { signal: ac.signal });
  await sleep(100);
  clearInterval(iv);
  t.ok(ticks >= 3, `the event loop ran (${ticks} ticks) while the guest blocked`);
  t0 = now();
  ac.abort();
  await rejectsWith(t, p, isTrap('interrupted'), 'async read, abort');
  t.ok(now() - t0 < 1000, 'promptly');
});

t.test('a blocking read of a pipe waits in slices, then reads what arrives', async (t) => {
  const reader = await command('(call $print (i32.const 256) (call $read))');
  const fd = silentFifo(t);
  const w = new W.WASI({ stdin: fd, stdout: 'pipe' });
  const p = w.startAsync(new W.Instance(reader, w.getImportObject()));
  await sleep(50);
  require('fs').writeSync(fd, 'late data');
  t.equal(await p, 0);
  t.equal(w.stdout.toString(), 'late data', 'the blocked read got the data');
});

t.test('C programs (wasi-libc): sleep(), read(), exit()', async (t) => {
  const c = cFixture('limits_sleeper');
  if (c.skip) return t.skip(c.skip);
  const mod = new W.Module(require('fs').readFileSync(c.wasm));
  const run = (args, opts = {}, limits) => {
    const w = new W.WASI({ args: ['sleeper', ...args], stdout: 'pipe', ...opts });
    return { w, inst: new W.Instance(mod, w.getImportObject(), limits) };
  };
  {
    const { w, inst } = run(['sleep', '30']);
    const t0 = now();
    await rejectsWith(t, w.startAsync(inst, { timeout: 100 }), isTrap('interrupted'), 'sleep(30) with a 100 ms timeout');
    t.ok(now() - t0 < 100 + 1000, `stopped after ${(now() - t0).toFixed(1)} ms`);
    t.equal(w.stdout.toString(), 'sleeping\n', 'output before the interrupt is kept');
  }
  {
    const { w, inst } = run(['read'], { stdin: silentFifo(t) });
    const ac = new AbortController();
    const p = w.startAsync(inst, { signal: ac.signal });
    setTimeout(() => ac.abort(), 80);
    await rejectsWith(t, p, isTrap('interrupted'), 'read(0) aborted');
    t.equal(w.stdout.toString(), 'reading\n');
  }
  {
    const { w, inst } = run(['exit', '42']);
    t.equal(await w.startAsync(inst), 42, 'exit(42)');
    t.equal(w.stdout.toString(), 'bye\n');
  }
  {
    const { w, inst } = run(['sleep', '0']);
    t.equal(await w.startAsync(inst), 0, 'sleep(0) completes');
    t.equal(w.stdout.toString(), 'sleeping\nwoke\n');
  }
});
