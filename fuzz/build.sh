#!/usr/bin/env bash
# Builds the libFuzzer targets into build/fuzz/ (not part of npm test):
#   fuzz/build.sh         fuzz_engine (and fuzz_wasi when fuzz/fuzz_wasi.c exists)
# Needs clang with libFuzzer's runtime (Debian: clang-14 + libclang-rt-14-dev).
# Engine sources are compiled to cached objects in build/fuzz/obj (the
# instrumented interpreter takes minutes to compile) and linked directly;
# no Node involved.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=${CC:-clang}
OUT=build/fuzz
OBJ=$OUT/obj
mkdir -p "$OBJ"
# -fsanitize=fuzzer-no-link on the library, fuzzer (with main) on the link.
# UBSan checks stay recoverable so fuzz/ubsan.supp can mute bugs already
# reported; fuzz_engine.c sets halt_on_error=1 so any other report is a crash.
SAN=(-fsanitize=address,undefined)
# the flags every build shares (scripts/cflags.js), then the fuzzers' own
read -r -a COMMON <<<"$(node scripts/cflags.js --common)"
CFLAGS=("${COMMON[@]}" -std=gnu11 -g -O1 "${SAN[@]}" -Iinclude -Isrc)

# Objects built with other flags are stale.
if [ "$(cat "$OBJ/flags" 2>/dev/null)" != "${CFLAGS[*]}" ]; then
  rm -f "$OBJ"/*.o
  echo "${CFLAGS[*]}" >"$OBJ/flags"
fi

DEPS=(include src/engine/*.h src/engine/*.def)
compile() { # src [extra flags] -> obj, only when the source or a header in DEPS is newer
  local src=$1 obj=$OBJ/$(echo "$1" | tr / _).o
  shift
  if [ ! -f "$obj" ] || [ -n "$(find "$src" "${DEPS[@]}" -newer "$obj" 2>/dev/null | head -1)" ]; then
    echo "cc $src" >&2
    "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer-no-link "$@" -c -o "$obj" "$src"
  fi
  echo "$obj"
}

engine_objs=()
for src in src/engine/*.c; do
  engine_objs+=("$(compile "$src" | tail -1)")
done

echo "link $OUT/fuzz_engine"
"$CC" "${CFLAGS[@]}" -fsanitize=fuzzer -o "$OUT/fuzz_engine" fuzz/fuzz_engine.c "${engine_objs[@]}" -lm -lpthread
# Random function bodies in a fixed module; random imports offered to a module.
for t in fuzz_body fuzz_imports; do
  echo "link $OUT/$t"
  "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer -o "$OUT/$t" "fuzz/$t.c" "${engine_objs[@]}" -lm -lpthread
done

echo "link $OUT/fuzz_dwarf"
"$CC" "${CFLAGS[@]}" -fsanitize=fuzzer -o "$OUT/fuzz_dwarf" fuzz/fuzz_dwarf.c "${engine_objs[@]}" -lm -lpthread

if [ -f fuzz/fuzz_wasi.c ]; then
  # src/wasi is written against Node's libuv; fuzz/uv_compat.h bridges an
  # older system libuv (Debian 12: 1.44, libuv1-dev).
  DEPS+=(src/wasi/*.h fuzz/uv_compat.h)
  wasi_objs=("$(compile fuzz/uv_compat.c | tail -1)")
  for src in src/wasi/*.c; do
    wasi_objs+=("$(compile "$src" -include fuzz/uv_compat.h | tail -1)")
  done
  echo "link $OUT/fuzz_wasi"
  "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer -o "$OUT/fuzz_wasi" fuzz/fuzz_wasi.c "${engine_objs[@]}" "${wasi_objs[@]}" -luv -lm -lpthread
fi
