'use strict';
// WebAssembly 2.0 spec-suite runner (wast2json command lists), engine-agnostic.
//
// An engine is { name, api, raw, strictText }:
// - api: a namespace shaped like `WebAssembly` (Module, Instance, Memory,
//   Table, Global, CompileError, LinkError, RuntimeError, Module.imports);
// - raw: api.internals when it offers callRaw (wasihost), else null. With raw,
//   numbers cross as bit patterns and NaN payloads are compared exactly;
// - strictText: trap messages must contain the script's text (wasihost);
//   for V8 only the error class is checked, its wording is its own.
//
// Command semantics follow the reference interpreter's script runner: each
// `module` replaces the current module (and binds its $name), `register`
// makes an instance importable under a name, actions target the current or a
// named instance. Every command is isolated: an exception, including one from
// the runner itself, fails that command only. A module that failed to
// instantiate makes later commands against it fail, never crash.
//
// Results are { index, line, type, name, status: 'pass'|'fail'|'skip',
// expected?, actual?, reason?, message? } with plain-string fields, so they
// can cross a process boundary as JSON (see isolate.js).

const fs = require('fs');
const path = require('path');
const V = require('./values.js');
const { makeSpectest } = require('./spectest.js');

// ../shared's copy, else the vendored one (scripts/spec-data.js).
function specDir(root, suite = '2.0') {
  return require(path.join(root, 'scripts', 'spec-data.js')).specDir(suite);
}

function loadEngine(name, root) {
  if (name === 'v8') return { name, api: WebAssembly, raw: null, strictText: false };
  if (name !== 'wasihost') throw new Error(`unknown engine ${name} (v8 or wasihost)`);
  const api = require(root);
  const internals = api.internals;
  const raw = internals && typeof internals.callRaw === 'function' ? internals : null;
  return { name, api, raw, strictText: true };
}

function globToRegExp(glob) {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

// The json files of the suite, sorted; patterns match the base name with or
// without ".json" ("i32", "f*", "simd_*.json", "json/table.json").
function listFiles(dir, patterns = []) {
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (!patterns.length) return all;
  const res = patterns.map((p) => globToRegExp(path.basename(p).replace(/\.json$/, '')));
  return all.filter((f) => res.some((re) => re.test(f.replace(/\.json$/, ''))));
}

// A trap or exhaustion message matches when it contains the script's text.
// wast2json keeps the text verbatim and one script adds a detail the engine
// need not print (table_init.wast: "uninitialized element 2"), so a trailing
// number is optional. No other aliases: the remaining texts are the spec's
// canonical trap wordings, which the engine is expected to use as they are.
function trapTextMatches(message, text) {
  if (typeof message !== 'string') return false;
  if (message.includes(text)) return true;
  const base = text.replace(/ \d+$/, '');
  return base !== text && message.includes(base);
}

function describe(e) {
  if (e === null || typeof e !== 'object') return `non-error thrown: ${String(e)}`;
  const cls = (e.constructor && e.constructor.name) || 'Error';
  return `${cls}: ${e.message}`;
}

// Thrown when a command cannot reach the engine (its module failed, or the
// export is missing): it must fail the command even if a trap was expected.
class Precondition extends Error {}

class Script {
  constructor(engine, dir) {
    this.engine = engine;
    this.api = engine.api;
    this.dir = dir;
    this.registry = new Map(); // import name -> exports
    this.named = new Map(); // $name -> { exports } | { error }
    this.definitions = new Map(); // module_definition $name -> { module } | { error }
    this.current = null;
    this.notes = [];
    this.spectest = null;
  }

  importable(name) {
    if (name === 'spectest' && !this.registry.has('spectest')) {
      const st = makeSpectest(this.api);
      if (st.note) this.notes.push(st.note);
      this.registry.set('spectest', st.exports);
    }
    return this.registry.get(name);
  }

  compile(filename) {
    const bytes = fs.readFileSync(path.join(this.dir, filename));
    return new this.api.Module(bytes);
  }

  // Import object for `mod`: each module name it imports from, resolved in
  // the registry; an unknown name gets an empty object so the engine itself
  // reports the missing import as a LinkError (a JS TypeError otherwise).
  imports(mod) {
    let list = null;
    try { list = this.api.Module.imports(mod); } catch { list = null; }
    if (!Array.isArray(list)) {
      const self = this;
      return new Proxy({}, { get: (_, k) => (typeof k === 'string' ? self.importable(k) || {} : undefined) });
    }
    const obj = {};
    for (const imp of list) obj[imp.module] = this.importable(imp.module) || {};
    return obj;
  }

  instantiate(filename) {
    const mod = this.compile(filename);
    return new this.api.Instance(mod, this.imports(mod));
  }

  target(moduleName) {
    const st = moduleName ? this.named.get(moduleName) : this.current;
    if (!st) throw new Precondition(moduleName ? `no module ${moduleName}` : 'no current module');
    if (st.error) throw new Precondition(`module failed earlier: ${st.error}`);
    return st.exports;
  }

  // Runs an action; returns { values: [normalised...], exact } where exact
  // says NaN bit patterns are meaningful. `types` are the expected result
  // types (used to normalise JS-API results, which carry no type).
  act(action, types) {
    const ex = this.target(action.module);
    const field = action.field;
    const target = ex[field];
    const raw = this.engine.raw;
    if (action.type === 'invoke') {
      if (typeof target !== 'function') throw new Precondition(`export "${field}" is not a function`);
      const args = action.args || [];
      if (raw) {
        const out = raw.callRaw(target, args.map(V.rawArg));
        if (!Array.isArray(out)) throw new Error(`callRaw returned ${typeof out}, not an array`);
        this.checkRawTypes(target, types);
        return { values: out.map((x, i) => V.fromRaw(types[i] || '?', x)), exact: true, count: out.length };
      }
      const r = target(...args.map(V.jsArg));
      let out;
      if (types.length === 0) out = r === undefined ? [] : [r];
      else if (types.length === 1) out = [r];
      else out = Array.isArray(r) ? r : [r];
      return { values: out.map((x, i) => V.fromJs(types[i] || '?', x)), exact: false, count: out.length };
    }
    if (action.type === 'get') {
      if (!(target instanceof this.api.Global)) throw new Precondition(`export "${field}" is not a global`);
      const type = types[0] || '?';
      if (raw && typeof raw.globalRaw === 'function') {
        let v = raw.globalRaw(target);
        if (Array.isArray(v)) v = v[0];
        return { values: [V.fromRaw(type, v)], exact: true, count: 1 };
      }
      return { values: [V.fromJs(type, target.value)], exact: false, count: 1 };
    }
    throw new Precondition(`unknown action type ${action.type}`);
  }

  // With internals.funcType, the function's declared result types must be
  // the expected ones (catches a wrong signature that happens to produce
  // the expected bits). Only checked when it answers { results: [string] }.
  checkRawTypes(fn, types) {
    const raw = this.engine.raw;
    if (typeof raw.funcType !== 'function' || !types.length) return;
    const ft = raw.funcType(fn);
    if (!ft || !Array.isArray(ft.results) || !ft.results.every((t) => typeof t === 'string')) return;
    if (ft.results.length !== types.length || !ft.results.every((t, i) => V.resultTypeMatches(t, types[i]))) {
      throw new Error(`function results are (${ft.results.join(' ')}), expected (${types.join(' ')})`);
    }
  }

  isTrap(e, text, exhaustion) {
    const api = this.api;
    const ok = e instanceof api.RuntimeError || (exhaustion && !this.engine.strictText && e instanceof RangeError);
    if (!ok) return false;
    return !this.engine.strictText || trapTextMatches(e.message, text);
  }

  run(cmd) {
    switch (cmd.type) {
      case 'module': return this.cmdModule(cmd);
      case 'module_definition': return this.cmdDefinition(cmd);
      case 'module_instance': return this.cmdInstance(cmd);
      case 'assert_exception': return this.cmdException(cmd);
      case 'register': return this.cmdRegister(cmd);
      case 'action': return this.cmdAction(cmd);
      case 'assert_return': return this.cmdReturn(cmd);
      case 'assert_trap':
      case 'assert_exhaustion': return this.cmdTrap(cmd);
      case 'assert_invalid':
      case 'assert_malformed': return this.cmdInvalid(cmd);
      case 'assert_unlinkable': return this.cmdUnlinkable(cmd);
      case 'assert_uninstantiable': return this.cmdUninstantiable(cmd);
      default: return { status: 'fail', reason: `unknown command type ${cmd.type}` };
    }
  }

  cmdModule(cmd) {
    let st, res;
    try {
      st = { exports: this.instantiate(cmd.filename).exports };
      res = { status: 'pass' };
    } catch (e) {
      st = { error: describe(e) };
      res = { status: 'fail', expected: 'module instantiates', actual: describe(e) };
    }
    this.current = st;
    if (cmd.name) this.named.set(cmd.name, st);
    return res;
  }

  // 3.0 scripts: `(module definition $M ...)` compiles without instantiating;
  // `(module instance $I $M)` instantiates it and makes it current.
  cmdDefinition(cmd) {
    let def, res;
    try {
      def = { module: this.compile(cmd.filename) };
      res = { status: 'pass' };
    } catch (e) {
      def = { error: describe(e) };
      res = { status: 'fail', expected: 'module compiles', actual: describe(e) };
    }
    this.definitions.set(cmd.name || null, def);
    return res;
  }

  cmdInstance(cmd) {
    const def = this.definitions.get(cmd.module || null);
    let st, res;
    if (!def || def.error) {
      st = { error: def ? def.error : `no module definition ${cmd.module}` };
      res = { status: 'fail', reason: st.error };
    } else {
      try {
        st = { exports: new this.api.Instance(def.module, this.imports(def.module)).exports };
        res = { status: 'pass' };
      } catch (e) {
        st = { error: describe(e) };
        res = { status: 'fail', expected: 'module instantiates', actual: describe(e) };
      }
    }
    this.current = st;
    if (cmd.instance) this.named.set(cmd.instance, st);
    return res;
  }

  // The call must end in a wasm exception (not a trap).
  cmdException(cmd) {
    const api = this.api;
    try {
      this.act(cmd.action, []);
    } catch (e) {
      if (!(e instanceof Precondition) && api.Exception && e instanceof api.Exception) return { status: 'pass' };
      return { status: 'fail', expected: 'a WebAssembly.Exception', actual: describe(e) };
    }
    return { status: 'fail', expected: 'a WebAssembly.Exception', actual: 'returned' };
  }

  cmdRegister(cmd) {
    const st = cmd.name ? this.named.get(cmd.name) : this.current;
    if (!st) return { status: 'fail', reason: `no module ${cmd.name || '(current)'} to register` };
    if (st.error) {
      this.registry.delete(cmd.as);
      return { status: 'fail', reason: `registered module failed earlier: ${st.error}` };
    }
    this.registry.set(cmd.as, st.exports);
    return { status: 'pass' };
  }

  cmdAction(cmd) {
    const types = (cmd.expected || []).map((v) => v.type);
    try {
      this.act(cmd.action, types);
      return { status: 'pass' };
    } catch (e) {
      return { status: 'fail', expected: 'no trap', actual: describe(e) };
    }
  }

  cmdReturn(cmd) {
    const exp = cmd.expected || [];
    const expected = exp.map(V.showExpected).join(' ') || '(nothing)';
    let r;
    try {
      r = this.act(cmd.action, exp.map((v) => (v.type === 'either' ? v.values[0].type : v.type)));
    } catch (e) {
      return { status: 'fail', expected, actual: describe(e) };
    }
    const actual = r.values.map(V.showActual).join(' ') || '(nothing)';
    if (r.count !== exp.length) {
      return { status: 'fail', expected, actual: `${actual} [${r.count} values]` };
    }
    const ok = exp.every((v, i) => V.matches(v, r.values[i], r.exact));
    return ok ? { status: 'pass' } : { status: 'fail', expected, actual };
  }

  cmdTrap(cmd) {
    const exhaustion = cmd.type === 'assert_exhaustion';
    const expected = `${this.engine.strictText ? 'RuntimeError' : exhaustion ? 'RuntimeError|RangeError' : 'RuntimeError'}: ${cmd.text}`;
    let r;
    try {
      r = this.act(cmd.action, (cmd.expected || []).map((v) => v.type));
    } catch (e) {
      if (!(e instanceof Precondition) && this.isTrap(e, cmd.text, exhaustion)) {
        return { status: 'pass', message: e.message };
      }
      return { status: 'fail', expected, actual: describe(e) };
    }
    return { status: 'fail', expected, actual: `returned ${r.values.map(V.showActual).join(' ') || '(nothing)'}` };
  }

  cmdInvalid(cmd) {
    const expected = `CompileError: ${cmd.text}`;
    try {
      this.compile(cmd.filename);
    } catch (e) {
      if (e instanceof this.api.CompileError) return { status: 'pass', message: e.message };
      return { status: 'fail', expected, actual: describe(e) };
    }
    return { status: 'fail', expected, actual: 'compiled' };
  }

  cmdUnlinkable(cmd) {
    const expected = `LinkError: ${cmd.text}`;
    let mod;
    try {
      mod = this.compile(cmd.filename);
      new this.api.Instance(mod, this.imports(mod));
    } catch (e) {
      if (mod && e instanceof this.api.LinkError) return { status: 'pass', message: e.message };
      return { status: 'fail', expected, actual: (mod ? '' : 'compile: ') + describe(e) };
    }
    return { status: 'fail', expected, actual: 'instantiated' };
  }

  cmdUninstantiable(cmd) {
    const expected = `RuntimeError: ${cmd.text}`;
    let mod;
    try {
      mod = this.compile(cmd.filename);
      new this.api.Instance(mod, this.imports(mod));
    } catch (e) {
      if (mod && this.isTrap(e, cmd.text, false)) return { status: 'pass', message: e.message };
      return { status: 'fail', expected, actual: (mod ? '' : 'compile: ') + describe(e) };
    }
    return { status: 'fail', expected, actual: 'instantiated' };
  }
}

function commandName(cmd) {
  if (cmd.action) return cmd.action.field;
  if (cmd.type === 'register') return cmd.as;
  return cmd.name || cmd.filename || '';
}

// v128 arguments and results cross only through the raw internals (the JS
// API refuses them, as V8 does): a plain JS-API engine skips those commands.
// Modules the 2.0 suite asserts invalid that WebAssembly 3.0, which
// wasihost implements, made valid: several memories, and constant
// expressions reading an immutable global defined in the module (2.0's
// data.wast, elem.wast, global.wast; named by file, 2.0 suite only).
const VALID_IN_3 = new Set(['data.9.wasm', 'data.10.wasm', 'elem.10.wasm', 'elem.11.wasm',
  'global.18.wasm', 'global.19.wasm']);
function skipReason(file, cmd, engine, dir = '') {
  if (cmd.module_type === 'text') return 'text module';
  if (cmd.type === 'assert_invalid' && cmd.text === 'multiple memories') return 'valid in 3.0 (multiple memories)';
  if (cmd.type === 'assert_invalid' && cmd.text === 'unknown global' && VALID_IN_3.has(cmd.filename) &&
      /spec-2\.0/.test(dir)) return 'valid in 3.0 (constant expressions may read defined globals)';
  if (V.usesV128(cmd) && !(engine && engine.raw)) return 'v128';
  return null;
}

function readCommands(dir, file) {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).commands;
}

// Runs one json file in this process, calling onResult(result) after each
// command. Returns the script's notes (e.g. spectest fallback).
function runCommands(engine, dir, file, onResult, commands = readCommands(dir, file)) {
  const script = new Script(engine, dir);
  commands.forEach((cmd, index) => {
    const base = { index, line: cmd.line, type: cmd.type, name: commandName(cmd) };
    if (cmd.text !== undefined) base.text = cmd.text;
    const skip = skipReason(file, cmd, engine, dir);
    let res;
    if (skip) {
      res = { status: 'skip', reason: skip };
      if (cmd.type === 'module') {
        script.current = { error: `skipped (${skip})` };
        if (cmd.name) script.named.set(cmd.name, script.current);
      }
    } else {
      try {
        res = script.run(cmd);
      } catch (e) {
        res = { status: 'fail', reason: `runner error: ${describe(e)}` };
      }
    }
    onResult({ ...base, ...res });
  });
  return script.notes;
}

function summarize(file, results, notes = [], ms = 0) {
  const count = (s) => results.filter((r) => r.status === s).length;
  return {
    file,
    commands: results.length,
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    ms,
    notes,
    results,
  };
}

// Runs one json file in this process and returns its summary.
function runFile(engine, dir, file) {
  const t0 = process.hrtime.bigint();
  const results = [];
  let notes = [];
  try {
    notes = runCommands(engine, dir, file, (r) => results.push(r));
  } catch (e) {
    results.push({ index: -1, line: 0, type: 'file', name: file, status: 'fail', reason: describe(e) });
  }
  return summarize(file, results, notes, Number(process.hrtime.bigint() - t0) / 1e6);
}

// Export names in names.wast hold newlines, '#', control and non-ASCII
// characters; a TAP line must not, so such names are shown as escaped JSON.
function printable(name) {
  if (/^[\x21-\x7e]+$/.test(name) && !/[#\\"]/.test(name)) return name;
  return JSON.stringify(name).replace(/[^\x20-\x7e]|#/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function label(r) {
  return `line ${r.line} ${r.type}${r.name ? ` ${printable(r.name)}` : ''}`;
}

function failureText(r) {
  const parts = [];
  if (r.expected !== undefined) parts.push(`expected ${r.expected}`);
  if (r.actual !== undefined) parts.push(`got ${r.actual}`);
  if (r.reason !== undefined) parts.push(r.reason);
  return parts.join('; ');
}

module.exports = {
  specDir, loadEngine, listFiles, readCommands, runCommands, runFile, summarize,
  trapTextMatches, label, failureText, skipReason,
};
