'use strict';
// Seeds fuzz/corpus-wasi/ for fuzz_wasi: modules that import
// wasi_snapshot_preview1 functions with their real types and call them on
// the sandbox fuzz_wasi.c sets up (fd 3 = /sandbox read-only, fd 4 = /tmp
// writable).  One module walks through a plausible program ("all"), and one
// module per function calls just it, so mutations of one call's constants
// stay cheap.  Needs the wabt devDependency.  Usage: node fuzz/make-wasi-corpus.js
const fs = require('fs');
const path = require('path');

const outDir = path.join(__dirname, 'corpus-wasi');

// name: [params, results] as in src/wasi/wasi_internal.h (i = i32, I = i64)
const SIGS = {
  args_get: 'ii', args_sizes_get: 'ii', environ_get: 'ii', environ_sizes_get: 'ii',
  clock_res_get: 'ii', clock_time_get: 'iIi', fd_advise: 'iIIi', fd_allocate: 'iII',
  fd_close: 'i', fd_datasync: 'i', fd_fdstat_get: 'ii', fd_fdstat_set_flags: 'ii',
  fd_fdstat_set_rights: 'iII', fd_filestat_get: 'ii', fd_filestat_set_size: 'iI',
  fd_filestat_set_times: 'iIIi', fd_pread: 'iiiIi', fd_prestat_get: 'ii',
  fd_prestat_dir_name: 'iii', fd_pwrite: 'iiiIi', fd_read: 'iiii', fd_readdir: 'iiiIi',
  fd_renumber: 'ii', fd_seek: 'iIii', fd_sync: 'i', fd_tell: 'ii', fd_write: 'iiii',
  path_create_directory: 'iii', path_filestat_get: 'iiiii', path_filestat_set_times: 'iiiiIIi',
  path_link: 'iiiiiii', path_open: 'iiiiiIIii', path_readlink: 'iiiiii',
  path_remove_directory: 'iii', path_rename: 'iiiiii', path_symlink: 'iiiii',
  path_unlink_file: 'iii', poll_oneoff: 'iiii', proc_exit: 'i', proc_raise: 'i',
  sched_yield: '', random_get: 'ii', sock_accept: 'iii', sock_recv: 'iiiiii',
  sock_send: 'iiiii', sock_shutdown: 'ii',
};

// Memory layout shared by every seed.
const STR = { hello: 0, sub: 16, newdir: 32, link: 48, newtxt: 64, inner: 80, escape: 112, dotdot: 128 };
const DATA = [
  [STR.hello, 'hello.txt'], [STR.sub, 'sub'], [STR.newdir, 'newdir'], [STR.link, 'link'],
  [STR.newtxt, 'new.txt'], [STR.inner, 'sub/inner.txt'], [STR.escape, 'escape'],
  [STR.dotdot, '../secret.txt'],
];
const IOV = 256;   // {ptr 512, len 64} and {ptr 640, len 16}
const BUF = 512;
const OUT = 1024;  // scratch results
const SUBS = 4096; // poll_oneoff subscriptions
const EVENTS = 4352;

function esc(s) {
  return [...Buffer.from(s)].map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');
}
function le32(...ws) {
  return esc(String.fromCharCode(...ws.flatMap((w) => [w & 255, (w >> 8) & 255, (w >> 16) & 255, (w >>> 24) & 255])));
}
const pad64 = (n) => [n, 0];

function moduleText(names, body) {
  const imports = names.map((n) => {
    const ps = [...SIGS[n]].map((c) => (c === 'I' ? 'i64' : 'i32')).join(' ');
    const res = n === 'proc_exit' ? '' : '(result i32)';
    return `(import "wasi_snapshot_preview1" "${n}" (func $${n} (param ${ps}) ${res}))`;
  });
  const data = DATA.map(([at, s]) => `(data (i32.const ${at}) "${esc(s)}")`);
  // one clock subscription (relative, 1 ms) and one fd_read on stdin
  const sub = [
    ...pad64(7), 0 /* tag clock */, 0, ...pad64(1) /* id monotonic */, ...pad64(1000000), ...pad64(1000), 0, 0,
    ...pad64(8), 1 /* tag fd_read */, 0, 0 /* fd 0 */, 0, 0, 0, 0, 0, 0, 0,
  ];
  return `(module
  ${imports.join('\n  ')}
  (memory (export "memory") 1 2)
  ${data.join('\n  ')}
  (data (i32.const ${IOV}) "${le32(BUF, 64, BUF + 128, 16)}")
  (data (i32.const ${BUF}) "written by the guest\\n")
  (data (i32.const ${SUBS}) "${le32(...sub)}")
  (func (export "_start")
    ${body}))`;
}

const lenOf = (key) => Buffer.byteLength(DATA.find(([at]) => at === STR[key])[1]);
const str = (key) => `(i32.const ${STR[key]}) (i32.const ${lenOf(key)})`;
const ALL_RIGHTS = '(i64.const -1) (i64.const -1)';
const c = (name, ...args) => `(drop (call $${name} ${args.join(' ')}))`;

// A plausible program touching everything; results are dropped.
const ALL = [
  c('args_sizes_get', `(i32.const ${OUT})`, `(i32.const ${OUT + 4})`),
  c('args_get', `(i32.const ${OUT + 64})`, `(i32.const ${OUT + 128})`),
  c('environ_sizes_get', `(i32.const ${OUT})`, `(i32.const ${OUT + 4})`),
  c('environ_get', `(i32.const ${OUT + 64})`, `(i32.const ${OUT + 128})`),
  c('clock_res_get', '(i32.const 1)', `(i32.const ${OUT})`),
  c('clock_time_get', '(i32.const 0)', '(i64.const 1000)', `(i32.const ${OUT})`),
  c('fd_prestat_get', '(i32.const 3)', `(i32.const ${OUT})`),
  c('fd_prestat_dir_name', '(i32.const 3)', `(i32.const ${OUT + 16})`, '(i32.const 8)'),
  c('fd_fdstat_get', '(i32.const 3)', `(i32.const ${OUT})`),
  c('path_open', '(i32.const 3)', '(i32.const 1)', str('hello'), '(i32.const 0)', ALL_RIGHTS, '(i32.const 0)', `(i32.const ${OUT + 200})`),
  c('fd_read', `(i32.load (i32.const ${OUT + 200}))`, `(i32.const ${IOV})`, '(i32.const 2)', `(i32.const ${OUT})`),
  c('fd_seek', `(i32.load (i32.const ${OUT + 200}))`, '(i64.const 2)', '(i32.const 0)', `(i32.const ${OUT})`),
  c('fd_tell', `(i32.load (i32.const ${OUT + 200}))`, `(i32.const ${OUT})`),
  c('fd_pread', `(i32.load (i32.const ${OUT + 200}))`, `(i32.const ${IOV})`, '(i32.const 1)', '(i64.const 3)', `(i32.const ${OUT})`),
  c('fd_filestat_get', `(i32.load (i32.const ${OUT + 200}))`, `(i32.const ${OUT})`),
  c('fd_advise', `(i32.load (i32.const ${OUT + 200}))`, '(i64.const 0)', '(i64.const 10)', '(i32.const 1)'),
  c('fd_close', `(i32.load (i32.const ${OUT + 200}))`),
  c('fd_readdir', '(i32.const 3)', `(i32.const ${BUF})`, '(i32.const 256)', '(i64.const 0)', `(i32.const ${OUT})`),
  c('path_filestat_get', '(i32.const 3)', '(i32.const 1)', str('inner'), `(i32.const ${OUT})`),
  c('path_readlink', '(i32.const 3)', str('link'), `(i32.const ${BUF})`, '(i32.const 64)', `(i32.const ${OUT})`),
  c('path_open', '(i32.const 3)', '(i32.const 1)', str('escape'), '(i32.const 0)', ALL_RIGHTS, '(i32.const 0)', `(i32.const ${OUT})`),
  c('path_open', '(i32.const 3)', '(i32.const 0)', str('dotdot'), '(i32.const 0)', ALL_RIGHTS, '(i32.const 0)', `(i32.const ${OUT})`),
  c('path_unlink_file', '(i32.const 3)', str('hello')),
  c('fd_write', '(i32.const 1)', `(i32.const ${IOV})`, '(i32.const 1)', `(i32.const ${OUT})`),
  c('fd_read', '(i32.const 0)', `(i32.const ${IOV})`, '(i32.const 2)', `(i32.const ${OUT})`),
  // the writable mount
  c('path_open', '(i32.const 4)', '(i32.const 0)', str('newtxt'), '(i32.const 1)', ALL_RIGHTS, '(i32.const 0)', `(i32.const ${OUT + 204})`),
  c('fd_write', `(i32.load (i32.const ${OUT + 204}))`, `(i32.const ${IOV})`, '(i32.const 2)', `(i32.const ${OUT})`),
  c('fd_pwrite', `(i32.load (i32.const ${OUT + 204}))`, `(i32.const ${IOV})`, '(i32.const 1)', '(i64.const 100)', `(i32.const ${OUT})`),
  c('fd_filestat_set_size', `(i32.load (i32.const ${OUT + 204}))`, '(i64.const 4096)'),
  c('fd_allocate', `(i32.load (i32.const ${OUT + 204}))`, '(i64.const 0)', '(i64.const 8192)'),
  c('fd_filestat_set_times', `(i32.load (i32.const ${OUT + 204}))`, '(i64.const 1)', '(i64.const 2)', '(i32.const 5)'),
  c('fd_fdstat_set_flags', `(i32.load (i32.const ${OUT + 204}))`, '(i32.const 1)'),
  c('fd_fdstat_set_rights', `(i32.load (i32.const ${OUT + 204}))`, '(i64.const 0x1fffffff)', '(i64.const 0)'),
  c('fd_sync', `(i32.load (i32.const ${OUT + 204}))`),
  c('fd_datasync', `(i32.load (i32.const ${OUT + 204}))`),
  c('fd_renumber', `(i32.load (i32.const ${OUT + 204}))`, '(i32.const 10)'),
  c('fd_close', '(i32.const 10)'),
  c('path_create_directory', '(i32.const 4)', str('newdir')),
  c('path_symlink', str('newtxt'), '(i32.const 4)', str('link')),
  c('path_link', '(i32.const 4)', '(i32.const 0)', str('newtxt'), '(i32.const 4)', str('hello')),
  c('path_rename', '(i32.const 4)', str('hello'), '(i32.const 4)', str('inner')),
  c('path_filestat_set_times', '(i32.const 4)', '(i32.const 0)', str('newtxt'), '(i64.const 1)', '(i64.const 2)', '(i32.const 10)'),
  c('path_unlink_file', '(i32.const 4)', str('link')),
  c('path_remove_directory', '(i32.const 4)', str('newdir')),
  c('random_get', `(i32.const ${BUF})`, '(i32.const 32)'),
  c('sched_yield'),
  c('poll_oneoff', `(i32.const ${SUBS})`, `(i32.const ${EVENTS})`, '(i32.const 2)', `(i32.const ${OUT})`),
  c('sock_accept', '(i32.const 3)', '(i32.const 0)', `(i32.const ${OUT})`),
  c('sock_recv', '(i32.const 3)', `(i32.const ${IOV})`, '(i32.const 1)', '(i32.const 0)', `(i32.const ${OUT})`, `(i32.const ${OUT + 4})`),
  c('sock_send', '(i32.const 3)', `(i32.const ${IOV})`, '(i32.const 1)', '(i32.const 0)', `(i32.const ${OUT})`),
  c('sock_shutdown', '(i32.const 3)', '(i32.const 2)'),
  c('proc_raise', '(i32.const 9)'),
  '(call $proc_exit (i32.const 3))',
];

// Per function: the first call of it in ALL, or zeros.
function single(name) {
  const call = ALL.find((s) => s.includes(`$${name} `) || s.includes(`$${name})`));
  if (call && !call.includes('i32.load')) return call;
  const zeros = [...SIGS[name]].map((t) => (t === 'I' ? '(i64.const 0)' : '(i32.const 0)')).join(' ');
  return name === 'proc_exit' ? '(call $proc_exit (i32.const 0))' : c(name, zeros);
}

async function main() {
  let wabtPath;
  try {
    wabtPath = require.resolve('wabt', { paths: [path.join(__dirname, '..')] });
  } catch {
    console.log('make-wasi-corpus: wabt is not installed (npm install), nothing to do');
    return;
  }
  const wabt = await require(wabtPath)();
  fs.mkdirSync(outDir, { recursive: true });
  const emit = (file, names, body) => {
    const mod = wabt.parseWat(file, moduleText(names, body));
    fs.writeFileSync(path.join(outDir, file), Buffer.from(mod.toBinary({}).buffer));
    mod.destroy();
  };
  const names = Object.keys(SIGS);
  emit('all.wasm', names, ALL.join('\n    '));
  for (const n of names) emit(`${n}.wasm`, [n], single(n));
  console.log(`make-wasi-corpus: ${names.length + 1} modules in ${outDir}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
