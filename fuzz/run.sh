#!/usr/bin/env bash
# Runs fuzz_engine (built by fuzz/build.sh) for FUZZ_TIME seconds (600 by
# default) on one core.  New inputs go to build/fuzz/corpus (corpus-wasi
# for fuzz_wasi; the seeds in fuzz/corpus, fuzz/corpus-wasi stay untouched),
# crashes/timeouts/leaks to build/fuzz/artifacts/<target>/, the log to
# build/fuzz/<target>.log.
#   FUZZ_MODE=fork (default): one worker process (-fork=1) that keeps going
#     past crashes, timeouts and OOMs, so one known bug does not end the run;
#   FUZZ_MODE=jobs: -jobs=1, stops at the first finding.
# Extra arguments go to libFuzzer.  FUZZ_TARGET=fuzz_wasi picks the WASI
# target, FUZZ_TARGET=fuzz_dwarf the DWARF reader (seeds: fuzz/make-dwarf-corpus.js).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/fuzz
target=${FUZZ_TARGET:-fuzz_engine}
[ -x "$out/$target" ] || { echo "run: $out/$target missing, run fuzz/build.sh first"; exit 1; }
case $target in
  fuzz_engine) corpus=$out/corpus seed_dir=$root/fuzz/corpus dict=$root/fuzz/wasm.dict ;;
  fuzz_wasi) corpus=$out/corpus-wasi seed_dir=$root/fuzz/corpus-wasi dict=$root/fuzz/wasi.dict ;;
  fuzz_dwarf) corpus=$out/corpus-dwarf seed_dir=$root/fuzz/corpus-dwarf dict= ;;
  *) echo "run: unknown FUZZ_TARGET $target"; exit 1 ;;
esac
artifacts=$out/artifacts/$target
mkdir -p "$corpus" "$artifacts"
seeds=()
[ -d "$seed_dir" ] && seeds+=("$seed_dir")
cd "$out"
# The target halts on the first UBSan report itself; the suppressions mute
# bugs already reported.  Leaks: libFuzzer's -detect_leaks=1 (the default).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-suppressions=$root/fuzz/ubsan.supp}
export ASAN_OPTIONS=${ASAN_OPTIONS:-}
case ${FUZZ_MODE:-fork} in
  fork) mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1) ;;
  jobs) mode=(-jobs=1) ;;
  *) echo "run: FUZZ_MODE must be fork or jobs"; exit 1 ;;
esac
"$out/$target" -max_total_time="${FUZZ_TIME:-600}" -rss_limit_mb=4096 -timeout=10 \
  "${mode[@]}" ${dict:+-dict="$dict"} -artifact_prefix="$artifacts/" \
  -print_final_stats=1 "$@" "$corpus" "${seeds[@]}" 2>&1 | tee "$out/$target.log" | grep -v '^#[0-9]*.*\(NEW\|REDUCE\|pulse\)'
status=${PIPESTATUS[0]}
[ "${FUZZ_MODE:-fork}" = jobs ] && [ -f fuzz-0.log ] && tail -40 fuzz-0.log
echo "run: artifacts in $artifacts:"; ls "$artifacts"
exit "$status"
