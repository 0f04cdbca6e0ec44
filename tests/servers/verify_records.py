#!/usr/bin/python3
"""tests/servers/verify_records.py: what the test servers received, checked
again without any of spanport's C: Python's email parser reads the mails,
Python's hmac checks the webhook signatures.

Knows the record files of smtp_server.py and http_receiver.py and the
delivery ids and events that tests/unit/test_notify_smtp.c and
test_notify_webhook.c send.

    verify_records.py                 everything (run by tests/cli/notify.sh)
    verify_records.py --schema-only   the payloads against the JSON Schema

Environment: SMTP_RECORDS, HTTP_RECORDS, HTTP_PORT, WEBHOOK_SECRET,
SMTP_STARTTLS_PORT / SMTPS_PORT (set when the TLS servers ran), SCHEMA.
Prints one line per failed expectation and exits 1 if there was any.
"""

import base64
import datetime
import email
import email.policy
import email.utils
import hashlib
import hmac
import json
import os
import re
import sys
import time

FAILURES = []

FAILED_ERROR = ("disk full while writing row 1201\n.\n..two dots\n"
                ".hidden file\nécrit à moitié: échec ✓")
I18N_SUBJECT = ("Votre export est prêt ! Données de janvier ✓ — 1234 lignes,"
                " 5,6 Mio")
READY_BODY = (
    "Your export is ready.\r\n\r\n"
    "Export:   0b6f1c9e-2f4d-4c1a-9a57-3e1f5d2c7b10\r\n"
    "Format:   csv\r\n"
    "Rows:     1234\r\n"
    "Size:     5876543 bytes (5.6 MiB)\r\n"
    "SHA-256:  9f86d081884c7d659a2feaa0c55ad015"
    "a3bf4f1b2b0b822cd15d6c15b0f00a08\r\n"
    "Download: https://files.example.org/exports/0b6f1c9e.csv\r\n"
    "Created:  2026-01-15T10:00:00Z\r\n"
    "Finished: 2026-01-15T10:00:42Z\r\n")
READY_DATA = {
    "export_uuid": "0b6f1c9e-2f4d-4c1a-9a57-3e1f5d2c7b10",
    "state": "ready",
    "format": "csv",
    "rows": 1234,
    "bytes": 5876543,
    "sha256": ("9f86d081884c7d659a2feaa0c55ad015"
               "a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    "path": "/srv/exports/0b6f1c9e.csv",
    "url": "https://files.example.org/exports/0b6f1c9e.csv",
    "error": None,
    "created_at": "2026-01-15T10:00:00Z",
    "finished_at": "2026-01-15T10:00:42Z",
}


def expect(ok, what):
    if not ok:
        FAILURES.append(what)
    return ok


def load(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---- mail -------------------------------------------------------------------

def check_wire_form(tag, raw):
    """CRLF everywhere, no line over 998 octets, 7-bit headers."""
    expect(raw.endswith(b"\r\n"), f"{tag}: does not end in CRLF")
    lines = raw[:-2].split(b"\r\n")
    expect(all(b"\n" not in l and b"\r" not in l for l in lines),
           f"{tag}: a bare CR or LF")
    expect(all(len(l) <= 998 for l in lines), f"{tag}: a line over 998")
    head = raw.split(b"\r\n\r\n", 1)[0]
    expect(all(b < 0x80 for b in head), f"{tag}: 8-bit bytes in headers")
    expect(all(len(l) <= 78 for l in head.split(b"\r\n")),
           f"{tag}: a header line over 78 characters")


def check_headers(tag, rec, msg):
    when = email.utils.parsedate_to_datetime(msg["Date"])
    now = datetime.datetime.now(datetime.timezone.utc)
    expect(abs((now - when).total_seconds()) < 600, f"{tag}: Date {when}")
    expect(re.fullmatch(r"<spanport\.[A-Za-z0-9_-]+@example\.org>",
                        msg["Message-ID"]), f"{tag}: Message-ID")
    expect(msg["From"] == "spanport@example.org", f"{tag}: From")
    expect(rec["mail_from"] == "spanport@example.org", f"{tag}: MAIL FROM")
    expect(len(rec["rcpt_tos"]) == 1 and msg["To"] == rec["rcpt_tos"][0],
           f"{tag}: To {msg['To']} vs RCPT {rec['rcpt_tos']}")
    expect(msg["MIME-Version"] == "1.0", f"{tag}: MIME-Version")
    expect(msg.get_content_type() == "text/plain" and
           msg.get_content_charset() == "utf-8", f"{tag}: Content-Type")


def text(msg):
    """The decoded body, line breaks as "\n" (the wire form is checked by
    check_wire_form)."""
    return msg.get_content().replace("\r\n", "\n")


def mails_by_id(records):
    by_id = {}
    for rec in records:
        raw = base64.b64decode(rec["data_b64"])
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        m = re.fullmatch(r"<spanport\.(.+)@example\.org>",
                         msg["Message-ID"] or "")
        tag = f"mail {m.group(1) if m else '?'}"
        check_wire_form(tag, raw)
        check_headers(tag, rec, msg)
        by_id.setdefault(m.group(1) if m else "?", []).append((rec, msg))
    return by_id


def check_mails(records):
    by_id = mails_by_id(records)
    want = {"dlv-smtp-ready": 1, "dlv-smtp-twice": 2, "dlv-smtp-failed": 1,
            "dlv-smtp-i18n": 1, "dlv-smtp-long": 1}
    if os.environ.get("SMTP_STARTTLS_PORT"):
        want["dlv-smtp-starttls"] = 1
    if os.environ.get("SMTPS_PORT"):
        want["dlv-smtps"] = 1
    got = {k: len(v) for k, v in by_id.items()}
    expect(got == want, f"mails received {got}, expected {want}")

    rec, msg = by_id["dlv-smtp-ready"][0]
    expect(msg["Subject"] == "Your export is ready!", "ready: Subject")
    expect(text(msg) == READY_BODY.replace("\r\n", "\n"),
           f"ready: body {text(msg)!r}")
    expect(not rec["tls"] and rec["auth_login"] is None, "ready: plain")

    rec, msg = by_id["dlv-smtp-failed"][0]
    expect(msg["Subject"] == "Your export failed", "failed: Subject")
    expect(msg["Content-Transfer-Encoding"] == "8bit", "failed: 8bit")
    expect(text(msg).endswith("\n\nError:\n" + FAILED_ERROR + "\n"),
           f"failed: error block {text(msg)!r}")

    rec, msg = by_id["dlv-smtp-i18n"][0]
    expect(str(msg["Subject"]) == I18N_SUBJECT,
           f"i18n: Subject decodes to {str(msg['Subject'])!r}")

    rec, msg = by_id["dlv-smtp-long"][0]
    expect(msg["Content-Transfer-Encoding"] == "base64", "long: base64")
    expect(text(msg).endswith("\n\nError:\n" + "x" * 1500 + "\n"),
           "long: the error survives base64")

    ids = [m["Message-ID"] for _, m in by_id["dlv-smtp-twice"]]
    expect(len(set(ids)) == 1, "twice: two Message-IDs")

    for key in ("dlv-smtp-starttls", "dlv-smtps"):
        for rec, _ in by_id.get(key, []):
            expect(rec["tls"] and rec["auth_login"] == "exports",
                   f"{key}: not TLS with AUTH as exports")


# ---- webhooks ---------------------------------------------------------------

def signature_ok(key, headers, body):
    """Standard Webhooks, from its text: any of the space-separated v1,
    signatures over id.timestamp.body."""
    signed = (headers["webhook-id"] + "." + headers["webhook-timestamp"] +
              ".").encode() + body
    want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    return any(
        sig.startswith("v1,") and
        hmac.compare_digest(sig[3:].encode(), want)
        for sig in headers.get("webhook-signature", "").split(" "))


def check_payload_shape(tag, p):
    """The schema's rules, by hand, for a Python without jsonschema."""
    expect(set(p) == {"type", "timestamp", "data"}, f"{tag}: top keys")
    expect(p.get("type") in ("export.ready", "export.failed"), f"{tag}: type")
    d = p.get("data", {})
    expect(set(d) == set(READY_DATA), f"{tag}: data keys {sorted(d)}")
    expect(all(isinstance(d.get(k), int) and d[k] >= 0
               for k in ("rows", "bytes")), f"{tag}: rows/bytes")
    expect(d.get("state") == p.get("type", ".").split(".")[1],
           f"{tag}: state vs type")


def check_posts(records):
    key = base64.b64decode(os.environ["WEBHOOK_SECRET"][len("whsec_"):])
    port = os.environ["HTTP_PORT"]
    by_id = {}
    for rec in records:
        h, body = rec["headers"], base64.b64decode(rec["body_b64"])
        tag = f"post {h.get('webhook-id')} to {rec['path']}"
        expect(rec["method"] == "POST", f"{tag}: method")
        expect(h.get("content-type") == "application/json", f"{tag}: type")
        expect(signature_ok(key, h, body), f"{tag}: signature")
        expect(not signature_ok(key, h, body + b" "),
               f"{tag}: a changed body still verifies")
        expect(abs(int(h["webhook-timestamp"]) - time.time()) < 300,
               f"{tag}: webhook-timestamp")
        payload = json.loads(body)
        check_payload_shape(tag, payload)
        by_id.setdefault(h["webhook-id"], []).append((rec, payload))

    paths = {k: [r["path"] for r, _ in v] for k, v in by_id.items()}
    want = {"dlv-hook-ready": ["/ok"], "dlv-hook-failed": ["/ok"],
            "dlv-hook-twice": ["/ok", "/ok"], "dlv-hook-429": ["/busy"],
            "dlv-hook-503": ["/unavailable"], "dlv-hook-500": ["/fail"],
            "dlv-hook-410": ["/gone"], "dlv-hook-404": ["/nowhere"],
            "dlv-hook-302": ["/redirect"], "dlv-hook-slow": ["/slow"],
            "dlv-hook-localhost": ["/ok"]}
    expect(paths == want, f"posts received {paths}, expected {want}")

    payload = by_id["dlv-hook-ready"][0][1]
    expect(payload == {"type": "export.ready",
                       "timestamp": "2026-01-15T10:00:42Z",
                       "data": READY_DATA}, f"ready payload {payload}")
    payload = by_id["dlv-hook-failed"][0][1]
    expect(payload["type"] == "export.failed" and
           payload["data"]["error"] == FAILED_ERROR and
           payload["data"]["sha256"] is None, f"failed payload {payload}")
    twice = [base64.b64decode(r["body_b64"])
             for r, _ in by_id["dlv-hook-twice"]]
    expect(twice[0] == twice[1], "twice: the bodies differ")
    host = by_id["dlv-hook-localhost"][0][0]["headers"].get("host")
    expect(host == f"localhost:{port}", f"localhost: Host {host}")
    return [p for v in by_id.values() for _, p in v]


def check_schema(payloads):
    import jsonschema  # only where it is installed: see notify.sh
    with open(os.environ["SCHEMA"], encoding="utf-8") as f:
        schema = json.load(f)
    checker = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.FormatChecker())
    for p in payloads:
        for e in checker.iter_errors(p):
            FAILURES.append(f"schema: {e.message} in {p}")
    bad = dict(payloads[0], data=dict(payloads[0]["data"], rows="12"))
    expect(not checker.is_valid(bad), "schema: accepts rows as a string")
    return len(payloads)


def main():
    posts = load(os.environ["HTTP_RECORDS"])
    if sys.argv[1:] == ["--schema-only"]:
        payloads = [json.loads(base64.b64decode(r["body_b64"])) for r in posts]
        n = check_schema(payloads)
        what = f"{n} payloads valid against the schema"
    else:
        check_mails(load(os.environ["SMTP_RECORDS"]))
        n = len(check_posts(posts))
        what = f"mails and {n} signed posts as expected"
    for f in FAILURES:
        print("verify_records: " + f)
    if not FAILURES:
        print("verify_records: " + what)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
