#!/usr/bin/env python3
"""A local SMTP server for tests (aiosmtpd, Debian's python3-aiosmtpd).

It accepts every message and keeps it, so a test can read what notify sent
exactly as a mail server received it. The recipient's local part picks a
fault, the way a real server answers:

    ...reject...@    550 5.1.1 at RCPT (permanent)
    ...tempfail...@  451 4.3.0 at RCPT, always (transient)
    ...flaky...@     451 4.3.0 at RCPT for the first 2 tries of the address

AUTH PLAIN/LOGIN is offered without TLS (loopback only) and accepts
--user/--password; a wrong password gets 535.

    smtp_server.py --port 2525 --control-port 8025 [--user U --password P] [--delay S]

prints "listening on 127.0.0.1:PORT" once both ports accept connections.

Control (HTTP on --control-port)
  GET /_messages  every accepted message, oldest first, as JSON:
                  [{"mail_from", "rcpt_tos", "login", "data", "t"}]
  GET /_reset     forget them
"""

import argparse
import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.tries = {}  # address -> RCPT attempts


class MailHandler:
    def __init__(self, store, delay):
        self.store = store
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        with self.store.lock:
            self.store.tries[address] = self.store.tries.get(address, 0) + 1
            tries = self.store.tries[address]
        if "reject" in local:
            return "550 5.1.1 <%s>: recipient unknown" % address
        if "tempfail" in local or ("flaky" in local and tries <= 2):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        login = None
        if session.auth_data is not None:
            login = session.auth_data.login.decode("utf-8", "replace")
        with self.store.lock:
            self.store.messages.append({
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "login": login,
                "data": envelope.original_content.decode("utf-8", "replace"),
                "t": time.time(),
            })
        return "250 2.0.0 accepted"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, auth_data=auth_data if ok else None, handled=False)


class Control(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        store = self.server.store
        if self.path == "/_messages":
            with store.lock:
                body = json.dumps(store.messages).encode()
        elif self.path == "/_reset":
            with store.lock:
                store.messages.clear()
                store.tries.clear()
            body = b"{}"
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--control-port", type=int, required=True)
    parser.add_argument("--user", default="itest")
    parser.add_argument("--password", default="itest-pass")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before accepting DATA")
    args = parser.parse_args()

    store = Store()
    controller = Controller(
        MailHandler(store, args.delay), hostname=args.host, port=args.port,
        authenticator=Authenticator(args.user, args.password), auth_require_tls=False)
    controller.start()
    control = ThreadingHTTPServer((args.host, args.control_port), Control)
    control.daemon_threads = True
    control.store = store
    print("listening on %s:%d" % (args.host, args.port), flush=True)
    try:
        control.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
