'use strict';
// Keep-alive groups: the JS-heap mirror of the engine's stores.
//
// A host function made from a JS callable holds it only weakly (a strong
// N-API reference would be a GC root, and the callable usually closes over
// the instance's exports, so instance -> store -> host function -> callable
// -> instance would never be collected).  Instead the callable is kept by a
// group object reachable from every JS wrapper (Instance, exported function,
// Memory, Table, Global) whose engine object shares the store: wrapper ->
// (WeakMap) group -> (parent chain) root group -> keep[] -> callable.  That is
// plain JS reachability, so an unreachable cycle is collected as a whole.
// The binding joins groups wherever the engine joins stores: instantiation
// (the instance and everything it imports), funcrefs put into tables and
// globals or passed to functions, and new wrappers made from existing ones.
const groups = new WeakMap();

function find(g) {
  while (g.parent !== null) {
    if (g.parent.parent !== null) g.parent = g.parent.parent; // path halving
    g = g.parent;
  }
  return g;
}

function rootOf(obj) {
  let g = groups.get(obj);
  if (g === undefined) {
    g = { parent: null, keep: [] };
    groups.set(obj, g);
    return g;
  }
  return find(g);
}

// groupJoin(a, b, ...): joins each of b, ... with a (instantiation passes
// all of an instance's exports in one call).  A wrapper without a group yet
// (a new one) just points at a's root: no group object of its own.
function groupJoin(a, ...others) {
  for (const b of others) {
    let gb = groups.get(b);
    if (gb === undefined) {
      groups.set(b, rootOf(a));
      continue;
    }
    let ga = rootOf(a);
    gb = find(gb);
    if (ga === gb) continue;
    if (ga.keep.length < gb.keep.length) [ga, gb] = [gb, ga];
    gb.parent = ga;
    for (const v of gb.keep) ga.keep.push(v);
    gb.keep = [];
  }
}

function groupKeep(obj, value) {
  rootOf(obj).keep.push(value);
}

module.exports = { groupJoin, groupKeep };
