#include <array>
#include <atomic>
#include <thread>

#include "beast_pch.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/http/http.hpp"
#include "stocktracker/http/websocket.hpp"
#include "ws_session.hpp"

namespace st::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(30);

void parse_query(std::string_view q, Request& req) {
  while (!q.empty()) {
    const auto amp = q.find('&');
    const auto pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = url_decode(pair.substr(0, eq), true);
    auto value = url_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (key && value) req.query.emplace(std::move(*key), std::move(*value));
  }
}

/// One HTTP connection: read a request, route it, write the answer, repeat
/// while keep-alive. Lives as long as a handler holds its shared_ptr.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Router& router, const ServerOptions& options,
          const std::vector<WsEndpoint>& websockets)
      : stream_(std::move(socket)), router_(router), options_(options), websockets_(websockets) {
    // The peer of a connection does not change: asked once, not per request.
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_address_ = peer.address().to_string();
  }

  void run() { asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); }); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(options_.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit));
    stream_.expires_after(kIdleTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return close();
    }
    if (ec == bhttp::error::body_limit) {
      return send(problem(413, "Payload Too Large", "the body exceeds " + std::to_string(options_.body_limit) +
                                                        " bytes"),
                  false, 11);
    }
    if (ec == bhttp::error::header_limit) {
      return send(problem(431, "Request Header Fields Too Large", "headers exceed the limit"), false, 11);
    }
    if (ec) return send(problem(400, "Bad Request", "malformed HTTP request"), false, 11);

    auto msg = parser_->release();
    Request req;
    req.method = std::string(msg.method_string());
    const std::string_view target = msg.target();
    const auto qpos = target.find('?');
    auto path = url_decode(target.substr(0, qpos), false);
    const bool keep_alive = msg.keep_alive();
    const unsigned version = msg.version();
    if (!path) return send(problem(400, "Bad Request", "malformed percent-encoding in path"), false, version);
    req.path = std::move(*path);
    if (qpos != std::string_view::npos) parse_query(target.substr(qpos + 1), req);
    for (const auto& field : msg) req.headers.emplace_back(field.name_string(), field.value());
    req.body = std::move(msg.body());
    req.remote_address = remote_address_;

    for (const auto& endpoint : websockets_) {
      if (endpoint.path != req.path) continue;
      if (!beast::websocket::is_upgrade(msg)) {
        return send(problem(426, "Upgrade Required", "this path is a WebSocket endpoint"), keep_alive, version);
      }
      std::expected<WsAccept, Response> decision = std::unexpected(Response{});
      try {
        decision = endpoint.upgrade(req);
      } catch (const std::exception& e) {
        log::error("websocket upgrade threw", {{"path", req.path}, {"error", e.what()}});
        decision = std::unexpected(problem(500, "Internal Server Error", "unexpected error"));
      }
      if (!decision) return send(std::move(decision.error()), false, version);
      return detail::start_websocket(std::move(stream_), std::move(msg), endpoint.limits, std::move(*decision));
    }

    Response res;
    try {
      res = router_.dispatch(req);
    } catch (const std::exception& e) {
      log::error("handler threw", {{"path", req.path}, {"error", e.what()}});
      res = problem(500, "Internal Server Error", "unexpected error");
    }
    if (req.method == "HEAD") res.body.clear();
    send(std::move(res), keep_alive, version);
  }

  /// Writes the answer as its head (built here, into a buffer the
  /// connection reuses) and its body, in one gathered write: Beast's
  /// serializer and its per-field allocations were a tenth of the CPU of
  /// an in-memory endpoint. The head is what Beast wrote: set() semantics
  /// (a header of the handler's replaces an earlier one of the same name),
  /// Content-Length except on 1xx/204/304, Connection as keep-alive asks.
  void send(Response res, bool keep_alive, unsigned version) {
    head_.clear();
    head_ += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head_ += std::to_string(res.status);
    head_ += ' ';
    head_ += bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
    head_ += "\r\n";
    const std::array<std::pair<std::string_view, std::string_view>, 3> fixed{{
        {"Server", "stocktracker"}, {"Content-Type", res.content_type}, {"X-Content-Type-Options", "nosniff"}}};
    const auto replaced = [&res](std::string_view name, std::size_t from) {
      for (std::size_t i = from; i < res.headers.size(); ++i) {
        if (beast::iequals(res.headers[i].first, name)) return true;
      }
      return false;
    };
    const auto add = [this](std::string_view name, std::string_view value) {
      // A line break would split the head (response splitting): such a
      // header is dropped, never written.
      if (name.find_first_of("\r\n:") != std::string_view::npos || value.find_first_of("\r\n") != std::string_view::npos) {
        log::warn("header with a line break dropped", {{"header", name}});
        return;
      }
      head_ += name;
      head_ += ": ";
      head_ += value;
      head_ += "\r\n";
    };
    for (const auto& [name, value] : fixed) {
      if (!replaced(name, 0)) add(name, value);
    }
    for (std::size_t i = 0; i < res.headers.size(); ++i) {
      const auto& [name, value] = res.headers[i];
      // Framing is the server's: from the body, not from a handler.
      if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
          beast::iequals(name, "Connection") || replaced(name, i + 1)) {
        continue;
      }
      add(name, value);
    }
    const bool bodiless = res.status / 100 == 1 || res.status == 204 || res.status == 304;
    if (bodiless) {
      res.body.clear();
    } else {
      head_ += "Content-Length: ";
      head_ += std::to_string(res.body.size());
      head_ += "\r\n";
    }
    if (version == 10 && keep_alive) head_ += "Connection: keep-alive\r\n";
    if (version != 10 && !keep_alive) head_ += "Connection: close\r\n";
    head_ += "\r\n";
    body_ = std::move(res.body);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(stream_, buffers, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  std::string remote_address_;
  std::string head_;  // the answer being written: its head and its body
  std::string body_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  const Router& router_;
  const ServerOptions& options_;
  const std::vector<WsEndpoint>& websockets_;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Router router;
  std::vector<WsEndpoint> websockets;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
        log::warn("accept failed", {{"error", ec.message()}});
      } else {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), router, options, websockets)->run();
      }
      accept();
    });
  }
};

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, Router router) {
  return start(options, std::move(router), {});
}

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, Router router,
                                              std::vector<WsEndpoint> websockets) {
  std::unique_ptr<Server> server(new Server());
  server->impl_ = std::make_unique<Impl>();
  auto& impl = *server->impl_;
  impl.options = options;
  impl.router = std::move(router);
  impl.websockets = std::move(websockets);
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.host, ec);
  if (ec) return fail(Errc::kInvalidInput, "API_HOST: not an IP address: " + options.host);
  const tcp::endpoint endpoint(address, options.port);
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail(Errc::kUnavailable, "cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                                        ec.message());
  }
  impl.accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl.threads.emplace_back([&impl] { impl.ioc.run(); });
  }
  return server;
}

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

Server::~Server() {
  if (impl_) stop();
}

}  // namespace st::http
