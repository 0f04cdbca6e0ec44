#!/bin/sh
# tests/cli/deliver.sh: exports announce themselves through the smtp and
# webhook notifiers, end to end: real servers on 127.0.0.1, the outbox,
# retries, permanent failures, a failed export's notice, and what the
# servers received checked independently (email parser, Python hmac).
. "$top_srcdir/tests/cli/lib.sh"

SYS_PY=/usr/bin/python3
"$SYS_PY" -c 'import aiosmtpd' 2>/dev/null || {
    echo "deliver.sh: /usr/bin/python3 cannot import aiosmtpd; skipping"
    exit 77
}
export SPANPORT_BACKOFF_MS=100
PIDS=
trap 'kill $PIDS 2>/dev/null; rm -rf "$T"' EXIT

start() { # start NAME CMD...: background server; sets $port
    name=$1
    shift
    "$@" >"$T/$name.port" 2>"$T/$name.log" &
    PIDS="$PIDS $!"
    i=0
    while [ ! -s "$T/$name.port" ]; do
        i=$((i + 1))
        [ $i -lt 500 ] || fail "$name did not start: $(cat "$T/$name.log")"
        sleep 0.02
    done
    port=$(head -n 1 "$T/$name.port")
}
start smtp "$SYS_PY" "$top_srcdir/tests/servers/smtp_server.py" "$T/mail.jsonl"
SMTP_PORT=$port
start http "$SYS_PY" "$top_srcdir/tests/servers/http_receiver.py" "$T/http.jsonl"
HTTP_PORT=$port
H=http://127.0.0.1:$HTTP_PORT

SECRET=whsec_$(head -c 32 /dev/urandom | base64 | tr -d '\n')
cat >"$T/config.json" <<JSON
{"smtp": {"url": "smtp://127.0.0.1:$SMTP_PORT", "from": "spanport@example.org"},
 "webhook": {"timeout_seconds": 1, "allow_private_addresses": true},
 "download_base_url": "https://files.example.org/exports/"}
JSON
chmod 600 "$T/config.json"
export SPANPORT_CONFIG="$T/config.json" SPANPORT_WEBHOOK_SECRET="$SECRET"
sp import "$top_srcdir/data/sample.ndjson" 2>/dev/null

# A ready export tells both targets.
expect_exit 0 "an export with two notifications" \
    sp export --all --wait --notify smtp:analyst@example.org \
    --notify "webhook:$H/ok" -o "$T/ready #1 ü.csv"
u=$(cat "$T/stdout")
expect_grep "notify smtp:analyst@example.org for export $u: sent" \
    "$T/stderr" "the email was sent"
expect_grep "notify webhook:$H/ok for export $u: sent" "$T/stderr" \
    "the webhook was sent"
sha=$(sha256sum "$T/ready #1 ü.csv" | cut -d' ' -f1)
"$SYS_PY" - "$T/mail.jsonl" "$u" "$sha" <<'PY' || fail "the email is wrong"
import base64, email, json, sys
from email import policy
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, recs
r = recs[0]
assert r["mail_from"] == "spanport@example.org", r["mail_from"]
assert r["rcpt_tos"] == ["analyst@example.org"], r["rcpt_tos"]
m = email.message_from_bytes(base64.b64decode(r["data_b64"]), policy=policy.default)
assert m["Subject"] == "Your export is ready!", m["Subject"]
for h in ("Date", "Message-ID", "From", "To", "MIME-Version"):
    assert m[h], h
body = m.get_content()
for want in (sys.argv[2], sys.argv[3], "13",
             "https://files.example.org/exports/ready%20%231%20%C3%BC.csv"):
    assert want in body, (want, body)
PY
ok "the email has the envelope, headers, UUID, rows, SHA-256 and URL (percent-encoded)"
"$SYS_PY" - "$T/http.jsonl" "$u" "$SECRET" <<'PY' || fail "the webhook is wrong"
import base64, hashlib, hmac, json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-1]
h, body = r["headers"], base64.b64decode(r["body_b64"])
key = base64.b64decode(sys.argv[3][len("whsec_"):])
signed = (h["webhook-id"] + "." + h["webhook-timestamp"] + ".").encode() + body
want = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
assert want in h["webhook-signature"].split(" "), (want, h["webhook-signature"])
p = json.loads(body)
assert p["type"] == "export.ready", p
assert p["data"]["export_uuid"] == sys.argv[2] and p["data"]["rows"] == 13, p
PY
ok "the webhook body is signed (checked with Python's hmac)"
expect_exit 0 "exports show --json" sp --json exports show "$u"
expect_grep '"deliveries":\[{[^]]*"state":"sent"[^]]*"state":"sent"' \
    "$T/stdout" "both deliveries are recorded as sent"

# Sent deliveries are never sent again.
n_mail=$(wc -l <"$T/mail.jsonl")
q "UPDATE jobs SET state = 'queued' WHERE kind = 'delivery'"
sp worker --drain 2>/dev/null
expect_eq "$n_mail" "$(wc -l <"$T/mail.jsonl")" \
    "a delivery that succeeded is not sent twice"

# Server down: retries, then failed; the export stays ready.
dead=$(( HTTP_PORT == 65535 ? 65534 : HTTP_PORT + 1 ))
expect_exit 0 "a webhook to a closed port" \
    sp export --all --wait --notify "webhook:http://127.0.0.1:$dead/x" \
    -o "$T/down.csv"
d=$(cat "$T/stdout")
expect_grep "will retry" "$T/stderr" "a closed port is a transient failure"
expect_exit 1 "a worker that ran a delivery that failed exits 1" \
    sp worker --drain
did=$(q "SELECT id FROM deliveries WHERE export_uuid = '$d'")
expect_eq "spanport: worker: 1 job ended failed: delivery $did; \`spanport exports show UUID\` tells why" \
    "$(tail -n 1 "$T/stderr")" "the worker names the delivery that failed"
expect_eq "failed|3" "$(q "SELECT state, attempts FROM deliveries
    WHERE export_uuid = '$d'")" "after three attempts the delivery failed"
expect_eq ready "$(q "SELECT state FROM exports WHERE uuid = '$d'")" \
    "the export stays ready"

# 429 with Retry-After: 7 s: the retry waits what the target asked.
before=$(date +%s%N)
expect_exit 0 "a busy target" \
    sp export --all --wait --notify "webhook:$H/busy" -o "$T/busy.csv"
b=$(cat "$T/stdout")
due=$(q "SELECT j.run_after_ns FROM jobs j JOIN deliveries d ON j.ref = d.id
    WHERE d.export_uuid = '$b'")
wait_s=$(( (due - before) / 1000000000 ))
[ "$wait_s" -ge 6 ] && [ "$wait_s" -le 9 ] ||
    fail "retry due after $wait_s s, Retry-After said 7"
ok "Retry-After: 7 puts the retry 7 s later"
q "UPDATE jobs SET state = 'cancelled' WHERE kind = 'delivery' AND state = 'queued'"

# Permanent failures: 410, a redirect (not followed), after one attempt.
for path in gone redirect; do
    expect_exit 0 "a webhook answering $path" \
        sp export --all --wait --notify "webhook:$H/$path" -o "$T/$path.csv"
    x=$(cat "$T/stdout")
    expect_eq "failed|1" "$(q "SELECT state, attempts FROM deliveries
        WHERE export_uuid = '$x'")" "$path is a permanent failure"
done
n_ok=$("$SYS_PY" -c 'import json, sys
print(sum(json.loads(l)["path"] == "/ok" for l in open(sys.argv[1])))' \
    "$T/http.jsonl")
expect_eq 1 "$n_ok" "the redirect to /ok was not followed"

# A timeout retries.
expect_exit 0 "a slow webhook" \
    sp export --all --wait --notify "webhook:$H/slow" -o "$T/slow.csv"
s=$(cat "$T/stdout")
expect_grep "will retry" "$T/stderr" "a timeout is a transient failure"
q "UPDATE jobs SET state = 'cancelled' WHERE kind = 'delivery' AND state = 'queued'"

# A failed export notifies with its error.
: >"$T/mail.jsonl"
mkdir "$T/nope" # removed before the worker runs: the export fails
expect_exit 0 "a failing export with a notification" \
    sp export --all --notify smtp:analyst@example.org -o "$T/nope/x.csv"
f=$(cat "$T/stdout")
rmdir "$T/nope"
expect_exit 1 "a worker whose export failed exits 1" sp worker --drain
expect_eq failed "$(q "SELECT state FROM exports WHERE uuid = '$f'")" \
    "the export failed"
"$SYS_PY" - "$T/mail.jsonl" "$f" <<'PY' || fail "the failure email is wrong"
import base64, email, json, sys
from email import policy
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 1, r
m = email.message_from_bytes(base64.b64decode(r[0]["data_b64"]), policy=policy.default)
assert m["Subject"] == "Your export failed", m["Subject"]
body = m.get_content()
assert sys.argv[2] in body and "cannot create the output" in body, body
PY
ok "the failure email names the export and its error"

# Bad targets and configs fail when the export is requested.
expect_exit 2 "a bad email address" sp export --all --notify smtp:nobody
expect_exit 5 "an unknown notifier" sp export --all --notify pager:x
chmod 644 "$T/config.json"
printf '{"webhook": {"secret": "%s"}}\n' "$SECRET" >"$T/config.json"
expect_exit 2 "a config with a secret readable by others" \
    sp export --all --notify "webhook:$H/ok"
expect_grep "holds a secret and is readable by others" "$T/stderr" \
    "the refusal says why"
if grep -q "${SECRET#whsec_}" "$T"/*.log "$T/stderr" 2>/dev/null; then
    fail "the secret was printed"
fi
ok "the secret appears in no output"
chmod 600 "$T/config.json"
printf '{\n  "smtp": {\n    "url": "smtp://x",,\n  }\n}\n' >"$T/config.json"
expect_exit 2 "a config that is not JSON" \
    sp export --all --notify smtp:analyst@example.org
expect_grep "config.json:3: not valid JSON" "$T/stderr" \
    "the config error names the file and line"
done_testing
