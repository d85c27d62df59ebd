#include "session.hpp"

#include <fmt/format.h>

#include <cctype>

#include "api_metrics.hpp"
#include "stocktracker/auth/tokens.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/redis/pool.hpp"
#include "user_store.hpp"

namespace st::api {
namespace {

constexpr std::chrono::seconds kRefreshLifetime = std::chrono::hours(24 * 30);
constexpr std::size_t kRefreshTokenBytes = 32;

http::Response user_gone() { return http::problem(401, "Unauthorized", "the user no longer exists"); }

http::Response unauthorized(std::string_view detail, bool token_given) {
  auto res = http::problem(401, "Unauthorized", detail);
  res.headers.emplace_back("WWW-Authenticate",
                           token_given ? R"(Bearer realm="stocktracker", error="invalid_token")"
                                       : R"(Bearer realm="stocktracker")");
  return res;
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string refresh_key(std::string_view refresh_token) { return "auth:refresh:" + auth::token_digest(refresh_token); }
std::string revoked_key(std::string_view jti) { return "auth:revoked:" + std::string(jti); }

std::expected<std::string, http::Response> current_user_json(Context& ctx, UserId user) {
  auto db = ctx.db.acquire();
  if (!db) return std::unexpected(database_problem(db.error()));
  auto found = find_user_json(**db, user);
  if (!found) return std::unexpected(database_problem(found.error()));
  if (!*found) return std::unexpected(user_gone());
  return std::move(**found);
}

std::optional<http::Response> begin_user_change(pg::Transaction& tx, pg::Connection& conn, UserId user) {
  if (auto st = tx.begin(); !st) return database_problem(st.error());
  if (auto st = lock_user(conn, user); !st) {
    return st.error().code == Errc::kNotFound ? user_gone() : database_problem(st.error());
  }
  return std::nullopt;
}

http::Response redis_problem(const Error& error) {
  log::error("redis error", {{"error", error.message}});
  count_dependency_error(Dependency::kRedis);
  return http::problem(503, "Service Unavailable", "the session store is not available; retry later");
}

std::expected<auth::AccessClaims, http::Response> authenticate(Context& ctx, const http::Request& req) {
  const auto header = req.header("Authorization");
  if (!header) return std::unexpected(unauthorized("an Authorization: Bearer access token is required", false));
  if (!iequals_prefix(*header, "bearer ")) {
    return std::unexpected(unauthorized("the Authorization header must be: Bearer <access token>", true));
  }
  return authenticate_token(ctx, header->substr(7));
}

std::expected<auth::AccessClaims, http::Response> authenticate_token(Context& ctx, std::string_view token) {
  auto claims = ctx.tokens.verify(token);
  if (!claims) return std::unexpected(unauthorized(claims.error().message, true));
  if (token_revoked(ctx, claims->jti)) {
    return std::unexpected(unauthorized("token has been revoked (logged out)", true));
  }
  return std::move(*claims);
}

bool token_revoked(Context& ctx, std::string_view jti) {
  Result<bool> revoked = false;
  if (auto redis = ctx.redis.acquire()) {
    revoked = (*redis)->exists(revoked_key(jti));
  } else {
    revoked = std::unexpected(redis.error());
  }
  if (!revoked) {
    // Fail open: only login, register, refresh and logout need Redis.
    log::warn("token revocation not checked: redis unavailable", {{"error", revoked.error().message}});
    return false;
  }
  return *revoked;
}

Result<std::string> start_session(Context& ctx, redis::Client& redis, UserId user, std::string_view user_json) {
  auto access = ctx.tokens.issue(user);
  if (!access) return std::unexpected(access.error());
  const std::string refresh = auth::random_token(kRefreshTokenBytes);
  if (auto st = redis.set(refresh_key(refresh), std::to_string(user.value()), kRefreshLifetime); !st) {
    return std::unexpected(st.error());
  }
  return fmt::format(R"({{"user":{},"access_token":"{}","token_type":"Bearer","expires_in":{},"refresh_token":"{}"}})",
                     user_json, access->token, auth::kAccessTokenSeconds, refresh);
}

}  // namespace st::api
