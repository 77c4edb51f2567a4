/* What a byte that wasihost does not accept would have meant in
 * WebAssembly 3.0 or a proposal beside it, so that an unsupported feature
 * names itself in the error instead of reading like a corrupt file
 * ("malformed value type 0x6e (the garbage collection proposal is not
 * supported)").  The malformed/illegal wording stays first: it is the
 * 2.0 spec's text for those bytes. */
#include "internal.h"

const char *wi_unsupported_valtype(uint8_t b) {
  switch (b) {
    case 0x6E: case 0x6D: case 0x6C: case 0x6B: case 0x6A: case 0x71:
      return " (the garbage collection proposal is not supported)";
    default: return "";
  }
}

const char *wi_unsupported_type_form(uint8_t b) {
  switch (b) {
    case 0x5F: case 0x5E: case 0x4E: case 0x50: case 0x4F:
      return " (the garbage collection proposal is not supported: struct, array and recursive types)";
    default: return "";
  }
}

const char *wi_unsupported_section(uint8_t id) {
  (void)id; /* (13, the tag section, is read since exception handling) */
  return "";
}

/* limits flags: bit 1 shared (threads), bit 2 64-bit addresses */
const char *wi_unsupported_limits(uint8_t flags) {
  return "";
}

/* one-byte opcodes and prefixes of 3.0 and the threads proposal */
const char *wi_unsupported_opcode(uint8_t b) {
  switch (b) {
    case 0xD3: case 0xFB: return " (the garbage collection proposal is not supported)";
    case 0xFE: return " (threads: atomics and shared memory are not supported yet)";
    default: return "";
  }
}
