// The caller's notifications: GET /api/notifications (newest first, keyset
// pagination on (created_at, id) behind an opaque cursor, unread filter) and
// PUT /api/notifications/read ({"ids":[...]} or {"all":true}). Every query
// is filtered by the caller's user id.
#include <charconv>

#include "context.hpp"
#include "request_body.hpp"
#include "session.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/time_format.hpp"

namespace st::api {
namespace {

constexpr std::size_t kMaxIds = 1000;

struct Cursor {
  std::int64_t created_us = 0;  // created_at in microseconds since the epoch
  std::int64_t id = 0;
};

/// "<created_us>.<id>" as lower-case hex: opaque to clients, exact for the
/// keyset (microseconds, as PostgreSQL stores timestamptz).
std::string encode_cursor(std::string_view created_us, std::string_view id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string plain(created_us);
  plain.push_back('.');
  plain += id;
  std::string out;
  for (const unsigned char c : plain) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::optional<Cursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() % 2 != 0 || text.size() > 80) return std::nullopt;
  std::string plain;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
    if (ec != std::errc{} || p != text.data() + i + 2) return std::nullopt;
    plain.push_back(static_cast<char>(value));
  }
  const auto dot = plain.find('.');
  if (dot == std::string::npos) return std::nullopt;
  Cursor c;
  const auto number = [](std::string_view s, std::int64_t& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc{} && p == s.data() + s.size();
  };
  if (!number(std::string_view(plain).substr(0, dot), c.created_us) ||
      !number(std::string_view(plain).substr(dot + 1), c.id) || c.id <= 0) {
    return std::nullopt;
  }
  return c;
}

void append_time_or_null(std::string& out, const pg::Rows& rows, int r, int c) {
  if (rows.is_null(r, c)) {
    out += "null";
  } else {
    append_json_string(out, format_iso8601(rows.get_int(r, c)));
  }
}

}  // namespace

void add_notification_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/notifications", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    std::int64_t limit = 20;
    if (auto p = int_param(req, "limit", 1, 100, limit)) return *p;
    std::optional<Cursor> cursor;
    if (auto c = req.query_param("cursor")) {
      cursor = decode_cursor(*c);
      if (!cursor) {
        return http::problem(400, "Invalid query parameter", "cursor is not a cursor of this list", "cursor");
      }
    }
    bool unread = false;
    if (auto u = req.query_param("unread")) {
      if (*u != "true" && *u != "false") {
        return http::problem(400, "Invalid query parameter", "unread must be true or false", "unread");
      }
      unread = *u == "true";
    }
    // One row per alert and channel: ?channel=in_app is the notification
    // centre; the others show how each e-mail, SMS or push went (dead ones
    // with their last_error).
    pg::Param channel;
    if (auto c = req.query_param("channel")) {
      if (*c != "in_app" && *c != "email" && *c != "sms" && *c != "push") {
        return http::problem(400, "Invalid query parameter", "channel must be in_app, email, sms or push", "channel");
      }
      channel = std::string(*c);
    }
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    const pg::Param after_us = cursor ? pg::Param(std::to_string(cursor->created_us)) : std::nullopt;
    const pg::Param after_id = cursor ? pg::Param(std::to_string(cursor->id)) : std::nullopt;
    auto rows = (*db)->exec(
        "SELECT id, alert_id, channel, status, title, body, payload::text, "
        "       (extract(epoch FROM read_at) * 1000)::bigint, (extract(epoch FROM created_at) * 1000)::bigint, "
        "       (extract(epoch FROM sent_at) * 1000)::bigint, "
        "       ((extract(epoch FROM created_at) * 1000000)::numeric)::bigint, attempts, last_error "
        "FROM notifications "
        "WHERE user_id = $1::bigint AND (NOT $2::boolean OR read_at IS NULL) AND ($6::text IS NULL OR channel = $6) "
        "  AND ($3::bigint IS NULL OR (created_at, id) < "
        "       (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::bigint)) "
        "ORDER BY created_at DESC, id DESC LIMIT $5::int",
        {std::to_string(caller->user_id.value()), unread ? "true" : "false", after_us, after_id,
         std::to_string(limit + 1), channel});
    if (!rows) return database_problem(rows.error());
    const int shown = std::min<int>(rows->size(), static_cast<int>(limit));
    std::string body = "{\"items\":[";
    for (int i = 0; i < shown; ++i) {
      if (i > 0) body.push_back(',');
      body += "{\"id\":";
      body += rows->get(i, 0);
      body += ",\"alert_id\":";
      append_json_string(body, rows->get(i, 1));
      body += ",\"channel\":";
      append_json_string(body, rows->get(i, 2));
      body += ",\"status\":";
      append_json_string(body, rows->get(i, 3));
      body += ",\"title\":";
      append_json_string(body, rows->get(i, 4));
      body += ",\"body\":";
      append_json_string(body, rows->get(i, 5));
      body += ",\"payload\":";
      body += rows->get(i, 6);  // jsonb text is JSON
      body += ",\"read\":";
      body += rows->is_null(i, 7) ? "false" : "true";
      body += ",\"read_at\":";
      append_time_or_null(body, *rows, i, 7);
      body += ",\"created_at\":";
      append_time_or_null(body, *rows, i, 8);
      body += ",\"sent_at\":";
      append_time_or_null(body, *rows, i, 9);
      body += ",\"attempts\":";
      body += rows->get(i, 11);
      body += ",\"last_error\":";
      if (rows->is_null(i, 12)) {
        body += "null";
      } else {
        append_json_string(body, rows->get(i, 12));
      }
      body.push_back('}');
    }
    body += "],\"next_cursor\":";
    if (rows->size() > shown && shown > 0) {
      append_json_string(body, encode_cursor(rows->get(shown - 1, 10), rows->get(shown - 1, 0)));
    } else {
      body += "null";
    }
    body += "}";
    return http::json(200, std::move(body));
  });

  router.add("PUT", "/api/notifications/read", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto body = parse_body(req, {"ids", "all"});
    if (!body) return body.error();
    const auto* ids = body->if_contains("ids");
    const auto* all = body->if_contains("all");
    if ((ids == nullptr) == (all == nullptr)) return invalid_field("ids", "give ids or all (one of them)");
    std::string id_array = "{";
    if (all != nullptr) {
      if (!all->is_bool() || !all->as_bool()) return invalid_field("all", "must be true");
    } else {
      if (!ids->is_array() || ids->as_array().empty() || ids->as_array().size() > kMaxIds) {
        return invalid_field("ids", "must be an array of 1 to 1000 notification ids");
      }
      for (const auto& v : ids->as_array()) {
        if (!v.is_int64() || v.as_int64() <= 0) return invalid_field("ids", "must hold positive integers");
        if (id_array.size() > 1) id_array.push_back(',');
        id_array += std::to_string(v.as_int64());
      }
    }
    id_array += "}";
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    auto updated = (*db)->exec(
        "UPDATE notifications SET read_at = now() "
        "WHERE user_id = $1::bigint AND read_at IS NULL AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[]))",
        {std::to_string(caller->user_id.value()), all != nullptr ? pg::Param() : pg::Param(id_array)});
    if (!updated) return database_problem(updated.error());
    return http::json(200, "{\"updated\":" + std::to_string(updated->affected()) + "}");
  });
}

}  // namespace st::api
