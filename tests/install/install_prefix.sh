#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install.prefix: `cmake --install` into an empty temporary prefix (the other
# install.* tests use it) and check the installed layout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prefix=$STONYX_PREFIX
rm -rf "$prefix"
"$STONYX_CMAKE" --install "$STONYX_BUILD_DIR" --prefix "$prefix" >install-prefix.log \
    || { cat install-prefix.log >&2; fail "cmake --install failed"; }
note "installed into $prefix"

expect_file() {
    [[ -f $1 && ! -L $1 ]] || fail "missing file $1"
}
expect_exec() {
    [[ -f $1 && -x $1 ]] || fail "missing executable $1"
}
expect_link() {
    [[ -L $1 ]] || fail "$1 is not a symbolic link"
    [[ $(readlink "$1") == "$2" ]] || fail "$1 points to $(readlink "$1"), expected $2"
}

lib="$prefix/$STONYX_LIBDIR"
real="libStonyxSockets.so.$STONYX_VERSION"
soname="libStonyxSockets.so.$STONYX_SOVERSION"

# The library: versioned file, soname link, namelink.
expect_file "$lib/$real"
expect_link "$lib/$soname" "$real"
expect_link "$lib/libStonyxSockets.so" "$soname"
if command -v readelf >/dev/null; then
    readelf -d "$lib/$real" | grep "Library soname: \[$soname\]" >/dev/null || fail "$real does not have the soname $soname"
    for binary in "$lib/$real" "$prefix/bin/stonyx-sockets-server" "$prefix/bin/stonyx-sockets-client"; do
        if readelf -d "$binary" | grep -E '\((RPATH|RUNPATH)\)' | grep -F "$STONYX_BUILD_DIR" >/dev/null; then
            fail "$binary still has a run path into the build tree"
        fi
    done
fi

# Public headers with their CamelCase forwarding headers.
include="$prefix/include/Stonyx/Sockets"
expect_file "$include/stonyxsockets_export.h"
for camel in SocketServer SocketClient SocketConfig SocketHandler SocketConnection HandlerLoader FrameCipher; do
    expect_file "$include/$camel"
    target=$(sed -n 's/^#include "\(.*\)"$/\1/p' "$include/$camel")
    [[ -n $target ]] || fail "$include/$camel is not a forwarding header"
    expect_file "$include/$target"
done
[[ -z $(find "$include" -name '*_p.h') ]] || fail "private headers installed: $(find "$include" -name '*_p.h')"

# CMake package and pkg-config file.
cmakedir="$lib/cmake/StonyxSockets"
for file in StonyxSocketsConfig.cmake StonyxSocketsConfigVersion.cmake StonyxSocketsTargets.cmake; do
    expect_file "$cmakedir/$file"
done
pc="$lib/pkgconfig/stonyxsockets.pc"
expect_file "$pc"
grep -qxF "prefix=$prefix" "$pc" || fail "$pc does not name the prefix $prefix: $(grep '^prefix=' "$pc")"
grep -qxF "Version: $STONYX_VERSION" "$pc" || fail "$pc has the wrong version"

# Tools, handler directory with the example handlers, service files, manual pages.
expect_exec "$prefix/bin/stonyx-sockets-server"
expect_exec "$prefix/bin/stonyx-sockets-client"
expect_file "$prefix/$STONYX_HANDLERDIR/libauth.so"
expect_file "$prefix/$STONYX_HANDLERDIR/libecho.so"
unit="$prefix/$STONYX_UNITDIR/stonyx-sockets-server.service"
expect_file "$unit"
grep -qxF "ExecStart=$prefix/bin/stonyx-sockets-server" "$unit" || fail "$unit: ExecStart= does not name the installed server"
expect_file "$prefix/$STONYX_TOOLS_DOCDIR/examples/server.env.example"
for tool in stonyx-sockets-server stonyx-sockets-client; do
    [[ -f $prefix/share/man/man1/$tool.1.gz || -f $prefix/share/man/man1/$tool.1 ]] || fail "no manual page for $tool"
done

# The QML module, when it is built.
if [[ $STONYX_QML_BUILT == 1 ]]; then
    qmldir=$(find "$prefix" -path '*/Stonyx/Sockets/qmldir' | sed -n 1p)
    [[ -n $qmldir ]] || fail "the QML module is built but no Stonyx/Sockets/qmldir was installed"
    grep -q '^module Stonyx.Sockets$' "$qmldir" || fail "$qmldir is not the Stonyx.Sockets module"
fi

# The Debian-only files (copyright, changelog, lintian overrides) go into packages only.
[[ ! -e $prefix/share/lintian ]] || fail "lintian overrides installed outside a package"

# Nothing installed may point back into the build tree (the prefix, which is inside
# it, aside).
while IFS= read -r file; do
    content=$(<"$file")
    content=${content//"$prefix"/}
    [[ $content != *"$STONYX_BUILD_DIR"* ]] || fail "$file refers to the build tree"
done < <(grep -rlIF "$STONYX_BUILD_DIR" "$prefix" || true)

# The HTML API reference, when it is built (docs/CMakeLists.txt).
if [[ $STONYX_DOCS_BUILT == 1 ]]; then
    expect_file "$prefix/$STONYX_HTMLDIR/index.html"
    expect_file "$prefix/$STONYX_HTMLDIR/classStonyx_1_1Sockets_1_1SocketServer.html"
    expect_file "$prefix/$STONYX_HTMLDIR/classQML_1_1SocketClient.html"
fi

note "layout ok: $(find "$prefix" -type f | wc -l) files"

