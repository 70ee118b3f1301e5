# SPDX-License-Identifier: MIT
# Shared by the install tests (sourced, not run). Settings come from the STONYX_*
# environment that tests/install/CMakeLists.txt sets.

set -Eeuo pipefail
# No silent exits: name the command that failed.
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND (status $?)" >&2' ERR

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

skip() {
    echo "SKIP: $*"
    exit 77
}

note() {
    echo "-- $*"
}

# Settings in the test's own environment must not leak into the server or the client.
clear_socket_env() {
    local name
    for name in $(compgen -e); do
        [[ $name == SOCKET_* ]] && unset "$name"
    done
    return 0
}

random_key() {
    od -An -tx1 -N16 /dev/urandom | tr -d ' \n'
}

# A scratch directory removed when the script exits (with the server stopped first).
STONYX_SERVER_PID=""
make_work_dir() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/stonyx-install-test.XXXXXX")
    trap cleanup_work EXIT
}

cleanup_work() {
    if [[ -n $STONYX_SERVER_PID ]] && kill -0 "$STONYX_SERVER_PID" 2>/dev/null; then
        kill -KILL "$STONYX_SERVER_PID" 2>/dev/null || true
        wait "$STONYX_SERVER_PID" 2>/dev/null || true
    fi
    [[ -n ${WORK:-} ]] && rm -rf "$WORK"
    return 0
}

# start_server DIR COMMAND [args...]: starts the server COMMAND in DIR (where no ./socket-handlers
# exists, as under systemd), waits for its "listening on URL" line and sets
# SERVER_URL. The caller's environment (LD_LIBRARY_PATH, SOCKET_*) is passed on.
start_server() {
    local dir=$1 server=$2
    shift 2
    local out="$WORK/server.out" err="$WORK/server.err"
    command -v "$server" >/dev/null || fail "$server is not an executable"
    # Created here: the background job opens them only when it gets to run.
    : >"$out"
    : >"$err"
    (cd "$dir" && exec "$server" "$@") >>"$out" 2>>"$err" &
    STONYX_SERVER_PID=$!
    SERVER_URL=""
    local i
    for ((i = 0; i < 150; i++)); do
        SERVER_URL=$(sed -n 's/^listening on //p' "$out")
        [[ -n $SERVER_URL ]] && break
        if ! kill -0 "$STONYX_SERVER_PID" 2>/dev/null; then
            cat "$err" >&2
            fail "$server exited before listening"
        fi
        sleep 0.1
    done
    [[ -n $SERVER_URL ]] || { cat "$err" >&2; fail "$server did not print 'listening on' within 15 s"; }
    [[ $SERVER_URL =~ ^ws://127\.0\.0\.1:[0-9]+$ ]] || fail "unexpected server URL '$SERVER_URL'"
    note "server $STONYX_SERVER_PID listening on $SERVER_URL"
}

# The paths of the shared objects the server has mapped (library and plugins).
server_mapped_objects() {
    awk '$6 ~ /\.so/ { print $6 }' "/proc/$STONYX_SERVER_PID/maps" | sort -u
}

# stop_server: SIGTERM, then the server must exit by itself with status 0.
stop_server() {
    local pid=$STONYX_SERVER_PID i status=0
    kill -TERM "$pid"
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        fail "server $pid still running 10 s after SIGTERM"
    fi
    wait "$pid" || status=$?
    STONYX_SERVER_PID=""
    [[ $status -eq 0 ]] || { cat "$WORK/server.err" >&2; fail "server exited with status $status after SIGTERM"; }
    note "server stopped cleanly"
}

# check_client CLIENT KEY: the installed command-line client gets its echo back.
check_client() {
    local client=$1 key=$2 data='{"from":"stonyx-sockets-client","n":[1,2,3]}' reply
    reply=$(timeout 30 "$client" --url "$SERVER_URL" --auth-key "$key" --timeout 10000 echo "$data") \
        || fail "$client failed"
    [[ $reply == "$data" ]] || fail "$client: echo returned '$reply', expected '$data'"
    note "$client: echo ok"
}

# check_consumer CONSUMER KEY: the consumer's encrypted round trip works with the
# right key and fails with a wrong one.
check_consumer() {
    local consumer=$1 key=$2
    timeout 30 "$consumer" "$SERVER_URL" "$key" || fail "$consumer: round trip failed"
    if timeout 30 "$consumer" "$SERVER_URL" "wrong-$key" 2>"$WORK/wrong-key.err"; then
        fail "$consumer succeeded with a wrong auth key"
    fi
    note "consumer with a wrong key fails as it should: $(tail -n 1 "$WORK/wrong-key.err")"
}

# expect_mapped_from ROOT NAME...: each NAME (a file name) is mapped by the server
# from below ROOT, so the test exercised the installed files and not others.
expect_mapped_from() {
    local root=$1 name path
    shift
    local mapped
    mapped=$(server_mapped_objects)
    for name in "$@"; do
        path=$(grep -E "/$name(\.[0-9.]+)?$" <<<"$mapped" | sed -n 1p || true)
        [[ -n $path ]] || fail "the server has not loaded $name; it mapped:"$'\n'"$mapped"
        [[ $path == "$root"/* ]] || fail "the server loaded $path, not the copy under $root"
    done
    note "server mapped $* from $root"
}
