'use strict';
// The namespace functions of the JS API: compile, instantiate, validate and
// their streaming forms.  Compilation runs synchronously (the bytes are
// copied before anything else can touch them); instantiation runs in a
// later microtask, as the spec queues it.
const native = require('./binding');
const { Module } = require('./module');
const { Instance } = require('./instance');
const { isObject } = require('./convert');

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
function instantiate(source, importObject, limits) {
  if (native.kindOf(source) === 'module') {
    return new Promise((resolve) => {
      checkImports(importObject);
      resolve();
    }).then(() => new Instance(source, importObject, limits));
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

module.exports = { compile, instantiate, validate, compileStreaming, instantiateStreaming };
