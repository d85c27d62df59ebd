#!/usr/bin/env python3
"""A local stand-in for Twilio's Messages API, for tests.

Python 3 standard library only. It speaks the documented formats:

  POST /2010-04-01/Accounts/{AccountSid}/Messages.json
      form-encoded To, From, Body; HTTP basic auth AccountSid:AuthToken.
      201 with a message resource {"sid": "SM...", "status": "queued", ...};
      errors as Twilio's error object {"code", "message", "more_info",
      "status"}: 401/20003 bad credentials, 404/20404 another account,
      400/21211 a To that is not E.164, 400/21604 no Body,
      400/21606 a From that is not the account's (--from).

    twilio_server.py --port 8766 --sid AC... --token T --from +15005550006

prints "listening on http://127.0.0.1:PORT" once it accepts connections.

Faults, for the next N message requests (default: all):
  GET /_control?fault=429|500|400&times=N&retry_after=SECONDS
      429 is Twilio's 20429 "Too Many Requests" with Retry-After
  GET /_control?fault=none

Test helpers
  GET /_messages  the accepted messages, oldest first:
                  [{"sid", "to", "from", "body", "t"}]
  GET /_requests  count of message requests answered, by status: {"201": n, ...}
  GET /_reset     forget faults, messages and counts
"""

import argparse
import base64
import re
import threading
import time
import uuid
from urllib.parse import parse_qs

from json_http import JsonHandler, serve

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")


def twilio_error(code, message, status):
    return {"code": code, "message": message,
            "more_info": "https://www.twilio.com/docs/errors/%d" % code, "status": status}


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.fault = None  # {"fault", "times", "retry_after"}
        self.messages = []
        self.counts = {}


class Handler(JsonHandler):
    def do_GET(self):
        state = self.server.state
        path, q = self.path_and_query()
        with state.lock:
            if path == "/_messages":
                return self.reply(200, state.messages)
            if path == "/_requests":
                return self.reply(200, state.counts)
            if path == "/_reset":
                state.fault, state.messages, state.counts = None, [], {}
                return self.reply(200, {})
            if path == "/_control":
                fault = q.get("fault", "none")
                state.fault = None if fault == "none" else {
                    "fault": fault,
                    "times": int(q["times"]) if "times" in q else None,
                    "retry_after": q.get("retry_after", "1"),
                }
                return self.reply(200, {})
        self.reply(404, twilio_error(20404, "The requested resource was not found", 404))

    def answer(self, status, obj, headers=()):
        with self.server.state.lock:
            key = str(status)
            self.server.state.counts[key] = self.server.state.counts.get(key, 0) + 1
        self.reply(status, obj, headers)

    def do_POST(self):
        state = self.server.state
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode("utf-8", "replace")
        m = PATH.match(self.path_and_query()[0])
        if not m:
            return self.answer(404, twilio_error(20404, "The requested resource was not found", 404))
        expected = "Basic " + base64.b64encode(
            ("%s:%s" % (self.server.sid, self.server.token)).encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self.answer(401, twilio_error(20003, "Authenticate", 401))
        if m.group(1) != self.server.sid:
            return self.answer(404, twilio_error(20404, "The requested resource was not found", 404))
        with state.lock:
            fault = state.fault
            if fault is not None and fault["times"] is not None:
                fault["times"] -= 1
                if fault["times"] <= 0:
                    state.fault = None
        if fault is not None:
            if fault["fault"] == "429":
                return self.answer(429, twilio_error(20429, "Too Many Requests", 429),
                                   [("Retry-After", fault["retry_after"])])
            if fault["fault"] == "500":
                return self.answer(500, twilio_error(20500, "Internal Server Error", 500))
            if fault["fault"] == "400":
                return self.answer(400, twilio_error(21610, "Attempt to send to unsubscribed recipient", 400))
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not E164.match(to):
            return self.answer(400, twilio_error(21211, "The 'To' number %s is not a valid phone number." % to, 400))
        if sender != self.server.sender:
            return self.answer(400, twilio_error(
                21606, "The From phone number %s is not a valid, SMS-capable inbound phone number "
                "or short code for your account." % sender, 400))
        if not body:
            return self.answer(400, twilio_error(21604, "A 'Body' is required.", 400))
        sid = "SM" + uuid.uuid4().hex
        with state.lock:
            state.messages.append({"sid": sid, "to": to, "from": sender, "body": body, "t": time.time()})
        self.answer(201, {"sid": sid, "account_sid": self.server.sid, "to": to, "from": sender, "body": body,
                          "status": "queued", "num_segments": "1", "direction": "outbound-api",
                          "error_code": None, "error_message": None,
                          "uri": "/2010-04-01/Accounts/%s/Messages/%s.json" % (self.server.sid, sid)})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sid", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--from", dest="sender", required=True)
    args = parser.parse_args()
    serve(Handler, args.host, args.port, state=State(), sid=args.sid, token=args.token, sender=args.sender)


if __name__ == "__main__":
    main()
