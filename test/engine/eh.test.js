'use strict';
// Exception handling: the legacy try/catch/catch_all/rethrow/delegate that
// LLVM emits, compared with V8 (Node 20 runs it), including exceptions
// crossing JS imports both ways; try_table/exnref (3.0, which Node 20's V8
// lacks) against expected values; the JS API (Tag, Exception, JSTag);
// limits (fuel during a throw/catch loop, traps stay uncatchable, memory of
// caught exceptions is given back).
const t = require('tap');
const wabt = require('wabt');
const wasihost = require('../..');

const legacy = `(module
  (import "env" "js" (func $js (param i32) (result i32)))
  (import "env" "tag" (tag $imported (param i32)))
  (tag $e (export "e") (param i32))
  (tag $e2 (export "e2") (param i64 f64))
  (tag $empty (export "empty"))
  (func $thrower (param i32) (throw $e (local.get 0)))
  ;; throws at depth n below the try
  (func $deep (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 7))))
    (call $deep (i32.sub (local.get 0) (i32.const 1))))
  (func (export "deep") (param i32) (result i32)
    (try (result i32) (do (call $deep (local.get 0)) (i32.const -1))
      (catch $e (i32.add (i32.const 100)))))
  (func (export "payload") (param i64 f64) (result f64)
    (local f64)
    (try (result f64) (do (throw $e2 (local.get 0) (local.get 1)))
      (catch $e2 (local.set 2) (f64.add (f64.convert_i64_s) (local.get 2)))))
  (func (export "catch_all") (param i32) (result i32)
    (try (result i32) (do (call $thrower (local.get 0)) (i32.const 0))
      (catch $empty (i32.const 1))
      (catch_all (i32.const 2))))
  ;; the inner catch rethrows what it caught; the outer gets the payload
  (func (export "rethrow") (param i32) (result i32)
    (try (result i32)
      (do (try (do (call $thrower (local.get 0)))
            (catch $e (drop) (rethrow 0)))
          (i32.const 0))
      (catch $e)))
  ;; rethrow from a catch body nested in another catch body
  (func (export "rethrow_outer") (param i32) (result i32)
    (try (result i32)
      (do (try (do (throw $e (local.get 0)))
            (catch $e (drop)
              (try (do (throw $empty)) (catch $empty (rethrow 1)))))
          (i32.const 0))
      (catch $e (i32.const 1000) (i32.add))))
  ;; delegate to an enclosing try, and to the caller
  (func (export "delegate") (param i32) (result i32)
    (try $outer (result i32)
      (do (try (do (try (do (call $thrower (local.get 0))) (delegate $outer)))
            (catch $e (drop) (i32.const -5) (throw $e)))
          (i32.const 0))
      (catch $e (i32.const 1) (i32.add))))
  (func $delegate_out (param i32)
    (try (do (try (do (call $thrower (local.get 0))) (delegate 1))) (catch_all)))
  (func (export "delegate_caller") (param i32) (result i32)
    (try (result i32) (do (call $delegate_out (local.get 0)) (i32.const 0))
      (catch $e)))
  ;; a try inside a catch body, and a block result through the hidden slot
  (func (export "nested") (param i32) (result i32)
    (local i32)
    (try (result i32)
      (do (call $thrower (local.get 0)) (i32.const 0))
      (catch $e
        (local.set 1)
        (try (result i32)
          (do (call $thrower (i32.mul (local.get 1) (i32.const 2))) (i32.const 0))
          (catch $e (local.get 1) (i32.add))))))
  ;; a try with a param
  (func (export "param") (param i32) (result i32)
    (local.get 0)
    (try (param i32) (result i32) (do (call $thrower) (i32.const 0)) (catch $e (i32.const 3) (i32.mul))))
  ;; JS imports: their exceptions go through wasm
  (func (export "call_js") (param i32) (result i32)
    (try (result i32) (do (call $js (local.get 0)))
      (catch $e (i32.const 10000) (i32.add))
      (catch $imported (i32.const 20000) (i32.add))
      (catch_all (i32.const -1))))
  (func (export "call_js_rethrow") (param i32) (result i32)
    (try (result i32) (do (call $js (local.get 0))) (catch_all (rethrow 0))))
  (func (export "call_js_plain") (param i32) (result i32) (call $js (local.get 0)))
  ;; a tail call's callee replaces this frame: its try does not apply
  (func (export "tail_js") (param i32) (result i32)
    (try (result i32) (do (return_call $js (local.get 0))) (catch_all (i32.const -7))))
  (func (export "throw") (param i32) (throw $e (local.get 0)))
  (func (export "throw_imported") (param i32) (throw $imported (local.get 0)))
  (func (export "trap") (result i32)
    (try (result i32) (do (unreachable)) (catch_all (i32.const 1))))
  ;; n throws caught in a loop (fuel and memory)
  (func (export "loop") (param i32) (result i32)
    (local i32)
    (loop $l
      (try (do (throw $e (local.get 0))) (catch $e (local.set 1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  ;; a JS import throwing, caught by catch_all, n times
  (func (export "loop_js") (param i32) (result i32)
    (local i32)
    (loop $l
      (try (do (drop (call $js (local.get 0)))) (catch_all (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  (func (export "loop_rethrown") (param i32) (result i32)
    (local i32)
    (loop $l
      (try (do (try (do (throw $e (local.get 0))) (catch_all (rethrow 0))))
        (catch $e (local.set 1)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  ;; the catch body is left by a branch: its hold is collected later
  (func (export "loop_branch_out") (param i32) (result i32)
    (local i32)
    (loop $l
      (block $out
        (try (do (throw $e (local.get 0))) (catch $e (local.set 1) (br $out))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1)))`;

const exnref = `(module
  (import "env" "js" (func $js (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (tag $f (param f32 i64))
  (global $saved (mut exnref) (ref.null exn))
  (func $thrower (param i32) (throw $e (local.get 0)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h) (call $thrower (local.get 0)) (i32.const 0))))
  (func (export "catch_ref") (param i32) (result i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $thrower (local.get 0)))
      (return (i32.const -1)))
    (global.set $saved)
    (i32.const 1) (i32.add))
  (func (export "rethrow_saved") (throw_ref (global.get $saved)))
  (func (export "catch_saved") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (global.get $saved)))
      (i32.const -1)))
  (func (export "all") (param i32) (result i32)
    (block $h
      (try_table (catch_all $h) (drop (call $js (local.get 0)))))
    (i32.const 42))
  (func (export "all_ref") (param i32) (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (drop (call $js (local.get 0))))
      (return (i32.const 0)))
    (throw_ref))
  (func (export "multi") (result f32 i64)
    (block $h (result f32 i64)
      (try_table (catch $f $h) (throw $f (f32.const 1.5) (i64.const -3)))
      (unreachable)))
  (func (export "to_loop") (param i32) (result i32)
    (local $n i32)
    (i32.const 0)
    (loop $l (param i32)
      (drop)
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (try_table (catch $e $l) (if (i32.lt_u (local.get $n) (i32.const 5)) (then (call $thrower (local.get $n)))))
      )
    (local.get $n))
  (func (export "null_ref") (throw_ref (ref.null exn)))
  ;; try_table with params: the landing code leaves them alone
  (func (export "tt_param") (param i64) (result i32)
    (block $h (result i32)
      (local.get 0)
      (try_table (param i64) (result i32) (catch $e $h)
        (drop) (call $thrower (i32.const 9)) (i32.const -1)))))`;

let w;
async function bytesOf(src, features) {
  if (!w) w = await wabt();
  const m = w.parseWat('t.wat', src, features);
  return Buffer.from(m.toBinary({}).buffer);
}

function instantiate(api, bytes, js) {
  const tag = new api.Tag({ parameters: ['i32'] });
  const inst = new api.Instance(new api.Module(bytes), { env: { js, tag } });
  return { inst, tag, ex: inst.exports };
}

t.test('legacy exceptions agree with V8', async (t) => {
  const bytes = await bytesOf(legacy, { exceptions: true, tail_call: true });
  const out = {};
  for (const [name, api] of [['v8', WebAssembly], ['wasihost', wasihost]]) {
    const r = [];
    let jsAction = null;
    const { ex, tag } = instantiate(api, bytes, (x) => jsAction(x));
    const errObj = new Error('from JS');
    const run = (f) => {
      try { return f(); } catch (e) { return { threw: e === errObj ? 'errObj' : e instanceof api.Exception ? 'Exception' : String(e && e.name) }; }
    };
    r.push(run(() => ex.deep(0)), run(() => ex.deep(50)), run(() => ex.payload(5n, 0.25)));
    r.push(run(() => ex.catch_all(3)), run(() => ex.rethrow(11)), run(() => ex.rethrow_outer(12)));
    r.push(run(() => ex.delegate(4)), run(() => ex.delegate_caller(9)), run(() => ex.nested(5)), run(() => ex.param(6)));
    r.push(run(() => ex.trap()));
    // JS imports
    jsAction = (x) => x * 2;
    r.push(run(() => ex.call_js(21)));
    jsAction = () => { throw errObj; };
    r.push(run(() => ex.call_js(1)), run(() => ex.call_js_rethrow(1)), run(() => ex.call_js_plain(1)));
    jsAction = () => { throw 42; }; // a primitive, caught and rethrown as itself
    r.push(run(() => ex.call_js(1)), (() => { try { ex.call_js_rethrow(1); } catch (e) { return e; } })());
    r.push(run(() => ex.tail_js(1)));
    jsAction = (x) => { throw new api.Exception(ex.e, [x]); };
    r.push(run(() => ex.call_js(5)));
    jsAction = (x) => { throw new api.Exception(tag, [x]); };
    r.push(run(() => ex.call_js(6)));
    // wasm -> JS -> wasm: the inner wasm throw crosses the JS frame
    jsAction = (x) => ex.throw(x + 1);
    r.push(run(() => ex.call_js(7)));
    jsAction = (x) => ex.throw_imported(x);
    r.push(run(() => ex.call_js(8)));
    // an exception escaping to JS
    let caught;
    try { ex.throw(99); } catch (e) { caught = e; }
    r.push(caught instanceof api.Exception, caught.is(ex.e), caught.is(ex.e2), caught.getArg(ex.e, 0));
    try { ex.throw_imported(98); } catch (e) { caught = e; }
    r.push(caught.is(tag), caught.getArg(tag, 0));
    // the same Exception object comes back out of wasm
    const mine = new api.Exception(ex.e, [3]);
    jsAction = () => { throw mine; };
    r.push(run(() => ex.call_js_rethrow(0)).threw, (() => { try { ex.call_js_rethrow(0); } catch (e) { return e === mine; } })());
    r.push(run(() => ex.loop(1000)));
    out[name] = r;
  }
  t.same(out.wasihost, out.v8);
  t.same(out.wasihost.slice(0, 10), [107, 107, 5.25, 2, 11, 1012, 5, 9, 15, 18]);
});

t.test('try_table and exnref', async (t) => {
  const bytes = await bytesOf(exnref, { exceptions: true });
  let jsAction = null;
  const { ex } = instantiate(wasihost, bytes, (x) => jsAction(x));
  t.equal(ex.catch(5), 5);
  t.equal(ex.catch_ref(8), 9);
  t.throws(() => ex.rethrow_saved(), wasihost.Exception);
  t.equal(ex.catch_saved(), 8, 'the saved exnref still holds its payload');
  let e1;
  try { ex.rethrow_saved(); } catch (e) { e1 = e; }
  let e2;
  try { ex.rethrow_saved(); } catch (e) { e2 = e; }
  t.equal(e1, e2, 'one exnref is one Exception object in JS');
  t.equal(e1.getArg(ex.e, 0), 8);
  const err = new TypeError('js');
  jsAction = () => { throw err; };
  t.equal(ex.all(1), 42, 'catch_all catches a JS exception');
  t.throws(() => ex.all_ref(1), err, 'throw_ref of a JS exception rethrows the same value');
  jsAction = (x) => x;
  t.equal(ex.all(1), 42);
  t.same(ex.multi(), [1.5, -3n]);
  t.equal(ex.to_loop(0), 5, 'a catch can branch to a loop');
  t.throws(() => ex.null_ref(), { name: 'RuntimeError', message: /null/ });
  t.equal(ex.tt_param(5n), 9);
});

t.test('exnref at the JS boundary: a TypeError before anything runs', async (t) => {
  const bytes = await bytesOf(`(module
    (import "m" "r" (func $r (result exnref)))
    (import "m" "p" (func $p (param exnref)))
    (global $ran (export "ran") (mut i32) (i32.const 0))
    (global (export "g") (mut exnref) (ref.null exn))
    (func (export "make") (result exnref) (global.set $ran (i32.const 1)) (ref.null exn))
    (func (export "take") (param exnref) (global.set $ran (i32.const 2)))
    (func (export "callr") (drop (call $r)))
    (func (export "callp") (call $p (ref.null exn))))`, { exceptions: true });
  let called = 0;
  const ex = new wasihost.Instance(new wasihost.Module(bytes), { m: { r() { called++; return null; }, p() { called++; } } }).exports;
  for (const name of ['make', 'take', 'callr', 'callp']) {
    t.throws(() => ex[name](null), { name: 'TypeError', message: /exnref/ }, name);
  }
  t.equal(ex.ran.value, 0, 'no exported function ran');
  t.equal(called, 0, 'no JS import was called');
  t.throws(() => ex.g.value, { name: 'TypeError', message: /exnref/ }, 'an exnref global');
});

t.test('JS API: Tag, Exception, JSTag', async (t) => {
  const tag = new wasihost.Tag({ parameters: ['i32', 'f64', 'externref'] });
  t.same(tag.type(), { parameters: ['i32', 'f64', 'externref'] });
  t.equal(Object.prototype.toString.call(tag), '[object WebAssembly.Tag]');
  const obj = {};
  const e = new wasihost.Exception(tag, [1, 2.5, obj], { traceStack: true });
  t.equal(e.getArg(tag, 0), 1);
  t.equal(e.getArg(tag, 1), 2.5);
  t.equal(e.getArg(tag, 2), obj);
  t.ok(e.is(tag));
  t.notOk(e.is(new wasihost.Tag({ parameters: ['i32', 'f64', 'externref'] })), 'tags are matched by identity');
  t.match(e.stack, /eh\.test\.js/);
  t.throws(() => e.getArg(new wasihost.Tag({ parameters: [] }), 0), TypeError);
  t.throws(() => e.getArg(tag, 3), RangeError);
  t.throws(() => new wasihost.Exception(tag, [1]), TypeError);
  t.throws(() => new wasihost.Exception({}, []), TypeError);
  t.throws(() => new wasihost.Tag({ parameters: ['i33'] }), TypeError);
  t.throws(() => new wasihost.Tag({}), TypeError);
  t.throws(() => new wasihost.Exception(wasihost.JSTag, [1]), TypeError);
  t.same(wasihost.JSTag.type(), { parameters: ['externref'] });
  // a tag import must have the declared type
  const bytes = await bytesOf('(module (import "m" "t" (tag (param i64))))', { exceptions: true });
  t.throws(() => new wasihost.Instance(new wasihost.Module(bytes), { m: { t: tag } }), wasihost.LinkError);
  t.throws(() => new wasihost.Instance(new wasihost.Module(bytes), { m: { t: 1 } }), wasihost.LinkError);
  t.same(wasihost.Module.imports(new wasihost.Module(bytes)), [{ module: 'm', name: 't', kind: 'tag' }]);
  const ok = new wasihost.Instance(new wasihost.Module(bytes), { m: { t: new wasihost.Tag({ parameters: ['i64'] }) } });
  t.ok(ok);
});

t.test('limits: fuel, traps, memory', async (t) => {
  const bytes = await bytesOf(legacy, { exceptions: true, tail_call: true });
  const mod = new wasihost.Module(bytes);
  const env = { js: (x) => { if (x > 0) throw x; return x; }, tag: new wasihost.Tag({ parameters: ['i32'] }) };
  const limited = new wasihost.Instance(mod, { env }, { fuel: 100000 });
  t.throws(() => limited.exports.loop(1e7), { name: 'RuntimeError', message: /fuel/ }, 'a throw/catch loop runs out of fuel');
  const inst = new wasihost.Instance(mod, { env });
  t.throws(() => inst.exports.trap(), { name: 'RuntimeError', message: /unreachable/ }, 'catch_all does not catch a trap');
  // exceptions caught by a catch, or held by a catch body and rethrown, are
  // freed as they go: a million of them leave the RSS where it was
  inst.exports.loop(1e5);
  inst.exports.loop_rethrown(1e5);
  inst.exports.loop_branch_out(1e5);
  const before = process.memoryUsage.rss();
  t.equal(inst.exports.loop(1e6), 1);
  t.equal(inst.exports.loop_rethrown(1e6), 1);
  t.equal(inst.exports.loop_branch_out(1e6), 1);
  const grew = process.memoryUsage.rss() - before;
  // (a sanitizer build keeps freed memory in quarantine)
  if (!/asan/.test(process.env.WASIHOST_BINDING || '')) t.ok(grew < 16 * 1024 * 1024, `RSS grew ${(grew / 1048576).toFixed(1)} MB over 3 million exceptions`);
  // JS exceptions through wasm: JS garbage too, so the RSS settles at the
  // JS heap's working size (two rounds) and then moves within about 30 MB
  // on a loaded machine; a leak of the engine's exceptions (over 100 bytes
  // each) would add more than 90 MB
  require('v8').setFlagsFromString('--expose-gc');
  const gc = require('vm').runInNewContext('gc');
  for (let k = 0; k < 2; k++) t.equal(inst.exports.loop_js(3e5), 3e5, 'JS exceptions caught by catch_all');
  gc();
  const settled = process.memoryUsage();
  for (let k = 0; k < 3; k++) inst.exports.loop_js(3e5);
  gc();
  const now = process.memoryUsage();
  const grewJs = now.rss - settled.rss, heapJs = now.heapUsed - settled.heapUsed;
  // (the reference to each thrown value would keep it, and its holder, on the JS heap)
  t.ok(heapJs < 8 * 1024 * 1024, `JS heap grew ${(heapJs / 1048576).toFixed(1)} MB over 900,000 more JS exceptions`);
  if (!/asan/.test(process.env.WASIHOST_BINDING || '')) t.ok(grewJs < 64 * 1024 * 1024, `RSS grew ${(grewJs / 1048576).toFixed(1)} MB over 900,000 more JS exceptions`);
});
