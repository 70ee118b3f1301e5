#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: builds, starts the server tool with the example handlers (auth, echo)
# on a free port, and has the client tool do an encrypted echo round trip.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
bash "$root/tools/build.sh" stonyx-sockets-server stonyx-sockets-client stonyx_handler_auth stonyx_handler_echo

export SOCKET_AUTH_KEY=${SOCKET_AUTH_KEY:-demo-key}
export SOCKET_ENCRYPTION=true
log=$(mktemp)
"$build/bin/stonyx-sockets-server" --port 0 --handler-dir "$build/lib/stonyx-sockets/handlers" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 100); do
    url=$(grep -o 'ws://[^ ]*' "$log" | head -n 1 || true)
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$url" ]; then
    cat "$log" >&2
    echo "run-demo: the server did not start" >&2
    exit 1
fi

data='{"msg":"hello from Stonyx Sockets for Qt ✓","n":[1,2.5,null,true]}'
echo "== server listening on $url (AES-256-GCM on, auth key from SOCKET_AUTH_KEY)"
echo "== client sends: echo $data"
response=$("$build/bin/stonyx-sockets-client" --url "$url" echo "$data")
echo "== client received: $response"
kill -TERM "$server"
wait "$server" || true
trap - EXIT
echo "== server log:"
cat "$log"
rm -f "$log"
if [ "$response" != "$data" ]; then
    echo "run-demo: the echo does not match" >&2
    exit 1
fi
echo "== encrypted round trip OK"
