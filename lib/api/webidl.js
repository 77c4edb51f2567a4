'use strict';
// What WebIDL says of an interface's members that a JS class does not
// give by itself (JS API §"Interfaces", WebIDL §3.7): operations and
// attributes are enumerable, and a function's `length` counts its
// required arguments only.  wasihost's own extensions (dispose, share,
// callAsync, ...) are not IDL members and stay as the class made them.

// Makes the named own properties of obj enumerable.
function enumerable(obj, names) {
  for (const name of names) Object.defineProperty(obj, name, { enumerable: true });
}

// Sets fn.length (a class constructor's too) to its required argument count.
function requiredArgs(fn, n) {
  Object.defineProperty(fn, 'length', { value: n });
}

module.exports = { enumerable, requiredArgs };
