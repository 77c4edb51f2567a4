'use strict';
// The WebAssembly 3.0 spec suite (../shared/spec-3.0/json, wasm-tools json)
// for the 3.0 features wasihost runs: SIMD (every simd_* file), relaxed SIMD, tail
// calls, multiple memories, typed function references, memory64 and table64, and exception
// handling (commands on modules that use GC, which wasihost does not have, are left out by their
// CompileError naming it). The rest of the 3.0 suite: `node scripts/spec.js --suite 3.0`
// (README, "Not done yet", lists what fails and why).
const t = require('tap');
const fs = require('fs');
const path = require('path');
const runner = require('./spec/runner.js');
const { runSuite } = require('./spec/suite.js');

const root = path.join(__dirname, '..');
const dir = runner.specDir(root, '3.0');
const GLOBS = ['simd_*', 'relaxed_*', 'i*_relaxed_*', 'return_call', 'return_call_indirect',
  // multiple memories
  'address0', 'address1', 'align0', 'binary0', 'data0', 'data1', 'data_drop0', 'exports0', 'float_exprs0',
  'float_exprs1', 'float_memory0', 'imports0', 'imports1', 'imports2', 'imports3', 'linking0', 'linking1',
  'linking2', 'linking3', 'load0', 'load1', 'load2', 'memory-multi', 'memory_copy0', 'memory_copy1',
  'memory_fill0', 'memory_grow', 'memory_init0', 'memory_size0', 'memory_size1', 'memory_size2',
  'memory_size3', 'memory_trap0', 'memory_trap1', 'start0', 'store0', 'store1', 'store2', 'traps0',
  // typed function references (and the 3.0 files typed references changed)
  'call_ref', 'return_call_ref', 'ref', 'ref_as_non_null', 'ref_func', 'ref_is_null', 'br_on_null',
  'br_on_non_null', 'local_init', 'br_table', 'table', 'select', 'unreached-valid', 'linking', 'elem',
  'global', 'local_tee', 'func', 'br_if', 'call_indirect',
  // memory64 and table64 (table_init64: its last module is GC's)
  'address64', 'align64', 'binary_leb128_64', 'bulk64', 'call_indirect64', 'endianness64', 'float_memory64',
  'load64', 'memory64-imports', 'memory64', 'memory_copy64', 'memory_fill64', 'memory_grow64',
  'memory_init64', 'memory_redundancy64', 'memory_trap64', 'table64', 'table_copy64', 'table_copy_mixed',
  'table_fill64', 'table_get64', 'table_grow64', 'table_set64', 'table_size64',
  // exception handling
  'try_table', 'throw', 'throw_ref', 'tag', 'imports', 'instance'];
// a module of the files above that uses a feature wasihost lacks (and the
// commands on it)
const OTHER_FEATURE = /garbage collection proposal is not supported/;
const NOT_YET = new Set([]);

if (!fs.existsSync(dir)) {
  t.plan(0, `spec-3.0 suite not found at ${dir}`);
} else {
  const files = runner.listFiles(dir, GLOBS).filter((f) => !NOT_YET.has(f));
  t.test('spec 3.0 (SIMD, relaxed SIMD, tail calls, multiple memories, typed references, memory64, exceptions) on wasihost', async (t) => {
    t.ok(files.length >= 100, `${files.length} files`);
    let passed = 0;
    await runSuite({ engine: 'wasihost', root, dir, files, isolate: true, timeoutMs: 60000, budgetMs: 450000 }, (s) => {
      passed += s.passed;
      const fails = s.results.filter((r) => r.status === 'fail' && !OTHER_FEATURE.test(runner.failureText(r)));
      t.equal(fails.length, 0, `${s.file}: ${s.passed} passed, ${s.skipped} skipped`, {
        failures: fails.slice(0, 10).map((r) => `${runner.label(r)}: ${runner.failureText(r)}`),
      });
    });
    t.comment(`spec 3.0 subset: ${passed} commands passed`);
  });
}
