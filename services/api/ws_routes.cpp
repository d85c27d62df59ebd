#include "ws_routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "session.hpp"
#include "stocktracker/auth/tokens.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/redis/pool.hpp"
#include "ws_protocol.hpp"

namespace st::api {
namespace {

constexpr std::size_t kTicketBytes = 32;
constexpr std::string_view kBearerProtocol = "bearer";

std::shared_ptr<const std::string> frame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

/// One connection's messages. Runs on the connection's strand.
class ClientHandler final : public http::WsSessionHandler {
 public:
  ClientHandler(WsHub& hub, const Clock& clock, const WsPolicy& policy, WsClient client)
      : hub_(hub), clock_(clock), policy_(policy), client_(std::move(client)), flood_(policy.messages_per_second) {}

  void on_open(const std::shared_ptr<http::WsConnection>& connection) override {
    connection_ = connection;
    id_ = hub_.attach(connection, client_);
  }

  void on_text(std::string_view message) override {
    auto connection = connection_.lock();
    if (!connection) return;
    if (!flood_.allow(clock_.now_ms())) {
      return connection->close(http::CloseCode::kPolicy, "message rate limit exceeded");
    }
    auto parsed = ws::parse_client_message(message);
    if (!parsed) {
      if (++invalid_ > policy_.invalid_messages) {
        return connection->close(http::CloseCode::kPolicy, "too many invalid messages");
      }
      return connection->send(frame(ws::error_frame(parsed.error())));
    }
    switch (parsed->type) {
      case ws::ClientMessage::Type::kSubscribe: {
        auto symbols = hub_.subscribe(id_, parsed->symbols);
        if (!symbols) {
          return connection->send(frame(ws::error_frame(
              {"too_many_symbols", fmt::format("at most {} symbols per connection", ws::kMaxSymbols)})));
        }
        return connection->send(frame(ws::subscribed_frame(*symbols)));
      }
      case ws::ClientMessage::Type::kUnsubscribe:
        return connection->send(frame(ws::subscribed_frame(hub_.unsubscribe(id_, parsed->symbols))));
      case ws::ClientMessage::Type::kPing:
        return connection->send(frame(ws::pong_frame(parsed->id)));
    }
  }

  void on_close() override { hub_.detach(id_); }

 private:
  WsHub& hub_;
  const Clock& clock_;
  const WsPolicy& policy_;
  WsClient client_;
  ws::FloodGuard flood_;
  int invalid_ = 0;
  ConnId id_ = 0;
  std::weak_ptr<http::WsConnection> connection_;  // it owns this handler
};

/// The comma-separated items of Sec-WebSocket-Protocol, trimmed.
std::vector<std::string_view> offered_protocols(std::string_view header) {
  std::vector<std::string_view> out;
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

/// The page was served by this server (the dashboard on the API's port):
/// the Origin's host[:port] is the Host the browser connected to.
bool same_origin(std::string_view origin, std::string_view host) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (origin.starts_with(scheme)) {
      const auto rest = origin.substr(scheme.size());
      return !host.empty() && std::equal(rest.begin(), rest.end(), host.begin(), host.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      });
    }
  }
  return false;
}

http::Response unauthorized(std::string_view detail) { return http::problem(401, "Unauthorized", detail); }

/// "<user id>:<exp>:<jti>", the value stored under a ticket's key.
std::expected<WsClient, http::Response> redeem_ticket(Context& ctx, std::string_view ticket) {
  auto redis = ctx.redis.acquire();
  if (!redis) return std::unexpected(redis_problem(redis.error()));
  auto value = (*redis)->getdel(ticket_key(ticket));  // single use: a second upgrade finds nothing
  if (!value) return std::unexpected(redis_problem(value.error()));
  if (!*value) return std::unexpected(unauthorized("the ticket is unknown, expired or already used"));
  const std::string_view v = **value;
  const auto c1 = v.find(':');
  const auto c2 = c1 == std::string_view::npos ? c1 : v.find(':', c1 + 1);
  std::int64_t user = 0;
  WsClient client;
  if (c2 == std::string_view::npos ||
      std::from_chars(v.data(), v.data() + c1, user).ptr != v.data() + c1 ||
      std::from_chars(v.data() + c1 + 1, v.data() + c2, client.expires_at).ptr != v.data() + c2) {
    log::error("malformed websocket ticket record");
    return std::unexpected(unauthorized("the ticket is invalid"));
  }
  client.user = UserId(user);
  client.jti = std::string(v.substr(c2 + 1));
  if (client.expires_at <= ctx.clock.now_ms() / 1000) {
    return std::unexpected(unauthorized("the token the ticket was issued for has expired"));
  }
  if (token_revoked(ctx, client.jti)) return std::unexpected(unauthorized("the session was logged out"));
  return client;
}

WsClient client_of(const auth::AccessClaims& claims) { return {claims.user_id, claims.jti, claims.expires_at}; }

std::expected<http::WsAccept, http::Response> decide(Context& ctx, WsHub& hub, const WsPolicy& policy,
                                                     const http::Request& req) {
  // Browsers always send Origin; a page on another site must not ride on
  // its visitor's credentials. Non-browser clients send none and are
  // authenticated like any API client.
  if (const auto origin = req.header("Origin")) {
    const auto& allowed = ctx.settings.ws_allowed_origins;
    if (!same_origin(*origin, req.header("Host").value_or("")) &&
        std::find(allowed.begin(), allowed.end(), *origin) == allowed.end()) {
      return std::unexpected(http::problem(403, "Forbidden", "this Origin may not open the WebSocket"));
    }
  }
  http::WsAccept accept;
  std::expected<WsClient, http::Response> client = std::unexpected(
      unauthorized("an access token (Sec-WebSocket-Protocol: bearer, <token>) or a ticket (?ticket=) is required"));
  const auto protocols = offered_protocols(req.header("Sec-WebSocket-Protocol").value_or(""));
  const auto bearer = std::find(protocols.begin(), protocols.end(), kBearerProtocol);
  if (bearer != protocols.end()) {
    if (bearer + 1 == protocols.end()) return std::unexpected(unauthorized("the token must follow \"bearer\""));
    auto claims = authenticate_token(ctx, *(bearer + 1));
    if (!claims) return std::unexpected(std::move(claims.error()));
    client = client_of(*claims);
    accept.subprotocol = kBearerProtocol;  // the protocol name only, never the token
  } else if (const auto ticket = req.query_param("ticket")) {
    client = redeem_ticket(ctx, *ticket);
  } else if (req.header("Authorization")) {
    auto claims = authenticate(ctx, req);
    if (!claims) return std::unexpected(std::move(claims.error()));
    client = client_of(*claims);
  }
  if (!client) return std::unexpected(std::move(client.error()));
  accept.handler = std::make_shared<ClientHandler>(hub, ctx.clock, policy, std::move(*client));
  return accept;
}

}  // namespace

std::string ticket_key(std::string_view ticket) { return "ws:ticket:" + auth::token_digest(ticket); }

void add_ws_ticket_route(http::Router& router, Context& ctx, const WsPolicy& policy) {
  router.add("POST", "/api/ws/ticket", [&ctx, &policy](const http::Request& req) {
    auto claims = authenticate(ctx, req);
    if (!claims) return std::move(claims.error());
    auto redis = ctx.redis.acquire();
    if (!redis) return redis_problem(redis.error());
    const std::string ticket = auth::random_token(kTicketBytes);
    const std::string value = fmt::format("{}:{}:{}", claims->user_id.value(), claims->expires_at, claims->jti);
    if (auto st = (*redis)->set(ticket_key(ticket), value, policy.ticket_lifetime); !st) {
      return redis_problem(st.error());
    }
    auto res = http::json(201, fmt::format(R"({{"ticket":"{}","expires_in":{}}})", ticket,
                                           policy.ticket_lifetime.count()));
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });
}

http::WsEndpoint ws_endpoint(Context& ctx, WsHub& hub, const WsPolicy& policy) {
  return {"/ws", [&ctx, &hub, &policy](const http::Request& req) { return decide(ctx, hub, policy, req); },
          policy.limits};
}

}  // namespace st::api
