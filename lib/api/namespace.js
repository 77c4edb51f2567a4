'use strict';
// The namespace functions of the JS API: compile, instantiate, validate and
// their streaming forms.  Compilation runs synchronously (the bytes are
// copied before anything else can touch them); instantiation runs in a
// later microtask, as the spec queues it.
const native = require('./binding');
const { Module } = require('./module');
const { Instance } = require('./instance');
const { isObject } = require('./convert');
const { requiredArgs } = require('./webidl');

function compile(bytes) {
  return new Promise((resolve) => resolve(new Module(bytes)));
}

function checkImports(importObject) {
  if (importObject !== undefined && !isObject(importObject)) {
    throw new TypeError('WebAssembly.instantiate(): Argument 1 must be an object');
  }
}

// instantiate(module, imports) -> Promise<Instance>
// instantiate(bytes, imports)  -> Promise<{module, instance}>
// A third argument passes execution limits to the Instance (extension).
// The imports of a Module are read now, in the module's import order (as
// the JS API's "asynchronously instantiate" does before it queues the
// instantiation), into an object the Instance reads later; the bytes'
// imports are read once they have compiled.
function readImports(module, importObject) {
  checkImports(importObject);
  const list = Module.imports(module);
  if (list.length === 0) return importObject;
  if (importObject === undefined) {
    throw new TypeError('WebAssembly.instantiate(): Imports argument must be present and must be an object');
  }
  const read = Object.create(null);
  list.forEach(({ module: m, name }, i) => {
    const ns = importObject[m];
    if (!isObject(ns)) {
      throw new TypeError(`WebAssembly.instantiate(): Import #${i} "${m}": module is not an object or function`);
    }
    if (!read[m]) read[m] = Object.create(null);
    read[m][name] = ns[name];
  });
  return read;
}

function instantiate(source, importObject, limits) {
  if (native.kindOf(source) === 'module') {
    return new Promise((resolve) => {
      resolve(readImports(source, importObject));
    }).then((imports) => new Instance(source, imports, limits));
  }
  return new Promise((resolve) => {
    checkImports(importObject);
    resolve(new Module(source));
  }).then((module) => ({ module, instance: new Instance(module, importObject, limits) }));
}

function validate(bytes) {
  return native.moduleValidate(bytes);
}

async function responseBytes(source) {
  const response = await source;
  if (!response || typeof response.arrayBuffer !== 'function') {
    throw new TypeError('WebAssembly: argument must be a Response or a Promise of one');
  }
  if (response.ok === false) {
    throw new TypeError(`WebAssembly: HTTP status ${response.status}`);
  }
  return response.arrayBuffer();
}

function compileStreaming(source) {
  return responseBytes(source).then(compile);
}

function instantiateStreaming(source, importObject, limits) {
  return responseBytes(source).then((bytes) => instantiate(bytes, importObject, limits));
}

requiredArgs(instantiate, 1); // (source[, importObject]); the limits argument is ours
requiredArgs(instantiateStreaming, 1);

module.exports = { compile, instantiate, validate, compileStreaming, instantiateStreaming };
