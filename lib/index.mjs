// The ESM entry (package.json "exports" -> "import"):
//   import { WASI, Module, Instance, instantiate } from 'wasihost';
//   import wasihost from 'wasihost';
// The same objects as require('wasihost'): one module instance, so classes
// and instanceof agree between CommonJS and ESM callers.  Named exports are
// listed here because Node's CommonJS export detection cannot see the ones
// lib/index.js defines with getters (WASI).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasihost = require('./index.js');

export default wasihost;
export const {
  Module, Instance, Memory, Table, Global, Tag, Exception, JSTag,
  CompileError, LinkError, RuntimeError, WASIExit,
  compile, instantiate, validate, compileStreaming, instantiateStreaming,
  internals, interrupt, guestThreads, view, WASI,
} = wasihost;
