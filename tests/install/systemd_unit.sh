#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install.systemd_unit: the installed stonyx-sockets-server.service passes
# `systemd-analyze verify` without a single complaint and has the settings an
# operator relies on; the installed server.env.example configures the installed
# server the way the unit runs it (no arguments, working directory /, nothing but
# the file's variables in the environment).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prefix=$STONYX_PREFIX
unit="$prefix/$STONYX_UNITDIR/stonyx-sockets-server.service"
example="$prefix/$STONYX_TOOLS_DOCDIR/examples/server.env.example"
[[ -f $unit && -f $example ]] || fail "unit or environment example not installed in $prefix (run install.prefix)"
make_work_dir

if command -v systemd-analyze >/dev/null; then
    # verify reports unknown keys and bad values on stderr but still exits 0.
    if ! systemd-analyze verify --man=no "$unit" >"$WORK/verify.log" 2>&1 || [[ -s $WORK/verify.log ]]; then
        cat "$WORK/verify.log" >&2
        fail "systemd-analyze verify $unit"
    fi
    note "systemd-analyze verify: no complaints"
else
    # Without systemd: sections and Key=value lines only.
    awk '/^[[:space:]]*([#;]|$)/ { next } /^\[(Unit|Service|Install)\]$/ { next }
         /^[A-Za-z]+=/ { next } { print FILENAME ":" FNR ": " $0; bad = 1 } END { exit bad }' "$unit" \
        || fail "$unit does not parse"
    note "systemd-analyze not installed: checked the unit's syntax only"
fi

for setting in \
    "ExecStart=$prefix/bin/stonyx-sockets-server" \
    "EnvironmentFile=/etc/stonyx-sockets/server.env" \
    "Restart=on-failure" \
    "DynamicUser=yes" \
    "NoNewPrivileges=yes" \
    "ProtectSystem=strict" \
    "ProtectHome=yes" \
    "PrivateTmp=yes" \
    "CapabilityBoundingSet=" \
    "WantedBy=multi-user.target"; do
    grep -qxF "$setting" "$unit" || fail "$unit lacks $setting"
done
grep -qE '^(User|DynamicUser)=' "$unit" || fail "$unit does not run as an unprivileged user"
note "unit settings ok"

# The example file: only simple VARIABLE=value lines (read the same by systemd and a
# shell), only SOCKET_* variables the library knows, each of them documented.
known="SOCKET_PORT SOCKET_HOST SOCKET_AUTH_KEY SOCKET_HANDLER_DIR SOCKET_ENCRYPTION SOCKET_LOG SOCKET_HEARTBEAT_INTERVAL"
declare -a settings=()
while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    [[ $line =~ ^(SOCKET_[A-Z_]+)=([^[:space:]\"\'\\]*)$ ]] || fail "$example: not a plain VARIABLE=value line: $line"
    [[ " $known " == *" ${BASH_REMATCH[1]} "* ]] || fail "$example: unknown variable ${BASH_REMATCH[1]}"
    settings+=("$line")
done <"$example"
for name in $known; do
    grep -qE "^#?$name=" "$example" || fail "$example does not document $name"
done
note "environment example: ${#settings[@]} settings"

# Run the installed server as the unit would, with the example's settings, except
# for an ephemeral port (a test must not take a fixed one).
key=""
for line in "${settings[@]}"; do
    [[ $line == SOCKET_AUTH_KEY=* ]] && key=${line#SOCKET_AUTH_KEY=}
done
[[ -n $key ]] || fail "$example sets no SOCKET_AUTH_KEY"
server="$prefix/bin/stonyx-sockets-server"
start_server / env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$prefix/$STONYX_LIBDIR" \
    "${settings[@]}" SOCKET_PORT=0 "$server"
clear_socket_env
LD_LIBRARY_PATH="$prefix/$STONYX_LIBDIR" check_client "$prefix/bin/stonyx-sockets-client" "$key"
# Without SOCKET_HANDLER_DIR the server serves the handlers installed next to it.
expect_mapped_from "$prefix" "libauth.so" "libecho.so"
stop_server
