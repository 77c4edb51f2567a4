'use strict';
// Exported functions (JS API 2.0 §"Exported Function") as closures: one
// JS function per arity, made once, returns a new closure per wasm function,
// and every closure calls the binding's one native entry with the External
// of its wrapper (napi_func.c).  A native function per export needed a
// FunctionTemplate of its own (~500 bytes of heap) and redefining its
// `length` turned it into a dictionary; closures of one function literal
// share its SharedFunctionInfo, so `length` (the parameter count) comes
// with it, and a computed method name sets `name` (the function index)
// without a map of its own.  A shorthand method has no [[Construct]] and no
// `prototype`, as V8's exported functions.  Extra arguments are dropped and
// missing ones are undefined, as the native entry read them before.
// Unlike V8's, their toString() shows this source, not "[native code]",
// and a stack trace through one shows its frame ("at 0 [as name]
// (wasihost:exported-function:...)") where V8 shows the wasm frames; a
// trap's stack has the wasm frames instead (src/node/napi_backtrace.c
// looks for that source name).
const factories = []; // by arity: (handle, name) => function

function factory(call, n) {
  const params = [];
  for (let i = 0; i < n; i++) params.push(`a${i}`);
  const args = params.map((p) => `, ${p}`).join('');
  // eslint-disable-next-line no-new-func
  return new Function('call', `'use strict';
return (h, name) => ({ [name](${params.join(', ')}) { return call(h${args}); } })[name];
//# sourceURL=wasihost:exported-function`)(call);
}

// exportedFunction(call, handle, name, nparams): called by the binding.
function exportedFunction(call, h, name, n) {
  let make = factories[n];
  if (make === undefined) make = factories[n] = factory(call, n);
  return make(h, name);
}

module.exports = { exportedFunction };
