#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A cluster on loopback (README "Cluster"): starts redis-server and three
# stonyx-sockets-server nodes sharing it, a listening client on each node, then
# shows a broadcast sent through node 1 and a room message sent through node 3
# reaching the clients of the other nodes.
#
#   tools/run-cluster-demo.sh [build-dir]     (default: build)
#
# Node 1 also serves the metrics and the admin page (--metrics-port); with HOLD=1 the
# cluster keeps running after the demo until Ctrl-C, to look at the page.
#
# Needs redis-server (Debian package redis-server) and a build with the Redis
# backplane (libhiredis-dev). Everything stops when the script ends.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
bin=$build/bin
handlers=$build/lib/stonyx-sockets/handlers
demo_handlers=$build/lib/stonyx-sockets/demo-handlers
for f in "$bin/stonyx-sockets-server" "$bin/stonyx-sockets-client" "$handlers/libauth.so" "$demo_handlers/libcluster.so"; do
    [[ -e $f ]] || { echo "missing $f: build first (cmake --build $build)" >&2; exit 1; }
done
command -v redis-server >/dev/null || { echo "redis-server not found: sudo apt install redis-server" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port (the kernel's pick, released at once).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until file $1 has a line matching $2; prints the first capture group.
wait_for() {
    local file=$1 pattern=$2
    for _ in $(seq 1 100); do
        if [[ -f $file ]] && grep -qE "$pattern" "$file"; then
            sed -nE "s|.*$pattern.*|\1|p" "$file" | head -n 1
            return 0
        fi
        sleep 0.1
    done
    echo "timed out waiting for '$pattern' in $file:" >&2
    cat "$file" >&2 || true
    return 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
wait_for "$work/redis.log" "(Ready to accept connections)" >/dev/null
echo "redis-server on 127.0.0.1:$redis_port"

mkdir "$work/handlers"
ln -s "$handlers/libauth.so" "$demo_handlers/libcluster.so" "$work/handlers/"
export SOCKET_AUTH_KEY=cluster-demo-key SOCKET_REDIS_URL=redis://127.0.0.1:$redis_port SOCKET_HEARTBEAT_INTERVAL=1000
urls=()
with_admin=0 # built with Qt HTTP Server?
"$bin/stonyx-sockets-server" --help | grep -- --metrics-port >/dev/null && with_admin=1
for n in 1 2 3; do
    extra=()
    [[ $n == 1 && $with_admin == 1 ]] && extra=(--metrics-port 0)
    "$bin/stonyx-sockets-server" --port 0 --handler-dir "$work/handlers" "${extra[@]}" >"$work/node$n.out" 2>"$work/node$n.log" &
    pids+=($!)
    urls+=("$(wait_for "$work/node$n.out" "listening on (ws://[^ ]+)")")
    echo "node $n: ${urls[-1]}"
done
admin="(none: built without Qt HTTP Server)"
if [[ $with_admin == 1 ]]; then
    admin=$(wait_for "$work/node1.out" "metrics on (http://[^ ]+)/metrics")/admin
fi
echo "node 1 admin page: $admin"

# A client on each node, printing what it receives; each joins the room "lobby"
# except the client of node 2.
for n in 1 2 3; do
    data='{"join":"lobby"}'
    [[ $n == 2 ]] && data='{"join":"elsewhere"}'
    "$bin/stonyx-sockets-client" --url "${urls[n-1]}" --auth-data "{\"name\":\"client$n\"}" --listen cluster "$data" \
        >"$work/client$n.out" 2>"$work/client$n.log" &
    pids+=($!)
    wait_for "$work/client$n.out" '(rooms)' >/dev/null
done

echo
echo "== broadcast through node 1 (a one-shot client there) =="
"$bin/stonyx-sockets-client" --url "${urls[0]}" cluster '{"broadcast":"hello, every node"}'
for n in 1 2 3; do wait_for "$work/client$n.out" '("text":"hello, every node")' >/dev/null; done
for n in 1 2 3; do echo "client$n (node $n) got: $(grep 'hello, every node' "$work/client$n.out")"; done

echo
echo "== message to room \"lobby\" through node 3 (its members: the clients of nodes 1 and 3) =="
"$bin/stonyx-sockets-client" --url "${urls[2]}" cluster '{"room":"lobby","say":"hi lobby"}'
for n in 1 3; do wait_for "$work/client$n.out" '("text":"hi lobby")' >/dev/null; done
for n in 1 2 3; do
    line=$(grep 'hi lobby' "$work/client$n.out" || echo "(nothing: not in the room)")
    echo "client$n (node $n) got: $line"
done

if [[ ${HOLD:-0} == 1 ]]; then
    echo
    echo "HOLD=1: the cluster keeps running; the admin page of node 1 is $admin (Ctrl-C stops)"
    while true; do sleep 3600; done
fi
