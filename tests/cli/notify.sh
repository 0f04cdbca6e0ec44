#!/bin/sh
# tests/cli/notify.sh: the smtp and webhook plugins against real servers.
# Starts aiosmtpd and an HTTP receiver on 127.0.0.1 (ports picked by the
# kernel), runs tests/unit/test_notify_smtp and test_notify_webhook against
# them, then checks what the servers received again, in Python (email
# parser, hmac, JSON Schema).
#
# Environment (all optional under `make check`):
#   NOTIFY_PLUGIN_DIR  where smtp.so and webhook.so are (default: the first
#                      entry of SPANPORT_PLUGIN_PATH, else plugins/.libs)
#   KEEP_WORK          set to keep the servers' records and logs
#   TEST_NOTIFY        the drivers, colon-separated, run in turn (default:
#                      tests/unit/test_notify_smtp:.../test_notify_webhook)
#   PYTHON3            a python3 that may have jsonschema, for the schema pass
# Exit 77 (skipped) when /usr/bin/python3 cannot import aiosmtpd.
set -u

# Debian's python3-aiosmtpd is importable by the system python, which is
# not always the first python3 on PATH (pyenv, venvs).
SYS_PY=/usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
servers=$srcdir/tests/servers

if ! "$SYS_PY" -c 'import aiosmtpd' 2>/dev/null; then
    echo "notify.sh: $SYS_PY cannot import aiosmtpd" \
        "(apt-get install python3-aiosmtpd); skipping"
    exit 77
fi

plugin_path=${SPANPORT_PLUGIN_PATH:-$builddir/plugins/.libs}
NOTIFY_PLUGIN_DIR=${NOTIFY_PLUGIN_DIR:-${plugin_path%%:*}}
unit=$builddir/tests/unit
TEST_NOTIFY=${TEST_NOTIFY:-$unit/test_notify_smtp:$unit/test_notify_webhook}
# The drivers become "$@", split at the colons only (no globbing).
set -f
IFS=:
# shellcheck disable=SC2086 # split on purpose
set -- $TEST_NOTIFY
unset IFS
set +f
for f in "$NOTIFY_PLUGIN_DIR/smtp.so" "$NOTIFY_PLUGIN_DIR/webhook.so" \
    "$@"; do
    if [ ! -e "$f" ]; then
        echo "notify.sh: $f is missing; build it first (make check)" >&2
        exit 1
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/spanport-notify.XXXXXX") || exit 1
pids=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    for pid in $pids; do
        kill "$pid" 2>/dev/null
    done
    wait 2>/dev/null
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# start NAME ARGS...: runs a server in the background, waits for the port
# it prints on its first line, and sets $port.
start() {
    name=$1
    shift
    : >"$work/$name.port"
    "$@" >"$work/$name.port" 2>"$work/$name.log" &
    pids="$pids $!"
    i=0
    port=
    while [ $i -lt 100 ]; do
        port=$(head -n 1 "$work/$name.port")
        [ -n "$port" ] && return 0
        if ! kill -0 "$!" 2>/dev/null; then
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "notify.sh: the $name server did not start:" >&2
    cat "$work/$name.log" >&2
    exit 1
}

SMTP_RECORDS=$work/smtp.jsonl
HTTP_RECORDS=$work/http.jsonl
# Fresh secrets each run; the driver and the checks read them from here.
WEBHOOK_SECRET=whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')
SMTP_PASSWORD=pw-$(head -c 12 /dev/urandom | base64 | tr -d '\n/+=')

start smtp "$SYS_PY" "$servers/smtp_server.py" "$SMTP_RECORDS"
SMTP_PORT=$port
start http "$SYS_PY" "$servers/http_receiver.py" "$HTTP_RECORDS"
HTTP_PORT=$port
export NOTIFY_PLUGIN_DIR SMTP_RECORDS HTTP_RECORDS SMTP_PORT HTTP_PORT \
    WEBHOOK_SECRET SMTP_PASSWORD

# The TLS servers need a certificate for 127.0.0.1, made here; without the
# openssl command their tests are skipped, not failed.
if openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" \
    -out "$work/cert.pem" >"$work/openssl.log" 2>&1; then
    tls="--cert $work/cert.pem --key $work/key.pem --user exports"
    # shellcheck disable=SC2086 # $tls is words on purpose
    start starttls "$SYS_PY" "$servers/smtp_server.py" "$SMTP_RECORDS" \
        --tls starttls $tls --password "$SMTP_PASSWORD"
    SMTP_STARTTLS_PORT=$port
    # shellcheck disable=SC2086
    start smtps "$SYS_PY" "$servers/smtp_server.py" "$SMTP_RECORDS" \
        --tls implicit $tls --password "$SMTP_PASSWORD"
    SMTPS_PORT=$port
    SMTP_TLS_CA=$work/cert.pem
    export SMTP_STARTTLS_PORT SMTPS_PORT SMTP_TLS_CA
else
    echo "notify.sh: no certificate (openssl); TLS tests will be skipped"
fi

echo "notify.sh: smtp on 127.0.0.1:$SMTP_PORT, http on 127.0.0.1:$HTTP_PORT"
for driver in "$@"; do
    "$driver" || exit 1
done

# The same deliveries, judged by Python alone.
SCHEMA=$srcdir/schemas/webhook-payload.schema.json
export SCHEMA
"$SYS_PY" "$servers/verify_records.py" || exit 1
for py in "${PYTHON3:-python3}" "$SYS_PY"; do
    if "$py" -c 'import jsonschema' 2>/dev/null; then
        "$py" "$servers/verify_records.py" --schema-only || exit 1
        exit 0
    fi
done
echo "notify.sh: no python3 with jsonschema; payloads checked by hand only"
exit 0
