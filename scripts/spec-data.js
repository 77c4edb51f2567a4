#!/usr/bin/env node
'use strict';
// Where the WebAssembly spec suites come from (2.0: wast2json output; 3.0:
// wasm-tools json-from-wast output): ../shared/spec-<suite>/json beside the
// clone when present (the project's working copy), else the copy vendored
// in the repository as test/spec-data/spec-<suite>-json.tar.br (Apache-2.0,
// see the LICENSE and README beside it), unpacked on first use into
// build/spec-<suite>/json.
//   node scripts/spec-data.js [--suite 3.0]           print the directory the tests use
//   node scripts/spec-data.js [--suite 3.0] --update  re-vendor the archive from ../shared
// The archive is a plain ustar file compressed with Node's brotli (20 MB of
// tar in ~0.4 MB), so unpacking needs neither a tar binary nor a package.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const root = path.join(__dirname, '..');
const SUITES = ['2.0', '3.0'];
const paths = (suite) => {
  if (!SUITES.includes(suite)) throw new Error(`spec suite ${suite}: one of ${SUITES.join(', ')}`);
  return {
    shared: path.join(root, '..', 'shared', `spec-${suite}`),
    archive: path.join(root, 'test', 'spec-data', `spec-${suite}-json.tar.br`),
    unpacked: path.join(root, 'build', `spec-${suite}`),
  };
};
const archive = paths('2.0').archive;

// WASIHOST_SPEC_DATA=vendored ignores ../shared (how a fresh clone sees it).
function specDir(suite = '2.0') {
  const { shared, archive } = paths(suite);
  const sharedJson = path.join(shared, 'json');
  if (process.env.WASIHOST_SPEC_DATA !== 'vendored' && fs.existsSync(sharedJson)) return sharedJson;
  if (!fs.existsSync(archive)) return sharedJson; // neither: callers report the missing dir
  return unpack(suite);
}

// Unpacks once per archive content: a stamp names the archive's hash, and a
// rename makes the directory appear whole even when test files race.
function unpack(suite = '2.0') {
  const { archive, unpacked } = paths(suite);
  const bytes = fs.readFileSync(archive);
  const hash = crypto.createHash('sha256').update(bytes).digest('hex');
  const stamp = path.join(unpacked, 'archive.sha256');
  const json = path.join(unpacked, 'json');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return json;
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, 'build', 'spec-unpack-'));
  const tar = zlib.brotliDecompressSync(bytes);
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (at, len) => header.subarray(at, at + len).toString('latin1').replace(/\0.*$/s, '');
    const name = (field(345, 155) ? `${field(345, 155)}/` : '') + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const dest = path.join(tmp, name);
    if (!dest.startsWith(tmp + path.sep)) throw new Error(`spec archive: bad entry ${name}`);
    if (type === '5') fs.mkdirSync(dest, { recursive: true });
    else if (type === '0') {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, tar.subarray(off + 512, off + 512 + size));
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  fs.writeFileSync(path.join(tmp, 'archive.sha256'), hash);
  fs.rmSync(unpacked, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, unpacked);
  } catch (e) {
    // Another process unpacked the same archive first.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(stamp)) throw e;
  }
  return json;
}

// Deterministic tar (sorted names, zero times and owners) of
// ../shared/spec-<suite>/json, brotli at its highest quality.
function update(suite) {
  const { shared, archive } = paths(suite);
  const { execFileSync } = require('child_process');
  const tar = execFileSync('tar', ['--format=ustar', '--sort=name', '--mtime=@0', '--owner=0', '--group=0',
    '--numeric-owner', '--mode=a+rX,u+w,go-w', '-C', shared, '-cf', '-', 'json'], { maxBuffer: 1 << 30 });
  const br = zlib.brotliCompressSync(tar, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: tar.length,
    },
  });
  fs.writeFileSync(archive, br);
  // Both suites are the WebAssembly testsuite's, under the same license.
  fs.copyFileSync(path.join(shared, 'LICENSE'), path.join(path.dirname(archive), 'LICENSE'));
  console.log(`wrote ${path.relative(root, archive)}: ${tar.length} bytes of tar in ${br.length}`);
}

module.exports = { specDir, unpack, archive };

if (require.main === module) {
  const at = process.argv.indexOf('--suite');
  const suite = at > 0 ? process.argv[at + 1] : '2.0';
  if (process.argv.includes('--update')) update(suite);
  else console.log(specDir(suite));
}
