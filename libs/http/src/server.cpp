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
      : stream_(std::move(socket)), router_(router), options_(options), websockets_(websockets) {}

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
    beast::error_code peer_ec;
    const auto peer = stream_.socket().remote_endpoint(peer_ec);
    if (!peer_ec) req.remote_address = peer.address().to_string();

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

  void send(Response res, bool keep_alive, unsigned version) {
    auto msg = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(res.status), version);
    msg->set(bhttp::field::server, "stocktracker");
    msg->set(bhttp::field::content_type, res.content_type);
    msg->set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : res.headers) msg->set(k, v);
    msg->keep_alive(keep_alive);
    msg->body() = std::move(res.body);
    msg->prepare_payload();
    bhttp::async_write(stream_, *msg, [self = shared_from_this(), msg](beast::error_code ec, std::size_t) {
      if (ec || !msg->keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
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
