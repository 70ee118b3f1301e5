# SPDX-License-Identifier: MIT
# Shared by the docs tests (sourced, not run); settings come from tests/docs/CMakeLists.txt.
set -Eeuo pipefail
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND (status $?)" >&2' ERR

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

note() {
    echo "-- $*"
}

# A missing tool skips the test with the reason, but fails it on CI, which installs
# every package of tools/debian-packages.txt.
missing_tool() {
    if [[ -n ${CI:-} ]]; then
        fail "$* (CI is set: CI must install tools/debian-packages.txt, so this is an error)"
    fi
    echo "SKIP: $*"
    exit 77
}

require_docs() {
    [[ -z $STONYX_DOCS_MISSING ]] || missing_tool "no API reference in this build: $STONYX_DOCS_MISSING"
    [[ -f $STONYX_DOCS_HTML_DIR/index.html ]] \
        || fail "$STONYX_DOCS_HTML_DIR/index.html does not exist: build the docs target first"
}
