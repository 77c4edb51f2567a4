'use strict';
// lib/ has no require cycle: every relative require() in lib/ (top-level or
// lazy, inside a function) is an edge, and the graph must be acyclic, so
// whichever file is loaded first sees its dependencies complete.
const t = require('tap');
const fs = require('fs');
const path = require('path');

const lib = path.join(__dirname, '..', '..', 'lib');

function files(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (/\.(js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

// Relative specifiers of require('...') and import ... from '...', with the
// code's comments removed so that examples in them do not count.
function edges(file) {
  const src = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out = [];
  for (const m of src.matchAll(/(?:require\(\s*|from\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)) {
    const r = resolve(file, m[2]);
    if (r && r.startsWith(lib)) out.push(r);
  }
  return out;
}

const all = files(lib);
const graph = new Map(all.map((f) => [f, edges(f)]));

t.ok(graph.get(path.join(lib, 'index.js')).length > 3, 'the parser sees lib/index.js\'s requires');

const state = new Map(); // 1 on the path, 2 done
const cycles = [];
function visit(f, stack) {
  state.set(f, 1);
  stack.push(f);
  for (const g of graph.get(f) || []) {
    if (state.get(g) === 1) cycles.push([...stack.slice(stack.indexOf(g)), g].map((p) => path.relative(lib, p)).join(' -> '));
    else if (!state.get(g)) visit(g, stack);
  }
  stack.pop();
  state.set(f, 2);
}
for (const f of all) if (!state.get(f)) visit(f, []);
t.same(cycles, [], 'no require cycle in lib/');

// The check can fail: a graph with a cycle in it is reported.
t.test('a cycle is found', (t) => {
  const saved = new Map(graph);
  graph.set(path.join(lib, 'api', 'binding.js'), [path.join(lib, 'index.js')]);
  state.clear();
  cycles.length = 0;
  for (const f of all) if (!state.get(f)) visit(f, []);
  t.ok(cycles.length > 0, `found: ${cycles[0]}`);
  for (const [k, v] of saved) graph.set(k, v);
  t.end();
});
