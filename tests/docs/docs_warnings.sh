#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs_warnings: the API reference was generated without a single warning (an
# undocumented public class, function, property, signal or enum value, a broken \ref or
# link, an unknown command), and it has the pages it should have.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_docs

status=0
IFS=';' read -r -a logs <<<"$STONYX_DOCS_WARNING_LOGS"
for log in "${logs[@]}"; do
    [[ -f $log ]] || fail "warning log $log missing: the docs target did not run"
    if [[ -s $log ]]; then
        echo "$(wc -l <"$log") warning(s) in $log:" >&2
        cat "$log" >&2
        status=1
    else
        note "no warnings in ${log##*/}"
    fi
done
# Doxygen does not warn about undocumented enum values; its XML output shows them.
[[ -n $STONYX_PYTHON ]] || missing_tool "python3 not found"
"$STONYX_PYTHON" "$STONYX_ENUM_CHECK" "$STONYX_DOCS_XML_DIR" || status=1
[[ $status == 0 ]] || fail "the API reference has warnings (fix the doc comments named above)"

html=$STONYX_DOCS_HTML_DIR
expect_page() {
    local file=$1 text=$2
    [[ -f $html/$file ]] || fail "no page $file"
    grep -qF -- "$text" "$html/$file" || fail "$file does not contain '$text'"
}
# C++ classes of every installed public header, with their members.
for class in SocketServer SocketClient SocketConfig SocketConnection SocketHandler HandlerLoader FrameCipher; do
    expect_page "classStonyx_1_1Sockets_1_1$class.html" "Stonyx::Sockets::$class"
done
expect_page classStonyx_1_1Sockets_1_1SocketServer.html 'broadcast'
expect_page classStonyx_1_1Sockets_1_1SocketServer.html 'Properties'
expect_page classStonyx_1_1Sockets_1_1SocketServer.html 'Signals'
expect_page classStonyx_1_1Sockets_1_1SocketServer.html '#include &lt;Stonyx/Sockets/SocketServer&gt;'
expect_page namespaceStonyx_1_1Sockets.html 'installTranslator'
# Every QML type the module registers (QML_ELEMENT / QML_NAMED_ELEMENT in qml/*.h) has
# its page, with QML properties, signals and methods. Only when the QML module is built.
if [[ $STONYX_QML_BUILT == 1 ]]; then
    types=$(sed -n -e 's/.*QML_NAMED_ELEMENT(\([A-Za-z0-9_]*\)).*/\1/p' "$STONYX_SOURCE_DIR"/qml/*.h | sort -u)
    [[ -n $types ]] || fail "no QML_NAMED_ELEMENT found in $STONYX_SOURCE_DIR/qml/*.h"
    for type in $types; do
        expect_page "classQML_1_1$type.html" "import Stonyx.Sockets"
    done
    for type in SocketServer SocketClient SocketHandler SocketConnection; do
        grep -qx "$type" <<<"$types" || fail "the QML type $type is not registered"
    done
    note "QML types: $(echo $types)"
    expect_page classQML_1_1SocketClient.html 'send'
    expect_page classQML_1_1SocketClient.html 'authenticated'
    expect_page classQML_1_1SocketClient.html 'Properties'
    if grep -qE 'QmlSocket|QJSValue|setUrl' "$html/classQML_1_1SocketClient.html"; then
        fail "the QML SocketClient page shows C++ details: $(grep -oE 'QmlSocket[A-Za-z]*|QJSValue|setUrl' "$html/classQML_1_1SocketClient.html" | sort -u | tr '\n' ' ')"
    fi
fi
# No doc comment shown as raw text (a Markdown code block made of a comment whose
# indentation the filter broke).
raw=$(grep -lE '<pre class="fragment">\\(class|brief|par|qml)' "$html"/*.html || true)
[[ -z $raw ]] || fail "doc comments rendered as raw text in: $raw"
# The guides: README.md's sections and docs/*.md as pages.
expect_page index.html 'Guides'
for guide in guide-c-quick-start guide-qml-quick-start guide-handler-plugins guide-configuration guide-protocol-summary; do
    expect_page "$guide.html" '<div class="title">'
done
# The threading model page collects the thread affinity of the classes and QML types.
expect_page threading.html 'Stonyx::Sockets::SocketServer'
[[ $STONYX_QML_BUILT != 1 ]] || expect_page threading.html 'QML::SocketClient'
note "$(find "$html" -name '*.html' | wc -l) pages, no warnings"
