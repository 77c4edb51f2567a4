'use strict';
// A guest profile as plain data, built from what the engine recorded
// (src/engine/prof.c, read through profileRead): functions, locations
// (a code offset with its source lines, innermost inlined function first)
// and weighted stacks.  Writers: cpuprofile.js (Chrome DevTools, VS Code,
// speedscope) and pprof.js (go tool pprof); writeProfile picks one by the
// file's extension.
const fs = require('fs');
const native = require('../api/binding');
const { demangle } = require('./demangle');
const { goFunctions } = require('./gosym');
const { toCpuProfile } = require('./cpuprofile');
const { toPprof } = require('./pprof');

const KIND_WASM = 0, KIND_HOST = 1, KIND_OTHER = 2, KIND_TRUNCATED = 3;
const NO_OFFSET = 0xffffffff;
const NO_INDEX = 0x3fffffff;

// Go's function table, once per Module object (it takes a scan of the data).
const goTables = new WeakMap();
function goTable(module) {
  if (!module) return null;
  if (!goTables.has(module)) {
    let t = null;
    try { t = goFunctions(native.moduleBytes(module)); } catch (_) { t = null; }
    goTables.set(module, t);
  }
  return goTables.get(module);
}

class Profile {
  constructor(raw, module) {
    this.mode = raw.mode === 2 ? 'exact' : 'sample';
    this.intervalUs = raw.intervalUs;
    this.durationUs = raw.durationUs;
    // when it started, by the wall clock (µs): .cpuprofile needs a real
    // start (Chrome DevTools draws nothing for a profile that starts at 0)
    this.startTimeUs = Math.round(Date.now() * 1000) - raw.durationUs;
    this.truncated = raw.truncated;
    this.functions = []; // { id, name, file, startLine, kind }
    this.locations = []; // { id, address, kind, lines: [{ functionId, line, column }] }
    this.samples = [];   // { locationIds (leaf first), values, timeUs }
    const go = raw.lines ? null : goTable(module);
    const fnIds = new Map();
    const locIds = new Map();
    const fn = (name, file, line, kind) => {
      const key = `${kind}\0${name}\0${file || ''}`;
      let id = fnIds.get(key);
      if (id === undefined) {
        id = this.functions.length + 1;
        fnIds.set(key, id);
        this.functions.push({ id, name, file: file || null, startLine: line || 0, kind });
      } else if (line) {
        const f = this.functions[id - 1];
        // without a declaration line, the first line seen is the best start
        if (!f.startLine || (kind === 'wasm' && !go && line < f.startLine)) f.startLine = line;
      }
      return id;
    };
    const wasmName = (index) => {
      const g = go && go.get(index);
      if (g) return g.name;
      const n = raw.names[index];
      return n ? demangle(n) : `wasm-function[${index}]`;
    };
    const loc = (word, offset) => {
      const kind = word >>> 30, index = word & NO_INDEX;
      const key = `${kind}:${index}:${offset}`;
      let id = locIds.get(key);
      if (id !== undefined) return id;
      const lines = [];
      if (kind === KIND_WASM) {
        const dw = raw.lines && offset !== NO_OFFSET ? raw.lines[offset] : null;
        if (dw && dw.length) {
          dw.forEach((l, j) => {
            const last = j === dw.length - 1;
            const name = last ? wasmName(index) : demangle(l.function || '?');
            lines.push({ functionId: fn(name, l.file, l.line, 'wasm'), line: l.line || 0, column: l.column || 0 });
          });
        } else {
          const g = go && go.get(index);
          lines.push({ functionId: fn(wasmName(index), g ? g.file : null, g ? g.line : 0, 'wasm'), line: g ? g.line : 0, column: 0 });
        }
      } else if (kind === KIND_HOST) {
        const imp = index !== NO_INDEX ? raw.imports[index] : null;
        lines.push({ functionId: fn(imp ? `${imp[0]}.${imp[1]}` : '(host function)', null, 0, 'host'), line: 0, column: 0 });
      } else {
        lines.push({ functionId: fn(kind === KIND_OTHER ? '(another module)' : '(deeper frames)', null, 0, 'other'), line: 0, column: 0 });
      }
      id = this.locations.length + 1;
      locIds.set(key, id);
      this.locations.push({ id, address: kind === KIND_WASM && offset !== NO_OFFSET ? offset : 0, kind, lines });
      return id;
    };
    if (this.mode === 'sample') {
      const w = raw.samples;
      for (let i = 0; i + 4 <= w.length;) {
        const n = w[i], weight = w[i + 1], timeUs = w[i + 2] + w[i + 3] * 2 ** 32;
        const ids = [];
        for (let k = n - 1; k >= 0; k--) ids.push(loc(w[i + 4 + 2 * k], w[i + 5 + 2 * k]));
        this.samples.push({ locationIds: ids, values: [weight, weight * this.intervalUs * 1000], timeUs });
        i += 4 + 2 * n;
      }
      this.sampleTypes = [['samples', 'count'], ['cpu', 'nanoseconds']];
    } else {
      // exact: one flat entry per function that ran or was called
      for (let i = 0; i < raw.calls.length; i++) {
        if (!raw.calls[i] && !raw.units[i]) continue;
        const word = i < raw.imports.length ? (KIND_HOST << 30) | i : i;
        this.samples.push({ locationIds: [loc(word >>> 0, NO_OFFSET)], values: [raw.calls[i], raw.units[i]], timeUs: 0 });
      }
      this.sampleTypes = [['calls', 'count'], ['instructions', 'count']];
    }
  }

  toCpuProfile() { return toCpuProfile(this); }
  toPprof() { return toPprof(this); }

  // The heaviest functions by self weight (the last sample type): for
  // quick looks and tests.
  top(n = 10) {
    const self = new Map();
    const v = this.sampleTypes.length - 1;
    for (const s of this.samples) {
      const leaf = this.locations[s.locationIds[0] - 1];
      const f = this.functions[leaf.lines[0].functionId - 1];
      self.set(f.name, (self.get(f.name) || 0) + s.values[v]);
    }
    return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, value]) => ({ name, value }));
  }
}

// Writes p to file: .cpuprofile (JSON) or .pb.gz / .pprof (gzipped pprof).
function writeProfile(p, file) {
  if (/\.cpuprofile$/i.test(file)) {
    fs.writeFileSync(file, JSON.stringify(p.toCpuProfile()));
  } else if (/\.(pb\.gz|pprof|pb)$/i.test(file)) {
    fs.writeFileSync(file, p.toPprof());
  } else {
    throw new TypeError(`profile file must end in .cpuprofile or .pb.gz: ${file}`);
  }
}

module.exports = { Profile, writeProfile };
