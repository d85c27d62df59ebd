#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

One valid input per message type or endpoint (the shapes our encoders and
clients write), plus a few near misses. Targets whose first byte selects a
reader get that byte in front. Rerun after changing a schema; the output is
committed, so `make fuzz` needs no Python. JWT seeds are HS256 tokens for the
fixed secret and clock of jwt_fuzz.cpp.
"""
import base64
import hashlib
import hmac
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"

TICK = '{"v":1,"symbol":"AAPL","price":189.25,"volume":300,"ts":1700000000000,"source":"simulator","currency":"USD"}'
NEWS = ('{"v":1,"id":"0123456789abcdef0123456789abcdef","url":"https://example.com/news/1",'
        '"title":"Apple beats estimates","summary":"","source":"Reuters","published_ts":1700000000000,"symbols":["AAPL"]}')
SCORED = NEWS[:-1] + ',"sentiment":0.75,"label":"positive"}'
INDICATOR = ('{"v":1,"id":"CPI:2024-05-01","indicator":"CPI","period":"2024-05-01","value":313.2,"unit":"index",'
             '"source":"fred","released_ts":1717000000000}')


def candle(start, end):
    return (f'{{"v":1,"symbol":"AAPL","start_ts":{start},"end_ts":{end},"open":189.25,"high":190.5,'
            '"low":188.75,"close":190,"volume":1200,"vwap":189.6,"ticks":4,"final":true}')


ALERT = ('{"v":1,"alert_id":"u7:r12:AAPL:1700000000000","user_id":7,"rule_id":12,"kind":"price_above","symbol":"AAPL",'
         '"company_name":"Apple Inc.","sector":"Technology","price":201.5,"reference_price":199.5,"change_pct":1.0025,'
         '"threshold":200,"event_ts":1700000000000,"message":"AAPL rose above 200","sentiment":0.25}')
NOTIFICATION = ('{"v":1,"notification_id":42,"user_id":7,"alert_id":"u7:r12:AAPL:1700000000000","channel":"email",'
                '"status":"sent","title":"AAPL above 200","body":"AAPL rose above 200","created_ts":1700000000123}')
PREFERENCES = ('{"v":1,"user_id":7,"tracked":["AAPL","MSFT"],"channels":{"email":true,"sms":false,"push":false,"in_app":true},'
               '"price_change_threshold":5,"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"Europe/Paris"},'
               '"rules":[{"id":12,"symbol":"AAPL","kind":"price_above","params":{"price":200},"repeat_mode":"repeat",'
               '"cooldown_seconds":300,"state":"active"},{"id":13,"symbol":null,"kind":"indicator_threshold",'
               '"params":{"indicator":"CPI","above":4},"repeat_mode":"once","cooldown_seconds":0,"state":"fired"}],'
               '"deleted":false}')
# Rule parameters per kind, in RuleKind order (docs/architecture.md, "Alert rule kinds").
RULE_PARAMS = [
    '{"price":200}', '{"price":150.5}', '{"threshold_pct":5,"direction":"down"}',
    '{"threshold_pct":2,"window_minutes":15,"direction":"both"}', '{"factor":3,"lookback_candles":12}',
    '{"fast":50,"slow":200,"ma":"ema","direction":"up"}', '{"threshold":0.6,"direction":"negative"}',
    '{"sentiment":0.5,"drop_pct":3,"window_minutes":60}', '{"indicator":"CPI","threshold":4,"direction":"above"}',
]

# 2023-11-14 and 2023-11-15 00:00 New York (EST, UTC-5).
NY_MIDNIGHT = 1699938000000
DAY_MS = 86_400_000


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header: dict, claims: dict, secret: bytes) -> str:
    signing = b64(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64(json.dumps(claims, separators=(",", ":")).encode())
    return signing + "." + b64(hmac.new(secret, signing.encode(), hashlib.sha256).digest())


def seeds():
    now = 1_700_000_000
    secret = b"fuzz-secret-0123456789abcdef-32b"
    claims = {"iss": "stocktracker", "aud": "stocktracker-api", "sub": "42", "jti": "0123456789abcdef0123456789abcdef",
              "iat": now - 60, "exp": now + 840}
    hs256 = {"alg": "HS256", "typ": "JWT"}
    # Even first byte: the token as sent; odd: header and claims the target signs.
    def raw(token):
        return b"\x00" + token.encode()

    def to_sign(header, body):
        return b"\x01" + json.dumps(header, separators=(",", ":")).encode() + b"\n" + \
            json.dumps(body, separators=(",", ":")).encode()

    yield "jwt", "signed_valid", to_sign(hs256, claims)
    yield "jwt", "signed_alg_none", to_sign({"alg": "none"}, claims)
    yield "jwt", "signed_nbf_aud_array", to_sign(hs256, {**claims, "aud": ["x", "stocktracker-api"], "nbf": now})
    yield "jwt", "signed_no_exp", to_sign(hs256, {k: v for k, v in claims.items() if k != "exp"})
    yield "jwt", "valid", raw(jwt(hs256, claims, secret))
    yield "jwt", "aud_array_nbf", raw(jwt({"alg": "HS256"}, {**claims, "aud": ["x", "stocktracker-api"], "nbf": now}, secret))
    yield "jwt", "expired", raw(jwt(hs256, {**claims, "exp": now - 3600}, secret))
    yield "jwt", "wrong_secret", raw(jwt(hs256, claims, b"another-secret-0123456789abcdef!"))
    yield "jwt", "alg_none", raw(b64(b'{"alg":"none"}') + "." + b64(json.dumps(claims).encode()) + ".")

    yield "tick", "encoded", TICK
    yield "tick", "integer_price", TICK.replace("189.25", "189")
    yield "tick", "reordered_spaced", '{ "symbol": "MSFT", "v": 1, "ts": 1700000000000, "price": 1e2, "volume": 0, ' \
        '"currency": "EUR", "source": "sim\\u0075lator" }'
    yield "tick", "unknown_field", TICK[:-1] + ',"extra":true}'

    for i, (name, text) in enumerate([("news", NEWS), ("scored", SCORED), ("indicator", INDICATOR),
                                      ("candle_5m", candle(1700000100000, 1700000400000)),
                                      ("candle_1h", candle(1699999200000, 1700002800000)),
                                      ("candle_1d", candle(NY_MIDNIGHT, NY_MIDNIGHT + DAY_MS))]):
        yield "market_messages", name, bytes([i]) + text.encode()

    yield "alert_messages", "alert", b"\x00" + ALERT.encode()
    yield "alert_messages", "notification", b"\x01" + NOTIFICATION.encode()
    yield "alert_messages", "preferences", b"\x02" + PREFERENCES.encode()
    for k, params in enumerate(RULE_PARAMS):
        yield "alert_messages", f"params_{k}", bytes([3 + 4 * k]) + params.encode()

    bodies = [
        ("register", '{"email":"ann@example.com","password":"correct horse battery","display_name":"Ann \u00e9"}'),
        ("login", '{"email":"ann@example.com","password":"correct horse battery"}'),
        ("refresh", '{"refresh_token":"' + "a" * 43 + '"}'),
        ("logout", ""),
        ("preferences", '{"channels":{"email":true,"sms":true,"push":false,"in_app":true},"price_change_threshold":2.5,'
                        '"phone":"+14155550123","quiet_hours":{"start":"22:00","end":"07:00","time_zone":"America/New_York"}}'),
        ("alert_rule", '{"symbol":"AAPL","kind":"ma_cross","params":{"fast":5,"slow":20},"repeat_mode":"once",'
                       '"cooldown_seconds":600}'),
        ("notifications_read", '{"ids":[1,2,3]}'),
        ("push", '{"endpoint":"https://push.example.com/x","keys":{"p256dh":"BNcR","auth":"tBHI"},"expirationTime":null}'),
    ]
    for i, (name, body) in enumerate(bodies):
        yield "api_bodies", name, bytes([i]) + body.encode()
    yield "api_bodies", "privileged_field", b"\x00" + b'{"email":"a@b.c","password":"x","role":"admin"}'

    yield "ws_client_message", "subscribe", '{"type":"subscribe","symbols":["AAPL","MSFT","BRK.B"]}'
    yield "ws_client_message", "unsubscribe", '{"type":"unsubscribe","symbols":["AAPL"]}'
    yield "ws_client_message", "ping", '{"type":"ping","id":"42"}'

    for i, target in enumerate(["/api/companies/AAPL/prices?limit=5&interval=5m&from=2024-01-01%2009%3A30",
                                "/api/alerts/rules/12", "/api/companies/track/BRK%2EB", "/api/push/subscriptions/7",
                                "/api/companies?q=apple+inc"]):
        yield "http_target", f"target_{i}", bytes([i]) + target.encode()

    yield "replay_csv", "yahoo", b"\x01" + (
        "\ufeffDate,Open,High,Low,Close,Adj Close,Volume\r\n2024-01-02,187.15,188.44,183.89,185.64,185.4,82488700\r\n"
        "2024-01-03,184.22,185.88,183.43,184.25,184.01,58414500\r\n").encode()
    yield "replay_csv", "nasdaq", b"\x03" + b'Date,Close/Last,Volume,Open,High,Low\n01/03/2024,"$184.25",58414460,$184.22,$185.88,$183.43\n'
    yield "replay_csv", "long", b"\x02" + (
        "symbol,timestamp,price,volume,currency\nAAPL,2024-01-02T09:30:00-05:00,185.5,100,USD\n"
        "MSFT,1704205800000,370.1,5,USD\nAAPL,2024-01-02 09:31:00.250,185.6,,USD\n\"BRK.B\",1704205860,360,1,\"USD\"\n").encode()
    yield "replay_csv", "bad_rows", b"\x05" + b'Datetime,Close\n2024-01-02 10:00,abc\n"unterminated\n2024-13-40,1\n'


def push_seeds():
    # RFC 8291's example user agent key and auth secret, and endpoints like the push services'.
    ua = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    auth = "BTBZMqHH6r4Tts7J_aSIgg"
    yield "push_subscription", "fcm", f"{ua}\n{auth}\nhttps://fcm.googleapis.com/fcm/send/abc:def"
    yield "push_subscription", "mozilla", f"{ua}\n{auth}\nhttps://updates.push.services.mozilla.com:443/wpush/v2/gAAAA"
    yield "push_subscription", "not_a_point", f"{ua[:-4]}AAAA\n{auth}\nhttp://[::1]:8080/push"


def main():
    if ROOT.exists():
        shutil.rmtree(ROOT)
    for target, name, data in [*seeds(), *push_seeds()]:
        path = ROOT / target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)


if __name__ == "__main__":
    main()
