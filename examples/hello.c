/* The module behind README's first command:
 *   npx wasihost run examples/hello.wasm [name]
 * Built with `node scripts/wasm-fixtures.js` (clang --target=wasm32-wasi);
 * the .wasm beside this file is committed so no compiler is needed to run it. */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("Hello, %s, from WebAssembly on wasihost!\n", argc > 1 ? argv[1] : "world");
  return 0;
}
