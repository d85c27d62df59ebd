// Web push registration: GET /api/push/vapid-public-key (the key a browser's
// pushManager.subscribe() takes as applicationServerKey), POST
// /api/push/subscriptions (the browser's PushSubscription.toJSON()) and
// DELETE /api/push/subscriptions/:id. notify sends to every subscription of
// the user (services/notify/web_push.hpp) and deletes one its push service
// answers 404 or 410 for.
#include <regex>

#include "context.hpp"
#include "request_body.hpp"
#include "session.hpp"
#include "stocktracker/base/json_escape.hpp"

namespace st::api {
namespace {

constexpr std::size_t kMaxEndpointBytes = 2048;

/// notify POSTs to the endpoint, so it must be a push service out there:
/// https, or plain http to loopback only (a push service fake in tests).
bool endpoint_allowed(std::string_view endpoint) {
  if (endpoint.starts_with("https://")) return endpoint.size() > 8;
  for (std::string_view local : {"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://[::1]:"}) {
    if (endpoint.starts_with(local)) return true;
  }
  return false;
}

/// RFC 8291 keys in base64url: an uncompressed P-256 point (65 bytes, so 87
/// characters starting with 'B' for its 0x04) and a 16-byte auth secret.
bool p256dh_valid(const std::string& key) {
  static const std::regex kPattern("^B[A-Za-z0-9_-]{86}=?$");
  return std::regex_match(key, kPattern);
}
bool auth_valid(const std::string& key) {
  static const std::regex kPattern("^[A-Za-z0-9_-]{22}(==)?$");
  return std::regex_match(key, kPattern);
}

}  // namespace

void add_push_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/push/vapid-public-key", [&ctx](const http::Request&) -> http::Response {
    if (ctx.settings.vapid_public_key.empty()) {
      return http::problem(404, "Web push is not configured", "this server has no VAPID key (VAPID_PUBLIC_KEY)");
    }
    std::string body = "{\"public_key\":";
    append_json_string(body, ctx.settings.vapid_public_key);
    body += "}";
    return http::json(200, std::move(body));
  });

  router.add("POST", "/api/push/subscriptions", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto body = parse_body(req, {"endpoint", "keys", "expirationTime"});
    if (!body) return body.error();
    auto endpoint = string_field(*body, "endpoint", kMaxEndpointBytes);
    if (!endpoint) return endpoint.error();
    if (!endpoint_allowed(*endpoint)) {
      return invalid_field("endpoint", "must be an https:// URL of a push service");
    }
    const auto* keys_value = body->if_contains("keys");
    if (keys_value == nullptr || !keys_value->is_object()) return invalid_field("keys", "must be {p256dh, auth}");
    const auto& keys = keys_value->as_object();
    if (auto unknown = unknown_key(keys, {"p256dh", "auth"})) return invalid_field("keys." + *unknown, "is not allowed");
    auto p256dh = string_field(keys, "p256dh", 100);
    if (!p256dh) return p256dh.error();
    if (!p256dh_valid(*p256dh)) return invalid_field("keys.p256dh", "must be a base64url uncompressed P-256 key");
    auto auth = string_field(keys, "auth", 32);
    if (!auth) return auth.error();
    if (!auth_valid(*auth)) return invalid_field("keys.auth", "must be a base64url 16-byte secret");
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    // One row per endpoint: a browser that subscribes again (new keys, or
    // another user signed in on it) replaces its old row.
    auto row = (*db)->exec(
        "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth) VALUES ($1::bigint, $2, $3, $4) "
        "ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, "
        "auth = EXCLUDED.auth RETURNING id",
        {std::to_string(caller->user_id.value()), *endpoint, *p256dh, *auth});
    if (!row) return database_problem(row.error());
    std::string out = "{\"id\":";
    out += row->get(0, 0);
    out += ",\"endpoint\":";
    append_json_string(out, *endpoint);
    out += "}";
    return http::json(201, std::move(out));
  });

  router.add("DELETE", "/api/push/subscriptions/:id", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    const auto it = req.params.find("id");
    static const std::regex kId("^[0-9]{1,18}$");
    if (it == req.params.end() || !std::regex_match(it->second, kId)) {
      return http::problem(404, "Not found", "no such push subscription");
    }
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    auto deleted = (*db)->exec("DELETE FROM push_subscriptions WHERE id = $1::bigint AND user_id = $2::bigint",
                               {it->second, std::to_string(caller->user_id.value())});
    if (!deleted) return database_problem(deleted.error());
    if (deleted->affected() == 0) return http::problem(404, "Not found", "no such push subscription");
    return http::Response{204, "application/json", "", {}};
  });
}

}  // namespace st::api
