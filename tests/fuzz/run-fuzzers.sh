#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets in their own clang build (ASan + UBSan, static library),
# writes the seed corpora from the protocol vectors and runs the targets side by side
# for FUZZ_SECONDS each: server, client, decode (the message reader and writer
# against QJsonDocument) and websocket (the frame reader and the opening handshake
# against a reference parser and RFC 6455). Exits non-zero on any crash, leak, UB or
# timeout finding; the inputs that found it are kept under $FUZZ_BUILD_DIR/artifacts.
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
mkdir -p "$corpus/server-seeds" "$corpus/client-seeds" "$corpus/decode-seeds" "$corpus/websocket-seeds" \
    "$corpus/server" "$corpus/client" "$corpus/decode" "$corpus/websocket" "$artifacts"
"$build/bin/stonyx_fuzz_seeds" "$vectors" "$corpus/server-seeds" "$corpus/client-seeds"
# The message reader's seeds: the common shapes, escapes, non-ASCII.
printf '%s' '{"request":"echo","data":"hello","id":7}' >"$corpus/decode-seeds/echo"
printf '%s' '{"data":{"a":[1,2.5,null]},"request":"x"}' >"$corpus/decode-seeds/object"
printf '{"request":"d\\u00e9j\\u00e0 \\"vu\\"\\n","data":"caf\xc3\xa9 \xf0\x9f\x98\x80 ok"}' >"$corpus/decode-seeds/escapes"
printf '{"request":"echo","data":"%s"}' "$(head -c 300 /dev/zero | tr '\0' 'x')" >"$corpus/decode-seeds/long"
# The WebSocket seeds (format in fuzz_websocket.cpp): byte 0 the mode. 0: limits, split,
# then client frames: RFC 6455 §5.7's masked "Hello" and ping; a fragmented text with
# a ping between; a UTF-8 character cut by a fragment; 16- and 64-bit lengths.
ws=$corpus/websocket-seeds
printf '\x00\x00\x00\x00\x00\x00\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58\x89\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58' >"$ws/hello-ping"
printf '\x00\x00\x40\x01\x00\x02\x03\x05\x01\x83\x00\x00\x00\x00Hel\x89\x80\x01\x02\x03\x04\x80\x82\xff\xff\xff\xff\x93\x90\x88\x82\x00\x00\x00\x00\x03\xe8' >"$ws/fragmented"
printf '\x00\x00\x00\x00\x00\x00\x01\x83\x00\x00\x00\x00\xce\xba\xe1\x80\x84\x00\x00\x00\x00\xbd\xb9\xcf\x83' >"$ws/utf8-split"
{ printf '\x00\x01\x00\x01\x00\x00\x82\xfe\x01\x00\x00\x00\x00\x00'; head -c 256 /dev/zero
  printf '\x82\xff\x00\x00\x00\x00\x00\x00\x00\x10\xaa\xbb\xcc\xdd'; head -c 16 /dev/zero; } >"$ws/lengths"
# 1: frames generated from the bytes; 2: RFC 6455 §1.2's upgrade request, then a
# frame, and one with version 8 (426); 3: a request generated from the bytes.
printf '\x01\x01\x00\x00\x03\x10\x20\x00\x11\x22\x33\x44\x07\x41\x42\x43\x44\x45\x46\x47\x01' >"$ws/generated-frames"
printf '\x02GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58' >"$ws/handshake"
printf '\x02GET / HTTP/1.1\r\nhost:x\r\nupgrade:  WebSocket \r\nconnection: keep-alive, Upgrade\r\nsec-websocket-key:AAAAAAAAAAAAAAAAAAAAAA==\r\nsec-websocket-version: 8\r\n\r\n' >"$ws/handshake-version8"
printf '\x03\x10/abc\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x05localhost\x01' >"$ws/generated-handshake"
# Regression inputs: upgrade requests the handshake must refuse (RFC 9110 §5.5: a
# NUL or a bare LF in a field value; RFC 9112 §3.2: two Host fields, a control
# character in the target).
request='GET / HTTP/1.1\r\nHost: a%b\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
printf "\x02$request" '\x00' >"$ws/regression-nul-in-field"
printf "\x02$request" '\nX: y' >"$ws/regression-bare-lf-in-field"
printf "\x02$request" '\r\nHost: b' >"$ws/regression-two-hosts"
# RFC 9112 §3.2: a NUL (or any control character) in the request target.
printf '\x02GET /[\x00chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n' >"$ws/regression-nul-in-target"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export QT_QPA_PLATFORM=offscreen
status=0
pids=()
for target in server client decode websocket; do
    # New inputs go to the first directory; the seeds are read only.
    "$build/bin/stonyx_fuzz_$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
        "$corpus/$target" "$corpus/$target-seeds" >"$build/fuzz-$target.log" 2>&1 &
    pids+=($!)
done
targets=(server client decode websocket)
for i in "${!targets[@]}"; do
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
