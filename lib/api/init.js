'use strict';
// Gives the addon the JS classes and helpers it creates objects with; runs
// once, whichever entry point (lib/index.js or lib/wasi.js) is loaded first.
const native = require('./binding');
const errors = require('../errors');
const { externIntern, externValues } = require('./externref');
const { groupJoin, groupKeep } = require('./groups');
const { exportedFunction } = require('./exported');
const { Memory } = require('./memory');
const { Table } = require('./table');
const { Global } = require('./global');
const { Tag } = require('./tag');
const { Exception } = require('./exception');

native.init({
  CompileError: errors.CompileError,
  LinkError: errors.LinkError,
  RuntimeError: errors.RuntimeError,
  WASIExit: errors.WASIExit,
  MemoryProto: Memory.prototype,
  TableProto: Table.prototype,
  GlobalProto: Global.prototype,
  TagProto: Tag.prototype,
  ExceptionProto: Exception.prototype,
  toList: (iterable) => [...iterable],
  externIntern,
  externValues,
  groupJoin,
  groupKeep,
  exportedFunction,
});

module.exports = native;
