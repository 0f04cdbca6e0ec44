#!/usr/bin/python3
"""tests/servers/http_receiver.py: a real HTTP receiver for the webhook tests.

Knows http.server and the JSON-lines record format; nothing of spanport.

    python3 http_receiver.py RECORDS [--lifetime S]

Listens on 127.0.0.1, on a port the kernel picks, prints that port on the
first line of stdout, and exits by itself after --lifetime seconds (120) in
case the test that started it dies without killing it. Every request is
appended to RECORDS, before the answer, as one JSON object:

    {"method", "path", "headers" (names in lower case), "body_b64",
     "body" (the same as UTF-8 text, for a quick look)}

The answer depends on the path (the query is ignored):
    /ok 200, /gone 410, /busy 429 + Retry-After: 7,
    /unavailable 503 + Retry-After as an HTTP-date 120 s ahead,
    /fail 500, /redirect 302 to /ok, /slow 200 after 3 s, else 404.
"""

import argparse
import base64
import email.utils
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECORDS = None
LOCK = threading.Lock()


def retry_after_date():
    return email.utils.formatdate(time.time() + 120, usegmt=True)


ROUTES = {
    "/ok": (200, {}),
    "/gone": (410, {}),
    "/busy": (429, {"Retry-After": lambda: "7"}),
    "/unavailable": (503, {"Retry-After": retry_after_date}),
    "/fail": (500, {}),
    "/redirect": (302, {"Location": lambda: "/ok"}),
    "/slow": (200, {}),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass  # the records are the log

    def record(self, body):
        entry = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body_b64": base64.b64encode(body).decode(),
            "body": body.decode("utf-8", "replace"),
        }
        with LOCK, open(RECORDS, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.record(body)
        path = self.path.split("?", 1)[0]
        status, headers = ROUTES.get(path, (404, {}))
        if path == "/slow":
            time.sleep(3)
        text = b"ok\n" if status == 200 else b"no\n"
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value())
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    do_POST = answer
    do_GET = answer
    do_PUT = answer


def main():
    global RECORDS
    ap = argparse.ArgumentParser()
    ap.add_argument("records")
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()
    RECORDS = args.records
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
