#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets in their own clang build (ASan + UBSan, static library),
# writes the seed corpora from the protocol vectors and runs the targets side by side
# for FUZZ_SECONDS each: server, client, and decode (the message reader and writer
# against QJsonDocument). Exits non-zero on any crash, leak, UB or timeout finding;
# the inputs that found it are kept under $FUZZ_BUILD_DIR/artifacts.
#
#   FUZZ_BUILD_DIR   build directory       (default /tmp/stonyx-fuzz-build)
#   FUZZ_SECONDS     time per target        (default 60)
#   FUZZ_JOBS        build parallelism      (default: the number of cores)
#   STONYX_PROTOCOL_VECTORS  vectors.json   (default ../shared/protocol/vectors.json, else tests/data)
#
# Reproduce a finding:  $FUZZ_BUILD_DIR/bin/stonyx_fuzz_server <artifact file>
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${FUZZ_BUILD_DIR:-/tmp/stonyx-fuzz-build}
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc)}
vectors=${STONYX_PROTOCOL_VECTORS:-$root/../shared/protocol/vectors.json}
[ -f "$vectors" ] || vectors=$root/tests/data/vectors.json

for tool in clang clang++; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run-fuzzers: $tool not found (tools/install-deps.sh installs it)" >&2; exit 1; }
done

start=$SECONDS
mkdir -p "$build"
generator=()
command -v ninja >/dev/null 2>&1 && [ ! -f "$build/CMakeCache.txt" ] && generator=(-G Ninja)
# Debug keeps Q_ASSERT; -O1 keeps the fuzzers fast enough.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DSTONYX_BUILD_FUZZERS=ON -DBUILD_SHARED_LIBS=OFF -DSTONYX_BUILD_QML=OFF \
    -DSTONYX_WARNINGS_AS_ERRORS=ON >"$build/configure.log" 2>&1 \
    || { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" --parallel "$jobs" --target stonyx_fuzzers
built=$SECONDS

corpus=$build/corpus
artifacts=$build/artifacts
rm -rf "$artifacts" # findings of an earlier run are not this run's
mkdir -p "$corpus/server-seeds" "$corpus/client-seeds" "$corpus/decode-seeds" "$corpus/server" "$corpus/client" \
    "$corpus/decode" "$artifacts"
"$build/bin/stonyx_fuzz_seeds" "$vectors" "$corpus/server-seeds" "$corpus/client-seeds"
# The message reader's seeds: the common shapes, escapes, non-ASCII.
printf '%s' '{"request":"echo","data":"hello","id":7}' >"$corpus/decode-seeds/echo"
printf '%s' '{"data":{"a":[1,2.5,null]},"request":"x"}' >"$corpus/decode-seeds/object"
printf '{"request":"d\\u00e9j\\u00e0 \\"vu\\"\\n","data":"caf\xc3\xa9 \xf0\x9f\x98\x80 ok"}' >"$corpus/decode-seeds/escapes"
printf '{"request":"echo","data":"%s"}' "$(head -c 300 /dev/zero | tr '\0' 'x')" >"$corpus/decode-seeds/long"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen
status=0
pids=()
for target in server client decode; do
    # New inputs go to the first directory; the seeds are read only.
    "$build/bin/stonyx_fuzz_$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
        "$corpus/$target" "$corpus/$target-seeds" >"$build/fuzz-$target.log" 2>&1 &
    pids+=($!)
done
targets=(server client decode)
for i in 0 1 2; do
    target=${targets[$i]}
    if wait "${pids[$i]}"; then
        result=ok
    else
        result="FAILED (exit $?)"
        status=1
        echo "---- stonyx_fuzz_$target log (tail) ----"
        tail -n 60 "$build/fuzz-$target.log"
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-$target.log" | tail -n1)
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$build/fuzz-$target.log" | tail -n1)
    echo "run-fuzzers: stonyx_fuzz_$target: ${runs:-?} runs in ${seconds} s, ${cov:-no stats}: $result"
done
if compgen -G "$artifacts/*" >/dev/null; then
    echo "run-fuzzers: findings kept in $artifacts:"
    ls -l "$artifacts"
    status=1
fi
echo "run-fuzzers: build $((built - start)) s, total $((SECONDS - start)) s"
exit $status
