#!/bin/sh
# Rebuilds plugin.wasm from plugin.c (needs clang and wasi-libc: apt install
# clang lld wasi-libc).  A reactor: no main; the host calls the exports.
set -e
cd "$(dirname "$0")"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -mexec-model=reactor \
  -Wl,--export=malloc -Wl,--export=free -Wl,--strip-debug \
  -o plugin.wasm plugin.c
