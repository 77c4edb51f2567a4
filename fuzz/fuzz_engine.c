/* libFuzzer target for the engine: decode + validate + translate
 * (wh_module_new), instantiate against synthesized imports of exactly the
 * requested types, then call every exported function with zero arguments,
 * all under tight limits so a hostile module cannot run away.  Anything
 * the sanitizers report is an engine bug; CompileError / LinkError /
 * RuntimeError outcomes are fine.  Build with fuzz/build.sh. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return fuzz_one(data, size, NULL, NULL);
}
