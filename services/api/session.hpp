#pragma once
// Who is calling: the Bearer access token of a request, verified and
// checked against the deny-list of logged-out tokens in Redis.
#include <expected>
#include <optional>
#include <string>

#include "context.hpp"
#include "stocktracker/auth/jwt.hpp"
#include "stocktracker/pg/transaction.hpp"
#include "stocktracker/redis/client.hpp"

namespace st::api {

/// The caller's claims, or a 401 problem (with WWW-Authenticate) when the
/// token is missing, invalid, expired or revoked. When Redis cannot be
/// asked, a token that verifies is accepted (see docs/architecture.md:
/// a revoked token lives at most until its exp, 15 minutes).
std::expected<auth::AccessClaims, http::Response> authenticate(Context& ctx, const http::Request& req);
/// The same for a bare access token (the /ws upgrade takes it from
/// Sec-WebSocket-Protocol).
std::expected<auth::AccessClaims, http::Response> authenticate_token(Context& ctx, std::string_view token);
/// Whether the token `jti` is on the deny-list; false when Redis cannot be
/// asked (fail open, as authenticate).
bool token_revoked(Context& ctx, std::string_view jti);

/// Redis keys of the session state.
std::string refresh_key(std::string_view refresh_token);  // auth:refresh:<sha256> -> user id
std::string revoked_key(std::string_view jti);            // auth:revoked:<jti>

/// A new access token and refresh token for `user`, the refresh token
/// stored in Redis for 30 days; the JSON answer of register, login and
/// refresh around `user_json`.
Result<std::string> start_session(Context& ctx, redis::Client& redis, UserId user, std::string_view user_json);

/// The users row of `user` as JSON (user_json); a 401 problem when the
/// user has been deleted since the token was issued, 503 when the database
/// is down.
std::expected<std::string, http::Response> current_user_json(Context& ctx, UserId user);

/// Begins `tx` on `conn` and locks the user's row (lock_user) for a change
/// of the user's state; a 401 or 503 problem when that fails.
std::optional<http::Response> begin_user_change(pg::Transaction& tx, pg::Connection& conn, UserId user);

/// 503 problem for Redis being unreachable where it is required.
http::Response redis_problem(const Error& error);

}  // namespace st::api
