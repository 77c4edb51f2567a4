/* Error reporting: a status code plus text in the caller's wh_error. */
#include "internal.h"

#include <stdio.h>

static const char *const trap_text[WH_TRAP_COUNT] = {
  [WH_TRAP_NONE] = "no trap",
  [WH_TRAP_UNREACHABLE] = "unreachable",
  [WH_TRAP_MEM_OOB] = "out of bounds memory access",
  [WH_TRAP_TABLE_OOB] = "out of bounds table access",
  [WH_TRAP_UNDEFINED_ELEM] = "undefined element",
  [WH_TRAP_UNINIT_ELEM] = "uninitialized element",
  [WH_TRAP_SIG_MISMATCH] = "indirect call type mismatch",
  [WH_TRAP_DIV_ZERO] = "integer divide by zero",
  [WH_TRAP_INT_OVERFLOW] = "integer overflow",
  [WH_TRAP_BAD_CONVERSION] = "invalid conversion to integer",
  [WH_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
  [WH_TRAP_NULL_REF] = "null reference",
  [WH_TRAP_FUEL] = "fuel exhausted",
  [WH_TRAP_INTERRUPTED] = "interrupted",
  [WH_TRAP_HOST] = "host trap",
  [WH_TRAP_NULL_FUNC_REF] = "null function reference",
};

const char *wh_trap_message(wh_trap trap) {
  if ((unsigned)trap >= WH_TRAP_COUNT) return "unknown trap";
  return trap_text[trap];
}

int wi_err_set(wh_error *err, int status, const char *fmt, ...) {
  if (err) {
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return status;
}

int wi_err_trap(wh_error *err, int trap) {
  if (err) {
    err->trap = trap;
    wi_err_set(err, WH_ERR_TRAP, "%s", wh_trap_message((wh_trap)trap));
  }
  return WH_ERR_TRAP;
}
