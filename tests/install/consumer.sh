#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install.cmake_consumer / install.pkgconfig_consumer (consumer.sh cmake|pkgconfig):
# builds tests/install/consumer against the library installed by install.prefix,
# starts the installed stonyx-sockets-server (which loads the installed example
# handlers) and runs an encrypted auth + echo round trip, then stops it with SIGTERM.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=${1:?usage: consumer.sh cmake|pkgconfig}
prefix=$STONYX_PREFIX
lib="$prefix/$STONYX_LIBDIR"
[[ -f $lib/cmake/StonyxSockets/StonyxSocketsConfig.cmake ]] || fail "nothing installed in $prefix (run install.prefix)"
make_work_dir
clear_socket_env

consumer="$WORK/stonyx-consumer"
case $mode in
cmake)
    # Only the temporary prefix is searched for StonyxSockets, so a copy installed on
    # this machine cannot stand in for it.
    "$STONYX_CMAKE" -S "$STONYX_CONSUMER_DIR" -B "$WORK/build" -G "$STONYX_GENERATOR" \
        -DCMAKE_CXX_COMPILER="$STONYX_CXX" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        >"$WORK/configure.log" 2>&1 || { cat "$WORK/configure.log" >&2; fail "configuring the consumer failed"; }
    grep -qxF -- "-- StonyxSockets_DIR=$lib/cmake/StonyxSockets" "$WORK/configure.log" \
        || { cat "$WORK/configure.log" >&2; fail "find_package did not find the package in $prefix"; }
    grep -qxF -- "-- StonyxSockets_VERSION=$STONYX_VERSION" "$WORK/configure.log" || fail "wrong package version"
    grep -qxF -- "-- StonyxSockets_HANDLER_DIR=$prefix/$STONYX_HANDLERDIR" "$WORK/configure.log" \
        || fail "StonyxSockets_HANDLER_DIR is not $prefix/$STONYX_HANDLERDIR"
    "$STONYX_CMAKE" --build "$WORK/build" >"$WORK/build.log" 2>&1 \
        || { cat "$WORK/build.log" >&2; fail "building the consumer failed"; }
    cp "$WORK/build/stonyx-consumer" "$consumer"
    # A version the package does not promise to be compatible with must be refused.
    if "$STONYX_CMAKE" -S "$STONYX_CONSUMER_DIR" -B "$WORK/build-v99" -G "$STONYX_GENERATOR" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCONSUMER_REQUIRED_VERSION=99 >"$WORK/configure-v99.log" 2>&1; then
        fail "find_package(StonyxSockets 99) succeeded against version $STONYX_VERSION"
    fi
    grep -q 'compatible with requested version "99"' "$WORK/configure-v99.log" \
        || { cat "$WORK/configure-v99.log" >&2; fail "find_package(StonyxSockets 99) failed for another reason"; }
    ;;
pkgconfig)
    command -v pkg-config >/dev/null || fail "pkg-config is not installed"
    export PKG_CONFIG_PATH="$lib/pkgconfig"
    [[ $(pkg-config --modversion stonyxsockets) == "$STONYX_VERSION" ]] || fail "pkg-config: wrong version"
    [[ $(pkg-config --variable=prefix stonyxsockets) == "$prefix" ]] || fail "pkg-config found a stonyxsockets.pc outside $prefix"
    [[ $(pkg-config --variable=handlerdir stonyxsockets) == "$prefix/$STONYX_HANDLERDIR" ]] || fail "pkg-config: wrong handlerdir"
    pkg-config --exists 'stonyxsockets >= 0.1' || fail "pkg-config: stonyxsockets >= 0.1 not satisfied"
    # The compiler and pkg-config, nothing else: what the README shows.
    read -r -a flags <<<"$(pkg-config --cflags --libs stonyxsockets)"
    note "pkg-config --cflags --libs stonyxsockets: ${flags[*]}"
    "$STONYX_CXX" -std=c++17 -O1 -Wall -Wextra -Werror "$STONYX_CONSUMER_DIR/main.cpp" "${flags[@]}" -o "$consumer" \
        >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "compiling the consumer with pkg-config flags failed"; }
    ;;
*)
    fail "unknown mode $mode"
    ;;
esac
note "consumer built with $mode"

# The installed programs carry no run path: point the loader at the prefix, as for
# any library installed outside the system directories.
export LD_LIBRARY_PATH="$lib"
KEY=$(random_key)
start_server "$WORK" "$prefix/bin/stonyx-sockets-server" --port 0 --auth-key "$KEY"
check_consumer "$consumer" "$KEY"
check_client "$prefix/bin/stonyx-sockets-client" "$KEY"
# The library and both handlers the server used are the installed ones.
expect_mapped_from "$prefix" "libStonyxSockets.so" "libauth.so" "libecho.so"
if command -v ldd >/dev/null; then
    resolved=$(ldd "$consumer" | awk '$1 ~ /^libStonyxSockets/ { print $3 }')
    [[ $resolved == "$lib"/* ]] || fail "the consumer resolves libStonyxSockets to '$resolved', not to $lib"
fi
stop_server
note "$mode consumer: encrypted round trip against the installed server ok"
