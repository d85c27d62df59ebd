#!/usr/bin/env python3
"""A local stand-in for Alpha Vantage and Yahoo Finance, for tests.

It answers the providers' documented requests with the documented response
bodies from fixture files (tests/data/providers/), so the real client code
runs against it, and it can be told to misbehave the way the real services
do: HTTP 429 with Retry-After, Alpha Vantage's HTTP 200 rate-limit bodies
("Note", "Information"), 500, malformed JSON, or a slow answer.

Python 3 standard library only.

    provider_server.py --port 8765 [--fixtures DIR] [--verbose]

prints "listening on http://127.0.0.1:PORT" once it accepts connections.

Provider endpoints
  GET /query?function=F&symbol=S&apikey=K          Alpha Vantage
      F = GLOBAL_QUOTE | TIME_SERIES_INTRADAY | TIME_SERIES_DAILY answers
      alphavantage/F_S.json; an unknown symbol gets Alpha Vantage's answer
      for it ({"Global Quote": {}} or "Invalid API call"), a missing apikey
      its "apikey is invalid or missing" error, all with HTTP 200.
  GET /v8/finance/chart/S?interval=I&range=R      Yahoo Finance
      answers yahoo/chart_S_I.json; an unknown symbol gets 404 with a
      chart.error "Not Found", an interval without fixture 400 "Bad Request".

Faults, for a provider and optionally one symbol, optionally N times:
  GET /_control?provider=alphavantage|yahoo&fault=F[&symbol=S][&times=N]
               [&retry_after=SECONDS][&delay=SECONDS]
      F = 429 | note | information | 500 | malformed | slow | none
  A provider request may also carry fault=F (with retry_after, delay) for
  itself alone.

Test helpers
  GET /_requests   the provider requests so far, oldest first, as JSON:
                   [{"provider", "symbol", "function", "fault", "status",
                   "t": arrival, Unix seconds}] (never the API key)
  GET /_reset      forget every fault and request
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

FAULTS = ("429", "note", "information", "500", "malformed", "slow", "none")
AV_FUNCTIONS = ("GLOBAL_QUOTE", "TIME_SERIES_INTRADAY", "TIME_SERIES_DAILY")


class State:
    """Faults and the request log, shared by the handler threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.faults = {}  # (provider, symbol or None) -> {"fault", "times", "retry_after", "delay"}
        self.requests = []

    def take_fault(self, provider, symbol):
        with self.lock:
            for key in ((provider, symbol), (provider, None)):
                rule = self.faults.get(key)
                if rule is None:
                    continue
                if rule["times"] is not None:
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        del self.faults[key]
                return dict(rule)
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real services
    server_version = "provider-fake/1"

    # ------------------------------------------------------------ plumbing
    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("provider_server: " + (fmt % args) + "\n")

    def fixture(self, name):
        path = os.path.join(self.server.fixtures, name)
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def send(self, status, body, content_type="application/json", headers=None):
        if isinstance(body, str):
            body = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    # ------------------------------------------------------------- routing
    def do_GET(self):
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path == "/_control":
            return self.control(params)
        if url.path == "/_reset":
            with self.server.state.lock:
                self.server.state.faults.clear()
                self.server.state.requests.clear()
            return self.send(200, '{"reset":true}')
        if url.path == "/_requests":
            with self.server.state.lock:
                return self.send(200, json.dumps(self.server.state.requests))
        if url.path == "/query":
            return self.provider("alphavantage", params.get("symbol", ""), params, self.alpha_vantage)
        if url.path.startswith("/v8/finance/chart/"):
            symbol = unquote(url.path[len("/v8/finance/chart/"):])
            return self.provider("yahoo", symbol, params, self.yahoo)
        return self.send(404, '{"error":"no such endpoint"}')

    def control(self, params):
        provider = params.get("provider")
        fault = params.get("fault")
        if provider not in ("alphavantage", "yahoo") or fault not in FAULTS:
            return self.send(400, json.dumps({"error": "provider=alphavantage|yahoo&fault=" + "|".join(FAULTS)}))
        key = (provider, params.get("symbol"))
        with self.server.state.lock:
            if fault == "none":
                self.server.state.faults.pop(key, None)
            else:
                self.server.state.faults[key] = {
                    "fault": fault,
                    "times": int(params["times"]) if "times" in params else None,
                    "retry_after": params.get("retry_after", "1"),
                    "delay": float(params.get("delay", "5")),
                }
        return self.send(200, json.dumps({"provider": provider, "symbol": key[1], "fault": fault}))

    def provider(self, name, symbol, params, answer):
        rule = self.server.state.take_fault(name, symbol)
        if "fault" in params:
            rule = {"fault": params["fault"], "retry_after": params.get("retry_after", "1"),
                    "delay": float(params.get("delay", "5"))}
        fault = rule["fault"] if rule else None
        entry = {"provider": name, "symbol": symbol, "function": params.get("function", params.get("interval")),
                 "fault": fault, "status": None, "t": time.time()}
        with self.server.state.lock:
            self.server.state.requests.append(entry)

        if fault == "slow":
            time.sleep(rule["delay"])
        if fault == "429":
            entry["status"] = 429
            return self.send(429, self.fixture("yahoo/too_many_requests.txt") or b"Too Many Requests\r\n",
                             "text/plain", {"Retry-After": rule["retry_after"]})
        if fault == "500":
            entry["status"] = 500
            return self.send(500, "<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html")
        if fault == "note" and name == "alphavantage":
            entry["status"] = 200
            return self.send(200, self.fixture("alphavantage/note.json"))
        if fault == "information" and name == "alphavantage":
            entry["status"] = 200
            return self.send(200, self.fixture("alphavantage/information_daily_limit.json"))

        status, body = answer(symbol, params)
        if fault == "malformed":
            body = body[: len(body) // 2]  # cut mid-document: not JSON any more
        entry["status"] = status
        return self.send(status, body)

    # ------------------------------------------------------------ answers
    def alpha_vantage(self, symbol, params):
        if not params.get("apikey"):
            return 200, self.fixture("alphavantage/error_apikey.json")
        function = params.get("function", "")
        if function not in AV_FUNCTIONS:
            return 200, self.fixture("alphavantage/error_invalid_call.json")
        body = self.fixture("alphavantage/%s_%s.json" % (function, symbol))
        if body is not None:
            return 200, body
        if function == "GLOBAL_QUOTE":
            return 200, self.fixture("alphavantage/global_quote_unknown.json")
        return 200, self.fixture("alphavantage/error_invalid_call.json")

    def yahoo(self, symbol, params):
        interval = params.get("interval", "1d")
        body = self.fixture("yahoo/chart_%s_%s.json" % (symbol, interval))
        if body is not None:
            return 200, body
        if any(name.startswith("chart_%s_" % symbol) for name in os.listdir(os.path.join(self.server.fixtures, "yahoo"))):
            return 400, self.fixture("yahoo/error_bad_request.json")
        return 404, self.fixture("yahoo/error_not_found.json")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--fixtures", default=os.path.join(here, "..", "data", "providers"))
    parser.add_argument("--verbose", action="store_true", help="log each request on stderr")
    args = parser.parse_args()

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State()
    server.fixtures = os.path.abspath(args.fixtures)
    server.verbose = args.verbose
    print("listening on http://%s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
