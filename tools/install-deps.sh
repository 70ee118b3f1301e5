#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages of tools/debian-packages.txt that are missing.
# Run as root on Debian 12 (or with sudo available). Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

missing=()
while IFS= read -r line; do
    line=${line%%#*}
    line=$(echo "$line" | xargs)
    [ -n "$line" ] || continue
    package=${line%%:*}
    command=""
    [[ $line == *:* ]] && command=${line#*:}
    # "package:command": an existing command (e.g. a newer Node.js) is good enough.
    if [ -n "$command" ] && command -v "$command" >/dev/null 2>&1; then
        continue
    fi
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep "install ok installed" >/dev/null; then
        missing+=("$package")
    fi
done < "$here/debian-packages.txt"

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all Debian packages are installed"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
