'use strict';
// Bytes of the binary format that tests write by hand.

// Unsigned LEB128 of a Number (up to 2^53), as an array of bytes.
function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

module.exports = { uleb };
