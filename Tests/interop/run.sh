#!/usr/bin/env bash
# Runs clients written by others against `pouch serve`.
# Usage: Tests/interop/run.sh PATH/TO/pouch
# Builds nothing. Starts `pouch serve` on 127.0.0.1 with a free port and an
# admin on a temporary folder, runs the python-couchdb client test and the
# CouchDB conformance harness (../shared/couchdb-conformance beside the repo,
# skipped with a note when absent), then stops the server.
#
# The harness fails this script only when a scenario other than the known
# failures below fails; a known failure that starts passing is reported.
set -euo pipefail

# Limitation: API-14 (its _view filter step; Pouch has no map/reduce views) and
# API-19 (its gzip-encoded attachment step) are known to fail against Pouch.
KNOWN_FAILURES="API-14 API-19"

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 PATH/TO/pouch" >&2
    exit 2
fi
pouch="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
harness="${POUCH_CONFORMANCE:-$repo/../shared/couchdb-conformance/couchdiff.py}"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/out"
POUCH_LOG=warning "$pouch" serve --data "$work/data" --host 127.0.0.1 --port 0 \
    --admin admin:admin >"$work/out" 2>"$work/server.log" &
server_pid=$!
exec 3<"$work/out"
if ! IFS= read -r -t 30 line <&3; then
    echo "pouch serve printed no listening line" >&2
    cat "$work/server.log" >&2
    exit 1
fi
case "$line" in
    "listening on http://"*) ;;
    *) echo "unexpected first line: $line" >&2; exit 1 ;;
esac
# Keep draining the server's standard output so it never blocks on the pipe.
cat <&3 >/dev/null &
address="${line#listening on http://}"
url="http://admin:admin@$address"
echo "pouch serve listening on $address"

status=0
echo "== python-couchdb client"
python3 "$here/test_python_client.py" "$url" || status=1

echo "== CouchDB conformance scenarios"
if [ -f "$harness" ]; then
    set +e
    python3 "$harness" --a "$url" >"$work/conformance.txt" 2>&1
    set -e
    cat "$work/conformance.txt"
    unexpected=""
    while read -r verdict id _; do
        case "$verdict" in
            FAIL)
                case " $KNOWN_FAILURES " in
                    *" $id "*) echo "known failure: $id" ;;
                    *) unexpected="$unexpected $id" ;;
                esac ;;
            PASS)
                case " $KNOWN_FAILURES " in
                    *" $id "*) echo "note: known failure $id now passes" ;;
                esac ;;
        esac
    done <"$work/conformance.txt"
    passes=$(grep -c '^PASS ' "$work/conformance.txt" || true)
    if [ "$passes" -eq 0 ]; then
        echo "conformance harness reported no passing scenario" >&2
        status=1
    fi
    if [ -n "$unexpected" ]; then
        echo "unexpected conformance failures:$unexpected" >&2
        status=1
    fi
else
    echo "note: $harness not found; conformance scenarios skipped"
fi

if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && code=0 || code=$?
    server_pid=""
    echo "pouch serve exited early with status $code" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "server log:" >&2
    tail -50 "$work/server.log" >&2
fi
exit "$status"
