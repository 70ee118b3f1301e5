#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install.deb_dpkg: installs the packages made by install.deb_packages into this
# machine with dpkg -i (root; dpkg itself then checks every dependency), uses them the
# way a user and an operator would, and purges them again. Enabled with
# STONYX_TEST_DPKG_INSTALL (on by default on CI as root); never touches an existing
# installation of these packages.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) == 0 ]] || skip "dpkg -i needs root"
command -v dpkg >/dev/null || skip "dpkg not found: not a Debian system"
make_work_dir
clear_socket_env
unset LD_LIBRARY_PATH PKG_CONFIG_PATH

build=$STONYX_DEB_BUILD_DIR
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
[[ -n $libdir ]] || fail "no CMAKE_INSTALL_LIBDIR in $build/CMakeCache.txt"
packages=("$STONYX_DEB_RUNTIME" "$STONYX_DEB_DEVEL" "$STONYX_DEB_TOOLS")
[[ $STONYX_QML_BUILT == 1 ]] && packages+=("$STONYX_DEB_QML")
# With the Redis backplane built, the server tool depends on its library.
compgen -G "$build/lib/libStonyxSocketsRedis.so.*" >/dev/null && packages+=("$STONYX_DEB_REDIS" "$STONYX_DEB_REDISDEVEL")
debs=()
for package in "${packages[@]}"; do
    file=$(find "$STONYX_DEB_DIR" -name "${package}_*.deb" | sed -n 1p)
    [[ -n $file ]] || fail "no $package package in $STONYX_DEB_DIR (run install.deb_packages)"
    debs+=("$file")
done

status_of() {
    dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true
}
for package in "${packages[@]}"; do
    status=$(status_of "$package")
    [[ -z $status || $status == not-installed ]] || skip "$package is already on this machine ($status); not touching it"
done

# dpkg with a wait for its lock (another apt or dpkg run may hold it for a while).
run_dpkg() {
    local i
    for ((i = 0; i < 60; i++)); do
        if dpkg "$@" >"$WORK/dpkg.log" 2>&1; then
            return 0
        fi
        grep -q 'lock' "$WORK/dpkg.log" || { cat "$WORK/dpkg.log" >&2; return 1; }
        sleep 2
    done
    cat "$WORK/dpkg.log" >&2
    return 1
}

purged=0
purge() {
    [[ $purged == 1 ]] && return 0
    purged=1
    run_dpkg --purge "${packages[@]}" || echo "WARNING: dpkg --purge ${packages[*]} failed" >&2
}
trap 'purge; cleanup_work' EXIT

run_dpkg -i "${debs[@]}" || fail "dpkg -i ${debs[*]##*/}"
for package in "${packages[@]}"; do
    [[ $(status_of "$package") == installed ]] || fail "$package is $(status_of "$package") after dpkg -i"
done
note "installed: ${packages[*]}"

soname="libStonyxSockets.so.$STONYX_SOVERSION"
ldconfig -p | grep "^[[:space:]]*$soname " >/dev/null || fail "the ldconfig trigger did not register $soname"
library=$(realpath "/usr/$libdir/libStonyxSockets.so.$STONYX_VERSION")

# The packaged server, as the unit starts it: from /usr/bin, handlers from the package.
unit="/usr/lib/systemd/system/stonyx-sockets-server.service"
if command -v systemd-analyze >/dev/null; then
    if ! systemd-analyze verify --man=no "$unit" >"$WORK/verify.log" 2>&1 || [[ -s $WORK/verify.log ]]; then
        cat "$WORK/verify.log" >&2
        fail "systemd-analyze verify $unit"
    fi
fi
KEY=$(random_key)
start_server / /usr/bin/stonyx-sockets-server --port 0 --auth-key "$KEY"
mapped=$(server_mapped_objects)
grep -q "/libStonyxSockets\.so" <<<"$mapped" || fail "the server did not map libStonyxSockets"
for path in $(grep -E '/lib(StonyxSockets\.so|auth\.so|echo\.so)' <<<"$mapped"); do
    owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null || true)
    [[ $owner == "$STONYX_DEB_RUNTIME: "* || $owner == "$STONYX_DEB_TOOLS: "* ]] \
        || fail "the server loaded $path, which no installed Stonyx package owns"
done
[[ $(grep -c -E '/lib(auth|echo)\.so$' <<<"$mapped") == 2 ]] || fail "the server did not load the packaged handlers"
check_client /usr/bin/stonyx-sockets-client "$KEY"

# A developer's view: find_package and pkg-config with no hints.
"$STONYX_CMAKE" -S "$STONYX_CONSUMER_DIR" -B "$WORK/cmake" -G "$STONYX_GENERATOR" -DCMAKE_CXX_COMPILER="$STONYX_CXX" \
    >"$WORK/cmake.log" 2>&1 && "$STONYX_CMAKE" --build "$WORK/cmake" >>"$WORK/cmake.log" 2>&1 \
    || { cat "$WORK/cmake.log" >&2; fail "building the consumer against the installed -dev package failed"; }
grep -qxF -- "-- StonyxSockets_DIR=/usr/$libdir/cmake/StonyxSockets" "$WORK/cmake.log" || fail "find_package did not use the package"
check_consumer "$WORK/cmake/stonyx-consumer" "$KEY"
[[ $(pkg-config --variable=prefix stonyxsockets) == /usr ]] || fail "pkg-config does not see the installed stonyxsockets.pc"
read -r -a flags <<<"$(pkg-config --cflags --libs stonyxsockets)"
"$STONYX_CXX" -std=c++17 -O1 "$STONYX_CONSUMER_DIR/main.cpp" "${flags[@]}" -o "$WORK/pc-consumer" >"$WORK/pc.log" 2>&1 \
    || { cat "$WORK/pc.log" >&2; fail "compiling the consumer with the installed stonyxsockets.pc failed"; }
check_consumer "$WORK/pc-consumer" "$KEY"
ldd "$WORK/pc-consumer" | grep "libStonyxSockets.so.* => .*libStonyxSockets" >/dev/null || fail "the consumer does not link libStonyxSockets"
[[ $(realpath "$(ldd "$WORK/pc-consumer" | awk '$1 ~ /^libStonyxSockets/ { print $3 }')") == "$library" ]] \
    || fail "the consumer does not resolve libStonyxSockets to the packaged library"
stop_server

# Purge, and nothing may be left behind.
purge
for package in "${packages[@]}"; do
    status=$(status_of "$package")
    [[ -z $status || $status == not-installed ]] || fail "$package is $status after dpkg --purge"
done
for path in /usr/include/Stonyx "/usr/$libdir/cmake/StonyxSockets" "/usr/$libdir/stonyx-sockets" \
    "/usr/$libdir/libStonyxSockets.so.$STONYX_VERSION" /usr/bin/stonyx-sockets-server "$unit"; do
    [[ ! -e $path ]] || fail "$path is still there after dpkg --purge"
done
if ldconfig -p | grep "^[[:space:]]*$soname " >/dev/null; then
    fail "$soname is still in the ldconfig cache after dpkg --purge"
fi
note "dpkg -i, use and dpkg --purge ok"
