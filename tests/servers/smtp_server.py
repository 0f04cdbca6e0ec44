#!/usr/bin/python3
"""tests/servers/smtp_server.py: a real SMTP server for the notifier tests.

Knows aiosmtpd and the JSON-lines record format; nothing of spanport.

    /usr/bin/python3 smtp_server.py RECORDS [--tls starttls|implicit
        --cert CERT --key KEY] [--user NAME --password PW] [--lifetime S]

Listens on 127.0.0.1, on a port the kernel picks, prints that port on the
first line of stdout, then serves until killed (or for --lifetime seconds,
a bound for a test that dies without killing it). Every accepted message is
appended to RECORDS as one JSON object:

    {"mail_from", "rcpt_tos", "mail_options", "data_b64" (the message as
     received, dot-stuffing undone), "data" (the same as UTF-8 text, for
     a quick look), "tls", "auth_login"}

Replies are scripted by the recipient's local part: tempfail@... gets
451 (try later), reject@... gets 550 (never); anything else is accepted.
"""

import argparse
import base64
import json
import os
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class PortZeroController(Controller):
    """A Controller on port 0: learns its port before its self-test."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):
        local = address.split("@", 1)[0]
        if local == "tempfail":
            return "451 4.3.0 Mailbox busy, try again later"
        if local == "reject":
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        login = getattr(session.auth_data, "login", None)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "data_b64": base64.b64encode(envelope.original_content).decode(),
            "data": envelope.original_content.decode("utf-8", "replace"),
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_login": login.decode() if isinstance(login, bytes) else login,
        }
        with self.lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK: queued"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd then answers 535 itself (with the default,
        # True, it answers nothing and the client waits).
        return AuthResult(success=ok, handled=False,
                          auth_data=auth_data if ok else None)
    return authenticate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("records")
    ap.add_argument("--tls", choices=["none", "starttls", "implicit"],
                    default="none")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()

    ctx = None
    if args.tls != "none":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.cert, args.key)
    kwargs = {}
    if args.user:
        kwargs["authenticator"] = make_authenticator(args.user, args.password)
        # aiosmtpd 1.4 knows of TLS only by STARTTLS: on implicit TLS it
        # would never offer AUTH if told to require TLS for it.
        kwargs["auth_require_tls"] = args.tls != "implicit"
    if args.tls == "starttls":
        kwargs["tls_context"] = ctx
        kwargs["require_starttls"] = True
    controller = PortZeroController(
        Recorder(args.records), hostname="127.0.0.1", port=0,
        ssl_context=ctx if args.tls == "implicit" else None, **kwargs)
    controller.start()
    print(controller.port, flush=True)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
