#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs_screenshots: headless Chromium renders two pages of the API reference, the C++
# SocketServer class and the QML SocketClient type, into STONYX_SCREENSHOT_DIR; each
# must be a PNG of the requested size that is not blank (docs/screenshots/ in the
# repository holds copies).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_docs
[[ -n $STONYX_CHROMIUM && -x $STONYX_CHROMIUM ]] || missing_tool "chromium not found (Debian package chromium)"
[[ -n $STONYX_PYTHON ]] || missing_tool "python3 not found"

out=$STONYX_SCREENSHOT_DIR
rm -rf "$out"
mkdir -p "$out"
profile=$(mktemp -d "${TMPDIR:-/tmp}/stonyx-docs-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
width=1280 height=1600

shoot() {
    local page=$1 png=$2
    [[ -f $STONYX_DOCS_HTML_DIR/$page ]] || fail "no page $page"
    rm -f "$png"
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start;
    # --disable-dev-shm-usage: containers often have a tiny /dev/shm.
    # The virtual time budget lets the page's scripts (navigation tree) finish first.
    timeout 120 "$STONYX_CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
        --no-first-run --no-default-browser-check --user-data-dir="$profile" \
        --window-size="$width,$height" --virtual-time-budget=5000 \
        --screenshot="$png" "file://$STONYX_DOCS_HTML_DIR/$page" >"$profile/chromium.log" 2>&1 \
        || { cat "$profile/chromium.log" >&2; fail "chromium could not render $page"; }
    [[ -s $png ]] || { cat "$profile/chromium.log" >&2; fail "chromium wrote no screenshot of $page"; }
    "$STONYX_PYTHON" "$STONYX_PNG_CHECK" "$png" "$width" "$height" || fail "$png is not a good screenshot"
    note "$page -> $png"
}

shoot classStonyx_1_1Sockets_1_1SocketServer.html "$out/api-socketserver.png"
if [[ $STONYX_QML_BUILT == 1 ]]; then
    shoot classQML_1_1SocketClient.html "$out/api-qml-socketclient.png"
else
    note "the QML module is not built: no QML SocketClient page to take"
fi
