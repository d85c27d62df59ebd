"""What the HTTP fakes under tests/fakes/ share: a quiet HTTP/1.1 handler
that answers JSON, the query of a request as a dict, and the serve loop
that prints "listening on http://HOST:PORT" once it accepts connections.
Python 3 standard library only."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real services

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj=None, headers=()):
        """`obj` as a JSON body (None: an empty body)."""
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        if obj is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def path_and_query(self):
        url = urlsplit(self.path)
        return url.path, {k: v[0] for k, v in parse_qs(url.query).items()}


def serve(handler, host, port, **attributes):
    """Serves `handler` until interrupted; `attributes` are set on the
    server, where handlers find them as self.server.<name>."""
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.origin = "http://%s:%d" % (host, server.server_address[1])
    for name, value in attributes.items():
        setattr(server, name, value)
    print("listening on %s" % server.origin, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
