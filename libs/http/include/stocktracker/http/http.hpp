#pragma once
// A small HTTP/1.1 server on Boost.Beast: a router of (method, path pattern)
// to handlers that take and return plain values, so route code never sees
// Beast. Handlers run on the server's thread pool and may block briefly
// (database queries); keep them short.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stocktracker/base/error.hpp"

namespace st::http {

struct Request {
  std::string method;  // "GET"
  std::string path;    // "/api/companies/1/prices" (decoded)
  std::map<std::string, std::string, std::less<>> query;
  std::map<std::string, std::string, std::less<>> params;  // from ":name" segments
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the peer's IP address ("127.0.0.1"); no proxy header is trusted
  std::string route;           // the matched route's pattern ("/api/companies/:id/prices"); "" when none matched
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  [[nodiscard]] std::optional<std::string_view> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// application/problem+json (RFC 9457) with the offending field, if any.
Response problem(int status, std::string_view title, std::string_view detail, std::string_view field = {});
Response json(int status, std::string body);

using Handler = std::function<Response(const Request&)>;

/// Runs around routing: may answer by itself (a CORS preflight) or call
/// `next` and change or observe its answer (headers, metrics).
using Next = std::function<Response(Request&)>;
using Middleware = std::function<Response(Request&, const Next& next)>;

class Router {
 public:
  /// `pattern` segments starting with ':' capture into Request::params.
  void add(std::string method, std::string pattern, Handler handler);
  /// Middleware runs in the order added, the first outermost.
  void use(Middleware middleware);
  /// Routes a request through the middleware; 404/405 problems when
  /// nothing matches.
  [[nodiscard]] Response dispatch(Request& request) const;

  struct RouteInfo {
    std::string method;   // "GET"
    std::string pattern;  // "/api/companies/:id/prices"
  };
  /// Every route added, in the order added.
  [[nodiscard]] std::vector<RouteInfo> routes() const;

 private:
  [[nodiscard]] Response match_route(Request& request) const;
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::vector<Middleware> middleware_;
};

struct WsEndpoint;  // websocket.hpp

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: pick a free port
  int threads = 2;
  std::size_t body_limit = 1 << 20;
  std::size_t header_limit = 16 << 10;
};

/// Owns the listening socket, the io_context and its threads.
class Server {
 public:
  static Result<std::unique_ptr<Server>> start(const ServerOptions& options, Router router);
  /// The same, with WebSocket endpoints (websocket.hpp) upgraded on the same port.
  static Result<std::unique_ptr<Server>> start(const ServerOptions& options, Router router,
                                               std::vector<WsEndpoint> websockets);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  [[nodiscard]] std::uint16_t port() const;
  /// Stops accepting, closes connections, joins the threads.
  void stop();

 private:
  Server() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Percent-decodes a URL component ('+' is a space in queries); nullopt on
/// a malformed escape.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);

}  // namespace st::http
