// POST /api/auth/register, POST /api/auth/login, GET /api/auth/verify,
// POST /api/auth/refresh, POST /api/auth/logout.
//
// Sessions: a 15-minute HS256 access token (stateless) and a 30-day
// refresh token (32 random bytes) stored in Redis under its SHA-256, used
// once: refresh takes it with GETDEL and hands out a new pair. Logout puts
// the access token's jti on a deny-list until the token expires and drops
// the refresh token. Login and register are rate limited per IP address
// and per e-mail, failing closed when Redis is down.
#include <chrono>

#include "context.hpp"
#include "rate_limit.hpp"
#include "request_body.hpp"
#include "session.hpp"
#include "stocktracker/auth/jwt.hpp"
#include "stocktracker/auth/password.hpp"
#include "stocktracker/auth/tokens.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/redis/pool.hpp"
#include "user_store.hpp"

namespace st::api {
namespace {

using namespace std::chrono_literals;

constexpr RateLimit kRegisterLimit{"register", 5, 60s};
constexpr RateLimit kLoginLimit{"login", 5, 60s};
constexpr std::size_t kMaxDisplayNameChars = 100;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// The shape users.email accepts: one '@' with text on both sides, no
/// spaces or control characters, 3 to 254 bytes.
bool valid_email(std::string_view e) {
  const auto at = e.find('@');
  if (e.size() < 3 || e.size() > 254 || at == 0 || at == std::string_view::npos || at + 1 == e.size() ||
      e.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return std::none_of(e.begin(), e.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

std::expected<std::string, http::Response> email_field(const boost::json::object& body) {
  auto email = string_field(body, "email", 254);
  if (email && !valid_email(*email)) return std::unexpected(invalid_field("email", "is not an e-mail address"));
  return email;
}

std::expected<std::string, http::Response> password_field(const boost::json::object& body) {
  auto password = string_field(body, "password", 4096);
  if (!password) return password;
  if (auto st = auth::check_password(*password); !st) {
    // The message names the field itself ("password: must be at most 72 bytes ...").
    return std::unexpected(http::problem(400, "Invalid request body", st.error().message, "password"));
  }
  return password;
}

std::expected<pg::Param, http::Response> display_name_field(const boost::json::object& body) {
  const auto* v = body.if_contains("display_name");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) return std::unexpected(invalid_field("display_name", "must be a string or null"));
  const auto& s = v->as_string();
  // Characters, not bytes (the parser has checked the UTF-8).
  const auto chars =
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  if (chars < 1 || chars > static_cast<std::ptrdiff_t>(kMaxDisplayNameChars)) {
    return std::unexpected(invalid_field("display_name", "must be 1 to 100 characters"));
  }
  return pg::Param(std::string(s));
}

/// A bcrypt hash no password matches, so that an unknown e-mail costs the
/// same time as a wrong password and the answer time tells nothing.
const std::string& dummy_hash() {
  static const std::string hash = auth::hash_password(auth::random_token(24)).value_or("$2b$12$invalid");
  return hash;
}

http::Response invalid_credentials() {
  return http::problem(401, "Unauthorized", "invalid e-mail or password");
}

}  // namespace

void add_auth_routes(http::Router& router, Context& ctx) {
  router.add("POST", "/api/auth/register", [&ctx](const http::Request& req) -> http::Response {
    auto redis = ctx.redis.acquire();
    if (!redis) return redis_problem(redis.error());
    if (auto limited = over_limit(**redis, kRegisterLimit, "ip:" + req.remote_address)) return *limited;
    auto body = parse_body(req, {"email", "password", "display_name"});
    if (!body) return body.error();
    auto email = email_field(*body);
    if (!email) return email.error();
    auto password = password_field(*body);
    if (!password) return password.error();
    auto display_name = display_name_field(*body);
    if (!display_name) return display_name.error();
    if (auto limited = over_limit(**redis, kRegisterLimit, "email:" + lower_ascii(*email))) return *limited;

    auto hash = auth::hash_password(*password);
    if (!hash) {
      log::error("password hashing failed", {{"error", hash.error().message}});
      return http::problem(500, "Internal Server Error", "could not hash the password");
    }
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    auto rows = (*db)->exec("INSERT INTO users (email, password_hash, display_name) VALUES ($1, $2, $3) "
                            "ON CONFLICT DO NOTHING RETURNING " + std::string(kUserColumns),
                            {*email, *hash, *display_name});
    if (!rows) return database_problem(rows.error());
    if (rows->size() == 0) return http::problem(409, "Conflict", "email: is already registered", "email");
    auto session = start_session(ctx, **redis, UserId(rows->get_int(0, 0)), user_json(*rows, 0));
    if (!session) return redis_problem(session.error());
    return http::json(201, std::move(*session));
  });

  router.add("POST", "/api/auth/login", [&ctx](const http::Request& req) -> http::Response {
    auto redis = ctx.redis.acquire();
    if (!redis) return redis_problem(redis.error());
    if (auto limited = over_limit(**redis, kLoginLimit, "ip:" + req.remote_address)) return *limited;
    auto body = parse_body(req, {"email", "password"});
    if (!body) return body.error();
    auto email = string_field(*body, "email", 254);
    if (!email) return email.error();
    auto password = password_field(*body);
    if (!password) return password.error();
    if (auto limited = over_limit(**redis, kLoginLimit, "email:" + lower_ascii(*email))) return *limited;

    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    auto rows = (*db)->exec("SELECT " + std::string(kUserColumns) + ", password_hash FROM users "
                            "WHERE lower(email) = lower($1)",
                            {*email});
    if (!rows) return database_problem(rows.error());
    const bool found = rows->size() == 1;
    auto match = auth::verify_password(*password, found ? rows->get(0, 6) : std::string_view(dummy_hash()));
    if (!match) log::error("stored password hash unusable", {{"error", match.error().message}});
    if (!found || !match || !*match) return invalid_credentials();
    auto session = start_session(ctx, **redis, UserId(rows->get_int(0, 0)), user_json(*rows, 0));
    if (!session) return redis_problem(session.error());
    return http::json(200, std::move(*session));
  });

  router.add("GET", "/api/auth/verify", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto user = current_user_json(ctx, caller->user_id);
    if (!user) return user.error();
    return http::json(200, "{\"user\":" + *user + ",\"expires_at\":" + std::to_string(caller->expires_at) + "}");
  });

  router.add("POST", "/api/auth/refresh", [&ctx](const http::Request& req) -> http::Response {
    auto body = parse_body(req, {"refresh_token"});
    if (!body) return body.error();
    auto token = string_field(*body, "refresh_token", 128);
    if (!token) return token.error();
    auto redis = ctx.redis.acquire();
    if (!redis) return redis_problem(redis.error());
    // Taken and deleted in one step: of two requests with the same token,
    // one gets it and the other gets nothing.
    auto owner = (*redis)->getdel(refresh_key(*token));
    if (!owner) return redis_problem(owner.error());
    if (!*owner) {
      return http::problem(401, "Unauthorized", "refresh_token: is invalid, expired or already used",
                           "refresh_token");
    }
    const UserId user(std::strtoll(owner->value().c_str(), nullptr, 10));
    auto user_text = current_user_json(ctx, user);
    if (!user_text) return user_text.error();
    auto session = start_session(ctx, **redis, user, *user_text);
    if (!session) return redis_problem(session.error());
    return http::json(200, std::move(*session));
  });

  router.add("POST", "/api/auth/logout", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto body = parse_body(req, {"refresh_token"}, false);
    if (!body) return body.error();
    std::optional<std::string> refresh;
    if (body->contains("refresh_token")) {
      auto token = string_field(*body, "refresh_token", 128);
      if (!token) return token.error();
      refresh = std::move(*token);
    }
    auto redis = ctx.redis.acquire();
    if (!redis) return redis_problem(redis.error());
    // Denied for as long as verify would still accept the token.
    const std::int64_t ttl = caller->expires_at + auth::kClockSkewSeconds - ctx.clock.now_ms() / 1000;
    if (ttl > 0) {
      if (auto st = (*redis)->set(revoked_key(caller->jti), "1", std::chrono::seconds(ttl)); !st) {
        return redis_problem(st.error());
      }
    }
    if (refresh) {
      // Only the caller's own refresh token is dropped; another user's is
      // left alone without saying so.
      const std::string key = refresh_key(*refresh);
      auto owner = (*redis)->get(key);
      if (!owner) return redis_problem(owner.error());
      if (*owner == std::to_string(caller->user_id.value())) {
        if (auto st = (*redis)->del(key); !st) return redis_problem(st.error());
      }
    }
    http::Response res;
    res.status = 204;
    return res;
  });
}

}  // namespace st::api
