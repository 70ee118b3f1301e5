#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install.deb_packages: builds the Debian packages with cpack and checks them without
# installing them into the machine:
#   * control fields, and every dependency satisfied by the packages installed here
#     (what dpkg -i would check), the -dev/-tools/-qml packages tied to the runtime;
#   * contents: each file in the package it belongs to, nothing left out of every
#     package that `cmake --install` installs;
#   * lintian (when installed), failing on errors and warnings;
#   * libstonyxsockets-doc (when the packaging tree built the API reference, which it
#     does whenever Doxygen is installed): Architecture all, the HTML reference with
#     its index.html and the SocketServer page in /usr/share/doc/stonyx-sockets/html;
#   * the packages unpacked with dpkg-deb -x: a consumer builds against the runtime and
#     -dev packages alone, and the packaged server (with its packaged handlers), client
#     and library do an encrypted round trip.
# The .deb files stay in STONYX_DEB_DIR for install.deb_dpkg.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v dpkg-deb >/dev/null || skip "dpkg-deb not found: not a Debian system"
command -v dpkg-shlibdeps >/dev/null || fail "dpkg-shlibdeps not found: install dpkg-dev"
make_work_dir
clear_socket_env

build=$STONYX_DEB_BUILD_DIR
if [[ $STONYX_DEB_BUILD_FRESH == 1 ]]; then
    # A packaging tree configured as Debian builds packages: prefix /usr, build type
    # None and the distribution's compiler and linker flags.
    if [[ ! -f $build/CMakeCache.txt ]]; then
        declare -a flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
        if command -v dpkg-buildflags >/dev/null; then
            flags=(-DCMAKE_BUILD_TYPE=None
                "-DCMAKE_CXX_FLAGS=$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
                "-DCMAKE_EXE_LINKER_FLAGS=$(dpkg-buildflags --get LDFLAGS)"
                "-DCMAKE_SHARED_LINKER_FLAGS=$(dpkg-buildflags --get LDFLAGS)"
                "-DCMAKE_MODULE_LINKER_FLAGS=$(dpkg-buildflags --get LDFLAGS)")
        fi
        note "configuring the packaging tree $build"
        "$STONYX_CMAKE" -S "$STONYX_SOURCE_DIR" -B "$build" -G "$STONYX_GENERATOR" \
            -DCMAKE_CXX_COMPILER="$STONYX_CXX" -DCMAKE_INSTALL_PREFIX=/usr "${flags[@]}" \
            -DSTONYX_BUILD_TESTS=OFF -DSTONYX_BUILD_EXAMPLES=ON -DSTONYX_BUILD_TOOLS=ON \
            -DSTONYX_BUILD_QML="$STONYX_DEB_BUILD_QML" >"$WORK/configure.log" 2>&1 \
            || { cat "$WORK/configure.log" >&2; rm -rf "$build"; fail "configuring the packaging tree failed"; }
    fi
    note "building the packaging tree $build"
    "$STONYX_CMAKE" --build "$build" >"$WORK/build.log" 2>&1 \
        || { tail -n 50 "$WORK/build.log" >&2; fail "building the packaging tree failed"; }
fi

cache_value() {
    sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"
}
[[ $(cache_value CMAKE_INSTALL_PREFIX) == /usr ]] || fail "$build is not configured with the prefix /usr"
libdir=$(cache_value CMAKE_INSTALL_LIBDIR)
handlerdir=$(cache_value STONYX_INSTALL_HANDLERDIR)
unitdir=$(cache_value STONYX_INSTALL_SYSTEMDUNITDIR)
qmldir=$(cache_value STONYX_INSTALL_QMLDIR)
[[ -n $libdir && -n $handlerdir && -n $unitdir ]] || fail "install directories not found in $build/CMakeCache.txt"

# --- Build the packages ---------------------------------------------------------------

out=$STONYX_DEB_DIR
rm -rf "$out"
mkdir -p "$out"
"$STONYX_CPACK" --config "$build/CPackConfig.cmake" -G DEB -B "$WORK/cpack" >"$WORK/cpack.log" 2>&1 \
    || { cat "$WORK/cpack.log" >&2; fail "cpack -G DEB failed"; }
if grep -qi 'warning' "$WORK/cpack.log"; then
    cat "$WORK/cpack.log" >&2
    fail "cpack warned"
fi
mv "$WORK"/cpack/*.deb "$out"/

arch=$(dpkg --print-architecture)
version="$STONYX_VERSION-1"
runtime=$STONYX_DEB_RUNTIME
packages=("$runtime" "$STONYX_DEB_DEVEL" "$STONYX_DEB_TOOLS")
# The packaging tree builds the QML module exactly when this build tree does.
qml_built=$STONYX_QML_BUILT
[[ $qml_built == 1 ]] && packages+=("$STONYX_DEB_QML")
# The packaging tree builds the API reference whenever it found Doxygen.
docs_built=0
[[ -f $build/docs/html/index.html ]] && docs_built=1
[[ $docs_built == 1 || -z ${CI:-} ]] || fail "CI: the packaging tree did not build the API reference (is doxygen installed?)"
[[ $docs_built == 1 ]] && packages+=("$STONYX_DEB_DOCS")
# The Redis backplane is built when hiredis is found.
redis_built=0
compgen -G "$build/lib/libStonyxSocketsRedis.so.*" >/dev/null && redis_built=1
[[ $redis_built == 1 || -z ${CI:-} ]] || fail "CI: the packaging tree did not build the Redis backplane (is libhiredis-dev installed?)"
[[ $redis_built == 1 ]] && packages+=("$STONYX_DEB_REDIS" "$STONYX_DEB_REDISDEVEL")
declare -A deb
declare -A package_arch
for package in "${packages[@]}"; do
    package_arch[$package]=$arch
    [[ $package == "$STONYX_DEB_DOCS" ]] && package_arch[$package]=all
    deb[$package]="$out/${package}_${version}_${package_arch[$package]}.deb"
    [[ -f ${deb[$package]} ]] || fail "cpack did not make ${deb[$package]##*/}; made: $(ls "$out")"
done
[[ $(find "$out" -name '*.deb' | wc -l) == "${#packages[@]}" ]] || fail "unexpected packages: $(ls "$out")"
note "packages: $(cd "$out" && echo *.deb)"

# --- Control fields and dependencies --------------------------------------------------

field() {
    dpkg-deb --field "${deb[$1]}" "$2"
}

# The dependency names of a package, one per line (alternatives split).
dependency_names() {
    field "$1" Depends | tr ',|' '\n\n' | sed -e 's/(.*)//' -e 's/[[:space:]]//g' -e '/^$/d'
}

expect_depends() {
    local package=$1 entry
    shift
    local depends
    depends=$(field "$package" Depends)
    for entry in "$@"; do
        if [[ $entry == *"("* ]]; then
            [[ ", $depends, " == *", $entry, "* ]] || fail "$package: Depends lacks '$entry': $depends"
        else
            dependency_names "$package" | grep -xF "$entry" >/dev/null || fail "$package: Depends lacks $entry: $depends"
        fi
    done
}

# dpkg -i would accept the package here: each dependency (or one of its alternatives)
# is one of the packages just built or an installed package of a suitable version.
expect_installable() {
    local package=$1 dependency alternative ok name op want have
    local IFS=,
    for dependency in $(field "$package" Depends); do
        ok=0
        IFS='|'
        for alternative in $dependency; do
            alternative=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<<"$alternative")
            name=${alternative%% *}
            op="" want=""
            if [[ $alternative =~ \(([\<\>=]+)[[:space:]]*([^\)]+)\) ]]; then
                op=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
            fi
            if [[ -n ${deb[$name]:-} ]]; then
                have=$version
            else
                have=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$name" 2>/dev/null || true)
                if [[ $have == installed\ * ]]; then
                    have=${have#installed }
                elif [[ -n ${provided[$name]+set} ]]; then
                    # A virtual package (qt6-websockets-abi) provided by an installed one.
                    have=${provided[$name]}
                else
                    continue
                fi
            fi
            if [[ -z $op ]] || dpkg --compare-versions "$have" "$op" "$want"; then
                ok=1
                break
            fi
        done
        IFS=,
        [[ $ok == 1 ]] || fail "$package: dependency '$dependency' is not satisfied on this machine"
    done
}

# Virtual packages the installed packages provide, with the version they provide.
declare -A provided
while read -r entry; do
    name=${entry%% *}
    [[ -n $name ]] || continue
    provided[$name]=""
    [[ $entry =~ \(=[[:space:]]*([^\)]+)\) ]] && provided[$name]=${BASH_REMATCH[1]}
done < <(dpkg-query -W -f='${db:Status-Status}\t${Provides}\n' | awk -F'\t' '$1 == "installed" { print $2 }' | tr ',' '\n' \
    | sed -e 's/^[[:space:]]*//' -e '/^$/d')

for package in "${packages[@]}"; do
    [[ $(field "$package" Package) == "$package" ]] || fail "$package: wrong Package field"
    [[ $(field "$package" Version) == "$version" ]] || fail "$package: Version is $(field "$package" Version), expected $version"
    [[ $(field "$package" Architecture) == "${package_arch[$package]}" ]] || fail "$package: wrong Architecture"
    [[ -n $(field "$package" Maintainer) ]] || fail "$package: no Maintainer"
    synopsis=$(field "$package" Description | sed -n 1p)
    [[ -n $synopsis && ${#synopsis} -le 80 ]] || fail "$package: bad synopsis '$synopsis'"
    expect_installable "$package"
    note "$package: Depends: $(field "$package" Depends 2>/dev/null || true)"
done

expect_depends "$runtime" libc6 libstdc++6 libqt6core6 libqt6network6 libqt6websockets6 libssl3
if dependency_names "$runtime" | grep -- '-dev$'; then
    fail "$runtime depends on development packages"
fi
[[ $(field "$runtime" Section) == libs ]] || fail "$runtime: Section is not libs"
[[ $(dpkg-deb --info "${deb[$runtime]}" shlibs) == "libStonyxSockets $STONYX_SOVERSION $runtime (>= $STONYX_VERSION)" ]] \
    || fail "$runtime: wrong shlibs: $(dpkg-deb --info "${deb[$runtime]}" shlibs)"
[[ $(dpkg-deb --info "${deb[$runtime]}" triggers) == "activate-noawait ldconfig" ]] || fail "$runtime: no ldconfig trigger"

expect_depends "$STONYX_DEB_DEVEL" "$runtime (= $version)" qt6-base-dev qt6-websockets-dev libssl-dev
[[ $(field "$STONYX_DEB_DEVEL" Section) == libdevel ]] || fail "$STONYX_DEB_DEVEL: Section is not libdevel"
expect_depends "$STONYX_DEB_TOOLS" "$runtime (= $version)" libqt6core6
if [[ $qml_built == 1 ]]; then
    expect_depends "$STONYX_DEB_QML" "$runtime (= $version)" libqt6qml6
fi
if [[ $redis_built == 1 ]]; then
    expect_depends "$STONYX_DEB_REDIS" "$runtime (= $version)" libhiredis0.14
    expect_depends "$STONYX_DEB_REDISDEVEL" "$STONYX_DEB_REDIS (= $version)" "$STONYX_DEB_DEVEL (= $version)"
    expect_depends "$STONYX_DEB_TOOLS" "$STONYX_DEB_REDIS (= $version)"
    [[ $(dpkg-deb --info "${deb[$STONYX_DEB_REDIS]}" triggers) == "activate-noawait ldconfig" ]] \
        || fail "$STONYX_DEB_REDIS: no ldconfig trigger"
fi

# --- Contents -----------------------------------------------------------------------

# Files and symbolic links of a package, as absolute paths.
contents() {
    dpkg-deb --contents "${deb[$1]}" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|'
}

# expect_contents PACKAGE REQUIRED_REGEX... -- ALLOWED_REGEX...: every required
# pattern matches a file of the package, and every file matches a required or allowed
# pattern.
expect_contents() {
    local package=$1 pattern files
    shift
    files=$(contents "$package")
    declare -a all=()
    while [[ $# -gt 0 && $1 != -- ]]; do
        grep -qE "^$1\$" <<<"$files" || fail "$package: no file matching $1; it has:"$'\n'"$files"
        all+=("$1")
        shift
    done
    [[ ${1:-} == -- ]] && shift
    all+=("$@" "/usr/share/doc/$package/(copyright|changelog\.Debian\.gz)" "/usr/share/lintian/overrides/$package")
    local regex
    regex=$(printf '^%s$|' "${all[@]}")
    regex=${regex%|}
    local stray
    stray=$(grep -vE "$regex" <<<"$files" || true)
    [[ -z $stray ]] || fail "$package: files that belong elsewhere:"$'\n'"$stray"
    note "$package: $(wc -l <<<"$files") files in place"
}

L="/usr/$libdir"
L=${L//./\\.}
expect_contents "$runtime" \
    "$L/libStonyxSockets\.so\.$STONYX_SOVERSION" "$L/libStonyxSockets\.so\.${STONYX_VERSION//./\\.}" \
    "/usr/share/doc/$runtime/copyright" "/usr/share/doc/$runtime/changelog\.Debian\.gz" \
    -- "/usr/share/.*\.qm"
headers=()
for camel in SocketServer SocketClient SocketConfig SocketHandler SocketConnection HandlerLoader FrameCipher; do
    headers+=("/usr/include/Stonyx/Sockets/$camel")
done
expect_contents "$STONYX_DEB_DEVEL" "${headers[@]}" \
    "/usr/include/Stonyx/Sockets/socketserver\.h" "/usr/include/Stonyx/Sockets/stonyxsockets_export\.h" \
    "$L/libStonyxSockets\.so" \
    "$L/cmake/StonyxSockets/StonyxSocketsConfig\.cmake" "$L/cmake/StonyxSockets/StonyxSocketsConfigVersion\.cmake" \
    "$L/cmake/StonyxSockets/StonyxSocketsTargets\.cmake" "$L/pkgconfig/stonyxsockets\.pc" \
    -- "/usr/include/Stonyx/Sockets/[A-Za-z_]+(\.h)?" "$L/cmake/StonyxSockets/StonyxSocketsTargets-[a-z]+\.cmake"
H="/usr/${handlerdir//./\\.}"
expect_contents "$STONYX_DEB_TOOLS" \
    "/usr/bin/stonyx-sockets-server" "/usr/bin/stonyx-sockets-client" "$H/libauth\.so" "$H/libecho\.so" \
    "/usr/$unitdir/stonyx-sockets-server\.service" \
    "/usr/share/doc/$STONYX_DEB_TOOLS/examples/server\.env\.example" \
    "/usr/share/man/man1/stonyx-sockets-server\.1\.gz" "/usr/share/man/man1/stonyx-sockets-client\.1\.gz"
if [[ $redis_built == 1 ]]; then
    expect_contents "$STONYX_DEB_REDIS" \
        "$L/libStonyxSocketsRedis\.so\.$STONYX_SOVERSION" "$L/libStonyxSocketsRedis\.so\.${STONYX_VERSION//./\\.}"
    expect_contents "$STONYX_DEB_REDISDEVEL" "/usr/include/Stonyx/Sockets/RedisBackplane" \
        "/usr/include/Stonyx/Sockets/redisbackplane\.h" "/usr/include/Stonyx/Sockets/stonyxsocketsredis_export\.h" \
        "$L/libStonyxSocketsRedis\.so" "$L/cmake/StonyxSockets/StonyxSocketsRedisTargets\.cmake" \
        -- "$L/cmake/StonyxSockets/StonyxSocketsRedisTargets-[a-z]+\.cmake"
fi
if [[ $qml_built == 1 ]]; then
    Q="/usr/${qmldir//./\\.}/Stonyx/Sockets"
    expect_contents "$STONYX_DEB_QML" "$Q/qmldir" "$Q/lib[A-Za-z]+\.so" -- "$Q/.*"
fi

if [[ $docs_built == 1 ]]; then
    [[ $(field "$STONYX_DEB_DOCS" Section) == doc ]] || fail "$STONYX_DEB_DOCS: Section is not doc"
    htmldir="/usr/share/doc/stonyx-sockets/html"
    expect_contents "$STONYX_DEB_DOCS" "$htmldir/index\.html" \
        "$htmldir/classStonyx_1_1Sockets_1_1SocketServer\.html" "$htmldir/classQML_1_1SocketClient\.html" \
        "/usr/share/doc-base/$STONYX_DEB_DOCS" -- "$htmldir/.*"
    dpkg-deb -x "${deb[$STONYX_DEB_DOCS]}" "$WORK/doc-root"
    grep -q 'Stonyx Sockets for Qt' "$WORK/doc-root$htmldir/index.html" \
        || fail "$STONYX_DEB_DOCS: index.html is not the Stonyx Sockets API reference"
else
    note "the packaging tree did not build the API reference (no Doxygen): no $STONYX_DEB_DOCS to check"
fi

# Nothing `cmake --install` installs is missing from every package (a file installed
# without one of the packaged components would be).
DESTDIR="$WORK/full" "$STONYX_CMAKE" --install "$build" >"$WORK/full-install.log" 2>&1 \
    || { cat "$WORK/full-install.log" >&2; fail "cmake --install of the packaging tree failed"; }
(cd "$WORK/full" && find . ! -type d | sed 's|^\.||' | sort) >"$WORK/installed.txt"
for package in "${packages[@]}"; do contents "$package"; done \
    | grep -vE '^/usr/share/(doc/[^/]+/(copyright|changelog\.Debian\.gz)|lintian/overrides/.*|doc-base/.*)$' | sort >"$WORK/packaged.txt"
missing=$(comm -23 "$WORK/installed.txt" "$WORK/packaged.txt")
[[ -z $missing ]] || fail "installed by cmake --install but in no package:"$'\n'"$missing"
extra=$(comm -13 "$WORK/installed.txt" "$WORK/packaged.txt")
[[ -z $extra ]] || fail "packaged but not installed by cmake --install:"$'\n'"$extra"
note "the packages hold exactly what cmake --install installs ($(wc -l <"$WORK/installed.txt") files)"

# --- lintian --------------------------------------------------------------------------

if command -v lintian >/dev/null; then
    # Errors and warnings fail; the packages carry overrides for the known, intended ones.
    lintian --fail-on error,warning --display-info "${deb[@]}" >"$WORK/lintian.log" 2>&1 \
        || { cat "$WORK/lintian.log" >&2; fail "lintian"; }
    note "lintian: no errors or warnings ($(grep -c '^I:' "$WORK/lintian.log" || true) info tags)"
else
    note "lintian not installed: skipped the lintian check"
fi

# --- The unpacked packages at work --------------------------------------------------

root="$WORK/root"
dpkg-deb -x "${deb[$runtime]}" "$root"
dpkg-deb -x "${deb[$STONYX_DEB_DEVEL]}" "$root"
grep -qxF "prefix=/usr" "$root/usr/$libdir/pkgconfig/stonyxsockets.pc" || fail "stonyxsockets.pc: prefix is not /usr"
# The runtime and -dev packages alone are enough to build against (the CMake package is
# relocatable, so it works from the unpacked tree too).
"$STONYX_CMAKE" -S "$STONYX_CONSUMER_DIR" -B "$WORK/consumer" -G "$STONYX_GENERATOR" \
    -DCMAKE_CXX_COMPILER="$STONYX_CXX" -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    >"$WORK/consumer.log" 2>&1 && "$STONYX_CMAKE" --build "$WORK/consumer" >>"$WORK/consumer.log" 2>&1 \
    || { cat "$WORK/consumer.log" >&2; fail "building the consumer against the unpacked runtime and -dev packages failed"; }
grep -qxF -- "-- StonyxSockets_DIR=$root/usr/$libdir/cmake/StonyxSockets" "$WORK/consumer.log" \
    || fail "the consumer did not use the unpacked -dev package"
if [[ $redis_built == 1 ]]; then
    # The Redis packages on top: find_package(StonyxSockets COMPONENTS Redis), Stonyx::SocketsRedis.
    dpkg-deb -x "${deb[$STONYX_DEB_REDIS]}" "$root"
    dpkg-deb -x "${deb[$STONYX_DEB_REDISDEVEL]}" "$root"
    "$STONYX_CMAKE" -S "$STONYX_CONSUMER_DIR" -B "$WORK/consumer-redis" -G "$STONYX_GENERATOR" \
        -DCMAKE_CXX_COMPILER="$STONYX_CXX" -DCMAKE_PREFIX_PATH="$root/usr" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        -DCONSUMER_WITH_REDIS=ON >"$WORK/consumer-redis.log" 2>&1 \
        && "$STONYX_CMAKE" --build "$WORK/consumer-redis" >>"$WORK/consumer-redis.log" 2>&1 \
        || { cat "$WORK/consumer-redis.log" >&2; fail "building against the unpacked Redis packages failed"; }
    out=$(LD_LIBRARY_PATH="$root/usr/$libdir" QT_QPA_PLATFORM=offscreen "$WORK/consumer-redis/stonyx-consumer-redis")
    [[ $out == "redis://127.0.0.1:6379/1 stopped" ]] || fail "stonyx-consumer-redis printed '$out'"
    note "a consumer built against the unpacked Redis packages works"
fi

dpkg-deb -x "${deb[$STONYX_DEB_TOOLS]}" "$root"
[[ $redis_built == 1 ]] && dpkg-deb -x "${deb[$STONYX_DEB_REDIS]}" "$root"
grep -qxF "ExecStart=/usr/bin/stonyx-sockets-server" "$root/usr/$unitdir/stonyx-sockets-server.service" \
    || fail "the packaged unit does not start /usr/bin/stonyx-sockets-server"
export LD_LIBRARY_PATH="$root/usr/$libdir"
KEY=$(random_key)
start_server "$WORK" "$root/usr/bin/stonyx-sockets-server" --port 0 --auth-key "$KEY"
check_consumer "$WORK/consumer/stonyx-consumer" "$KEY"
check_client "$root/usr/bin/stonyx-sockets-client" "$KEY"
expect_mapped_from "$root" "libStonyxSockets.so" "libauth.so" "libecho.so"
stop_server
note "the unpacked packages work together"
