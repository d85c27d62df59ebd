#!/usr/bin/env python3
"""A local stand-in for Alpha Vantage, Yahoo Finance, News API and FRED, for tests.

It answers the providers' documented requests with the documented response
bodies from fixture files (tests/data/providers/), so the real client code
runs against it, and it can be told to misbehave the way the real services
do: HTTP 429 with Retry-After, Alpha Vantage's HTTP 200 rate-limit bodies
("Note", "Information"), 500, malformed JSON, or a slow answer.

Python 3 standard library only.

    provider_server.py --port 8765 [--fixtures DIR] [--news-url-tag TAG] [--news-pages] [--verbose]

prints "listening on http://127.0.0.1:PORT" once it accepts connections.

Provider endpoints
  GET /query?function=F&symbol=S&apikey=K          Alpha Vantage
      F = GLOBAL_QUOTE | TIME_SERIES_INTRADAY | TIME_SERIES_DAILY answers
      alphavantage/F_S.json; an unknown symbol gets Alpha Vantage's answer
      for it ({"Global Quote": {}} or "Invalid API call"), a missing apikey
      its "apikey is invalid or missing" error, all with HTTP 200.
      F = REAL_GDP | CPI | INFLATION | FEDERAL_FUNDS_RATE | TREASURY_YIELD |
      UNEMPLOYMENT answers alphavantage/F.json ("Invalid API call" without
      one); NEWS_SENTIMENT answers alphavantage/NEWS_SENTIMENT.json (URLs
      tagged as News API's, below); OVERVIEW answers
      alphavantage/OVERVIEW_S.json (for a symbol starting with ZQ, IBM's
      under that symbol and the name "Itest Company S"), or {} for an
      unknown symbol.
  GET /fred/series/observations?series_id=S&api_key=K&file_type=json   FRED
      answers fred/observations_S.json; an unknown series gets 400
      {"error_code": 400, "error_message": "...series does not exist."}, a
      missing api_key its 400 "api_key is not registered" error. The
      request's "symbol" (for faults and /_requests) is the series id.
  GET /v8/finance/chart/S?interval=I&range=R      Yahoo Finance
      answers yahoo/chart_S_I.json; an unknown symbol gets 404 with a
      chart.error "Not Found", an interval without fixture 400 "Bad Request".
  GET /v2/everything?q=Q[&from=T]  and  GET /v2/top-headlines?category=C
      News API: answers newsapi/everything.json or newsapi/top-headlines.json
      (each article URL with "?itest=TAG" appended when --news-url-tag is
      given, so that every test run has articles of its own); without the
      X-Api-Key header (or apiKey parameter) 401 apiKeyMissing; without q
      (everything) or any of country, category, sources, q (top-headlines)
      400 parametersMissing.

News pages (with --news-pages): every news article URL (News API's and
NEWS_SENTIMENT's) points at this server instead, as
/articles/ORIGINAL_HOST/LAST_PATH_SEGMENT (tag appended as above), so that
the scraper can fetch it:
  GET /articles/...   html/wire_article.html (tests/data/html/), whatever the path
  GET /robots.txt     allows everything but /articles/www.thekitchn.com/
  GET /_pages         the paths of the /articles/ and /robots.txt requests so
                      far, oldest first, with their User-Agent, as JSON

Faults, for a provider and optionally one symbol, optionally N times:
  GET /_control?provider=alphavantage|yahoo|newsapi|fred&fault=F[&symbol=S][&times=N]
               [&retry_after=SECONDS][&delay=SECONDS]
      F = 429 | note | information | 401 | 500 | malformed | slow | none
      (News API's 429 and 401 carry its error objects, rateLimited and
      apiKeyInvalid; its requests have no symbol; FRED's 429 carries its
      error object too)
  A provider request may also carry fault=F (with retry_after, delay) for
  itself alone.

Test helpers
  GET /_requests   the provider requests so far, oldest first, as JSON:
                   [{"provider", "symbol", "function", "fault", "status",
                   "t": arrival, Unix seconds, "params"}] (never the API key;
                   "function" is everything or top-headlines for News API)
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

FAULTS = ("429", "note", "information", "401", "500", "malformed", "slow", "none")
PROVIDERS = ("alphavantage", "yahoo", "newsapi", "fred")
AV_FUNCTIONS = ("GLOBAL_QUOTE", "TIME_SERIES_INTRADAY", "TIME_SERIES_DAILY")
NEWS_PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "html", "wire_article.html")
ROBOTS_TXT = "User-agent: *\nDisallow: /articles/www.thekitchn.com/\n"
AV_ECONOMY = ("REAL_GDP", "CPI", "INFLATION", "FEDERAL_FUNDS_RATE", "TREASURY_YIELD", "UNEMPLOYMENT")


class State:
    """Faults and the request log, shared by the handler threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.faults = {}  # (provider, symbol or None) -> {"fault", "times", "retry_after", "delay"}
        self.requests = []
        self.pages = []  # --news-pages: page and robots.txt requests

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
                self.server.state.pages.clear()
            return self.send(200, '{"reset":true}')
        if url.path == "/_requests":
            with self.server.state.lock:
                return self.send(200, json.dumps(self.server.state.requests))
        if url.path == "/_pages":
            with self.server.state.lock:
                return self.send(200, json.dumps(self.server.state.pages))
        if url.path == "/robots.txt" or url.path.startswith("/articles/"):
            return self.news_page(url.path)
        if url.path == "/query":
            return self.provider("alphavantage", params.get("symbol", ""), params, self.alpha_vantage)
        if url.path.startswith("/v8/finance/chart/"):
            symbol = unquote(url.path[len("/v8/finance/chart/"):])
            return self.provider("yahoo", symbol, params, self.yahoo)
        if url.path == "/fred/series/observations":
            return self.provider("fred", params.get("series_id", ""), params, self.fred)
        if url.path in ("/v2/everything", "/v2/top-headlines"):
            params["function"] = url.path[len("/v2/"):]
            return self.provider("newsapi", "", params, self.news_api)
        return self.send(404, '{"error":"no such endpoint"}')

    def control(self, params):
        provider = params.get("provider")
        fault = params.get("fault")
        if provider not in PROVIDERS or fault not in FAULTS:
            return self.send(400, json.dumps({"error": "provider=" + "|".join(PROVIDERS) + "&fault=" + "|".join(FAULTS)}))
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
                 "fault": fault, "status": None, "t": time.time(),
                 "params": {k: v for k, v in params.items() if k.lower() not in ("apikey", "api_key", "fault")}}
        with self.server.state.lock:
            self.server.state.requests.append(entry)

        if fault == "slow":
            time.sleep(rule["delay"])
        if fault == "429" and name == "newsapi":
            entry["status"] = 429
            return self.send(429, self.fixture("newsapi/error_rate_limited.json"), "application/json",
                             {"Retry-After": rule["retry_after"]})
        if fault == "429" and name == "fred":
            entry["status"] = 429
            return self.send(429, self.fixture("fred/error_rate_limit.json"), "application/json",
                             {"Retry-After": rule["retry_after"]})
        if fault == "401" and name == "newsapi":
            entry["status"] = 401
            return self.send(401, self.fixture("newsapi/error_api_key_invalid.json"))
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
        if function in AV_ECONOMY:
            return 200, self.fixture("alphavantage/%s.json" % function) or self.fixture(
                "alphavantage/error_invalid_call.json")
        if function == "NEWS_SENTIMENT":
            body = json.loads(self.fixture("alphavantage/NEWS_SENTIMENT.json"))
            for article in body["feed"]:
                self.tag_url(article)
            return 200, json.dumps(body, indent=2)
        if function == "OVERVIEW":
            body = self.fixture("alphavantage/OVERVIEW_%s.json" % symbol)
            if body is None and symbol.startswith("ZQ"):
                # A test's own company (ZQ...): IBM's overview under its symbol and a name of its own.
                overview = json.loads(self.fixture("alphavantage/OVERVIEW_IBM.json"))
                overview.update({"Symbol": symbol, "Name": "Itest Company " + symbol})
                body = json.dumps(overview)
            return 200, body or self.fixture("alphavantage/overview_unknown.json")
        if function not in AV_FUNCTIONS:
            return 200, self.fixture("alphavantage/error_invalid_call.json")
        body = self.fixture("alphavantage/%s_%s.json" % (function, symbol))
        if body is not None:
            return 200, body
        if function == "GLOBAL_QUOTE":
            return 200, self.fixture("alphavantage/global_quote_unknown.json")
        return 200, self.fixture("alphavantage/error_invalid_call.json")

    def news_api(self, _symbol, params):
        if not (self.headers.get("X-Api-Key") or params.get("apiKey")):
            return 401, self.fixture("newsapi/error_api_key_missing.json")
        everything = params["function"] == "everything"
        if not params.get("q") and (everything or not any(params.get(k) for k in ("country", "category", "sources"))):
            return 400, self.fixture("newsapi/error_parameters_missing.json")
        body = json.loads(self.fixture("newsapi/%s.json" % params["function"]))
        for article in body["articles"]:
            if article["url"] != "https://removed.com":
                self.tag_url(article)
        return 200, json.dumps(body, indent=2)

    def news_page(self, path):
        with self.server.state.lock:
            self.server.state.pages.append({"path": path, "user_agent": self.headers.get("User-Agent", "")})
        if path == "/robots.txt":
            return self.send(200, ROBOTS_TXT, "text/plain")
        with open(NEWS_PAGE, "rb") as f:
            return self.send(200, f.read(), "text/html; charset=utf-8")

    def tag_url(self, article):
        """This run's articles: the same story has the same tagged URL from either news source."""
        if self.server.news_pages:
            original = urlsplit(article["url"])
            article["url"] = "http://127.0.0.1:%d/articles/%s/%s" % (
                self.server.server_address[1], original.hostname, original.path.rstrip("/").rsplit("/", 1)[-1])
        if self.server.news_url_tag:
            article["url"] += ("&" if "?" in article["url"] else "?") + "itest=" + self.server.news_url_tag

    def fred(self, series, params):
        if not params.get("api_key"):
            return 400, self.fixture("fred/error_api_key.json")
        body = self.fixture("fred/observations_%s.json" % series)
        if body is not None:
            return 200, body
        return 400, self.fixture("fred/error_series_missing.json")

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
    parser.add_argument("--news-url-tag", default="", help="appended to News API article URLs as ?itest=TAG")
    parser.add_argument("--news-pages", action="store_true", help="news article URLs point at pages on this server")
    parser.add_argument("--verbose", action="store_true", help="log each request on stderr")
    args = parser.parse_args()

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State()
    server.fixtures = os.path.abspath(args.fixtures)
    server.verbose = args.verbose
    server.news_url_tag = args.news_url_tag
    server.news_pages = args.news_pages
    print("listening on http://%s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
