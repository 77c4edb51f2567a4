'use strict';
// externref values as the engine sees them: a JS value is interned to a
// small positive integer id (0 is ref.null), so that a value passed into
// wasm comes back as the very same value.  -0 keeps its own id (a Map would
// merge it with +0).  Interned values live as long as the process: the engine
// cannot report when wasm drops a reference.
const values = [null];
const ids = new Map();
let negZeroId = 0;

function externIntern(v) {
  if (v === 0 && Object.is(v, -0)) {
    if (!negZeroId) {
      negZeroId = values.length;
      values.push(-0);
    }
    return negZeroId;
  }
  let id = ids.get(v);
  if (id === undefined) {
    id = values.length;
    values.push(v);
    ids.set(v, id);
  }
  return id;
}

module.exports = { externIntern, externValues: values };
