#!/usr/bin/env python3
"""A local Web Push service (RFC 8030) for tests.

It plays both the push service and the browser: it makes a subscription's
keys (P-256 key pair and auth secret) and keeps the private key, checks the
VAPID authorization of each push (RFC 8292: an ES256 JWT whose aud is this
origin, unexpired, signed by the key in k=), decrypts the aes128gcm body
(RFC 8291/8188) and keeps the plaintext. Needs python3-cryptography.

    push_server.py --port 8767

prints "listening on http://127.0.0.1:PORT" once it accepts connections.

  POST /push/{name}   a push: 201 Created, or 404 for an unknown name, 410
                      for an unsubscribed one, 400 for a bad encryption,
                      401/403 for a bad VAPID authorization
Test helpers
  GET /_subscribe?name=N      a new subscription: {"endpoint", "p256dh", "auth"}
  GET /_control?name=N&status=S[&times=K][&retry_after=SECONDS]
                              answer S (410, 404, 429, 500...) to N's next K
                              pushes (default: all); status=none clears it
  GET /_messages              the accepted pushes, oldest first:
                              [{"name", "payload", "ttl", "urgency", "vapid_sub", "t"}]
  GET /_counts                pushes answered, by name and status
"""

import argparse
import base64
import json
import os
import struct
import threading
import time

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from json_http import JsonHandler, serve


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def decrypt(body, private_key, auth):
    """RFC 8291 §3.4 as a user agent does it; raises on any mismatch."""
    salt, rs, idlen = body[:16], struct.unpack(">I", body[16:20])[0], body[20]
    as_public = body[21:21 + idlen]
    ciphertext = body[21 + idlen:]
    if idlen != 65 or rs < 18 or len(ciphertext) > rs:
        raise ValueError("bad aes128gcm header")
    sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
    shared = private_key.exchange(ec.ECDH(), sender)
    ua_public = private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    ikm = hkdf(auth, shared, b"WebPush: info\x00" + ua_public + as_public, 32)
    cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
    end = padded.rstrip(b"\x00")
    if not end.endswith(b"\x02"):
        raise ValueError("not the last record")
    return end[:-1].decode("utf-8")


def check_vapid(header, origin):
    """Returns the JWT's sub, or raises ValueError (RFC 8292 §2, §3)."""
    if not header.startswith("vapid "):
        raise ValueError("not a vapid authorization")
    params = dict(p.strip().split("=", 1) for p in header[6:].split(","))
    token, key = params["t"], params["k"]
    head_b64, claims_b64, sig_b64 = token.split(".")
    head = json.loads(unb64u(head_b64))
    claims = json.loads(unb64u(claims_b64))
    if head.get("alg") != "ES256":
        raise ValueError("alg is not ES256")
    if claims.get("aud") != origin:
        raise ValueError("aud %r is not %r" % (claims.get("aud"), origin))
    exp = claims.get("exp", 0)
    if not time.time() < exp <= time.time() + 24 * 3600:
        raise ValueError("exp out of range")
    sig = unb64u(sig_b64)
    if len(sig) != 64:
        raise ValueError("signature is not r||s")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(key))
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        public.verify(der, ("%s.%s" % (head_b64, claims_b64)).encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("bad signature")
    return claims.get("sub")


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.subscriptions = {}  # name -> (private key, auth)
        self.faults = {}         # name -> {"status", "times", "retry_after"}
        self.messages = []
        self.counts = {}


class Handler(JsonHandler):
    def do_GET(self):
        state = self.server.state
        path, q = self.path_and_query()
        with state.lock:
            if path == "/_subscribe":
                key = ec.generate_private_key(ec.SECP256R1())
                auth = os.urandom(16)
                state.subscriptions[q["name"]] = (key, auth)
                public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
                return self.reply(200, {"endpoint": "%s/push/%s" % (self.server.origin, q["name"]),
                                        "p256dh": b64u(public), "auth": b64u(auth)})
            if path == "/_control":
                if q.get("status", "none") == "none":
                    state.faults.pop(q["name"], None)
                else:
                    state.faults[q["name"]] = {"status": int(q["status"]),
                                               "times": int(q["times"]) if "times" in q else None,
                                               "retry_after": q.get("retry_after", "1")}
                return self.reply(200, {})
            if path == "/_messages":
                return self.reply(200, state.messages)
            if path == "/_counts":
                return self.reply(200, state.counts)
        self.reply(404, {"error": "not found"})

    def answer(self, name, status, obj=None, headers=()):
        with self.server.state.lock:
            per = self.server.state.counts.setdefault(name, {})
            per[str(status)] = per.get(str(status), 0) + 1
        self.reply(status, obj, headers)

    def do_POST(self):
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        path, _ = self.path_and_query()
        if not path.startswith("/push/"):
            return self.reply(404, {"error": "not found"})
        name = path[len("/push/"):]
        with state.lock:
            sub = state.subscriptions.get(name)
            fault = state.faults.get(name)
            if fault is not None and fault["times"] is not None:
                fault["times"] -= 1
                if fault["times"] <= 0:
                    del state.faults[name]
        if fault is not None:
            headers = [("Retry-After", fault["retry_after"])] if fault["status"] == 429 else []
            return self.answer(name, fault["status"], {"error": "fault"}, headers)
        if sub is None:
            return self.answer(name, 404, {"error": "no such subscription"})
        try:
            vapid_sub = check_vapid(self.headers.get("Authorization", ""), self.server.origin)
        except (ValueError, KeyError) as e:
            return self.answer(name, 401, {"error": "vapid: %s" % e})
        if self.headers.get("Content-Encoding") != "aes128gcm" or "TTL" not in self.headers:
            return self.answer(name, 400, {"error": "needs Content-Encoding: aes128gcm and TTL"})
        try:
            payload = decrypt(body, sub[0], sub[1])
        except (ValueError, InvalidTag, IndexError, struct.error) as e:
            return self.answer(name, 400, {"error": "cannot decrypt: %r" % e})
        with state.lock:
            state.messages.append({"name": name, "payload": payload, "ttl": self.headers.get("TTL"),
                                   "urgency": self.headers.get("Urgency"), "vapid_sub": vapid_sub,
                                   "t": time.time()})
        self.answer(name, 201, None, [("Location", "%s/message/%d" % (self.server.origin, len(state.messages)))])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    serve(Handler, args.host, args.port, state=State())


if __name__ == "__main__":
    main()
