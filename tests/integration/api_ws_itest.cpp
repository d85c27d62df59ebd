// `stocktracker api`'s WebSocket /ws against the real Kafka and Redis, with
// a Beast client: a tick produced to Kafka arrives, an alert reaches its
// user and no other, the handshake refuses a foreign Origin and bad,
// expired or missing credentials, tickets are single-use, and the limits
// close with the documented codes (1009 oversized, 1008 flood and repeated
// invalid messages, 4401 logout). A client that stops reading is dropped
// while the server's memory stays bounded.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>

#include <deque>
#include <fstream>
#include <thread>

#include "api_fixture.hpp"
#include "harness.hpp"
#include "stocktracker/auth/jwt.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::itest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

const std::string kSecret = "itest-ws-secret-0123456789-abcdefghijklmn";  // 41 bytes
const std::string kAllowedOrigin = "http://localhost:5173";               // WS_ALLOWED_ORIGINS default

std::string servers() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return b != nullptr ? b : "127.0.0.1:9092";
}

/// A Beast WebSocket client driven from the test's thread: a read is
/// always pending, and it advances only while the test waits on it (read,
/// await, send), so a client the test does not wait on reads nothing, like
/// a stalled browser tab.
class WsClient {
 public:
  struct Options {
    std::string target = "/ws";
    std::string origin = kAllowedOrigin;  // empty: no Origin header
    std::string protocols;                // Sec-WebSocket-Protocol, e.g. "bearer, <token>"
    int receive_buffer = 0;               // SO_RCVBUF before connecting (0: the default)
  };

  /// The handshake's HTTP status: 101 when upgraded.
  int connect(std::uint16_t port, const Options& o) {
    beast::error_code ec;
    ws_.next_layer().open(tcp::v4(), ec);
    if (o.receive_buffer > 0) ws_.next_layer().set_option(asio::socket_base::receive_buffer_size(o.receive_buffer));
    ws_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return -1;
    ws_.set_option(websocket::stream_base::decorator([o](websocket::request_type& req) {
      if (!o.origin.empty()) req.set(beast::http::field::origin, o.origin);
      if (!o.protocols.empty()) req.set(beast::http::field::sec_websocket_protocol, o.protocols);
    }));
    ws_.read_message_max(1 << 20);
    ws_.handshake(response_, "127.0.0.1:" + std::to_string(port), o.target, ec);  // Host, as a browser sends it
    if (!ec) read_next();
    return static_cast<int>(response_.result_int());
  }

  [[nodiscard]] std::string response_header(beast::http::field f) const { return std::string(response_[f]); }

  bool send(const std::string& text) {
    bool done = false;
    beast::error_code result;
    ws_.text(true);
    ws_.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    while (!done && ioc_.run_one_for(10s) > 0) {
    }
    return done && !result;
  }

  /// The next text message, or nullopt when the connection ended (see
  /// close_code()) or nothing came within `timeout`.
  std::optional<std::string> read(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (inbox_.empty() && !ended_ && std::chrono::steady_clock::now() < deadline) {
      ioc_.run_one_until(deadline);
    }
    if (inbox_.empty()) return std::nullopt;
    auto m = std::move(inbox_.front());
    inbox_.pop_front();
    return m;
  }

  /// Reads until a message of `type` for which `match` holds; nullopt when
  /// the connection ends or `timeout` passes first.
  std::optional<boost::json::object> await(const std::string& type, std::chrono::milliseconds timeout,
                                           const std::function<bool(const boost::json::object&)>& match = {}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      auto m = read(left);
      if (!m) return std::nullopt;
      boost::system::error_code ec;
      auto v = boost::json::parse(*m, ec);
      if (ec || !v.is_object()) continue;
      const auto& o = v.as_object();
      if (o.contains("type") && o.at("type") == type.c_str() && (!match || match(o))) return o;
    }
  }

  /// Reads (discarding) until the server closes; its close code, or -1
  /// when the connection ended otherwise or `timeout` passed.
  int await_close(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && read(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                              deadline - std::chrono::steady_clock::now()))) {
    }
    return close_code_;
  }

  [[nodiscard]] int close_code() const { return close_code_; }
  [[nodiscard]] bool ended() const { return ended_; }

 private:
  void read_next() {
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      if (ec) {
        ended_ = true;
        if (ec == websocket::error::closed) close_code_ = static_cast<int>(ws_.reason().code);
        return;
      }
      inbox_.push_back(beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      read_next();
    });
  }

  asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_{ioc_};
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;
  bool ended_ = false;
  int close_code_ = -1;
};

std::size_t rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6));
  }
  return 0;
}

class ApiWs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_.start(unique_tag(), "WS", "WebSocket test ", kSecret);
    auto p = kafka::Producer::create(servers(), {{"linger.ms", "5"}});
    ASSERT_TRUE(p);
    producer_ = std::move(*p);
  }

  static void TearDownTestSuite() {
    producer_.reset();
    server_.stop_and_clean();
  }

  static WsClient::Options bearer_options(const Session& s) {
    WsClient::Options o;
    o.protocols = "bearer, " + s.access;
    return o;
  }

  /// A client of `s` that followed `symbols` (nullptr with a failure otherwise).
  static std::unique_ptr<WsClient> subscribed(const Session& s, const std::vector<std::string>& symbols,
                                              WsClient::Options o = {}) {
    auto c = std::make_unique<WsClient>();
    if (o.protocols.empty()) o.protocols = "bearer, " + s.access;
    EXPECT_EQ(c->connect(server_.port(), o), 101);
    std::string msg = R"({"type":"subscribe","symbols":[)";
    for (std::size_t i = 0; i < symbols.size(); ++i) msg += (i > 0 ? ",\"" : "\"") + symbols[i] + "\"";
    msg += "]}";
    EXPECT_TRUE(c->send(msg));
    EXPECT_TRUE(c->await("subscribed", 5s)) << server_.log_tail();
    return c;
  }

  static void produce_tick(const std::string& symbol, double price) {
    model::PriceTick t{symbol, price, 10, SystemClock::instance().now_ms(), "itest", "USD"};
    ASSERT_TRUE(producer_->produce(model::topic::kStockPrices, symbol, model::encode(t)));
  }

  static inline ApiServer server_;
  static inline std::unique_ptr<kafka::Producer> producer_;
};

TEST_F(ApiWs, TickProducedToKafkaArrives) {
  const auto user = server_.register_user("tick");
  const std::string symbol = server_.company("A");
  auto client = subscribed(user, {symbol});
  // The feed starts at the topic's end when the api starts: produce until
  // one arrives rather than guess when it is following.
  std::optional<boost::json::object> tick;
  for (int attempt = 0; attempt < 20 && !tick; ++attempt) {
    const double price = 100.0 + attempt;
    produce_tick(symbol, price);
    ASSERT_TRUE(producer_->flush(10s));
    tick = client->await("tick", 1s, [&](const boost::json::object& o) {
      const auto& d = o.at("data").as_object();
      return d.at("symbol") == symbol.c_str();
    });
  }
  ASSERT_TRUE(tick) << server_.log_tail();
  EXPECT_GT(tick->at("data").as_object().at("price").to_number<double>(), 99.0);
  EXPECT_EQ(client->close_code(), -1);
}

TEST_F(ApiWs, AlertGoesToItsUserOnly) {
  const auto a = server_.register_user("alert-a");
  const auto b = server_.register_user("alert-b");
  auto client_a = subscribed(a, {server_.company("A")});
  auto client_b = subscribed(b, {server_.company("A")});
  std::optional<boost::json::object> got;
  for (int attempt = 0; attempt < 20 && !got; ++attempt) {
    model::Alert alert;
    alert.alert_id = "itest-ws-" + server_.tag() + "-" + std::to_string(attempt);
    alert.user_id = UserId(a.user_id);
    alert.kind = model::RuleKind::kPriceAbove;
    alert.symbol = server_.company("A");
    alert.price = 101;
    alert.threshold = 100;
    alert.event_ts = SystemClock::instance().now_ms();
    alert.message = "above 100";
    ASSERT_TRUE(producer_->produce(model::topic::kStockAlerts, std::to_string(a.user_id), model::encode(alert)));
    ASSERT_TRUE(producer_->flush(10s));
    got = client_a->await("alert", 1s);
  }
  ASSERT_TRUE(got) << server_.log_tail();
  EXPECT_EQ(got->at("data").as_object().at("user_id").as_int64(), a.user_id);
  EXPECT_FALSE(client_b->await("alert", 2s)) << "user B received user A's alert";
}

TEST_F(ApiWs, CandlesOfFollowedSymbolsAndTheUsersNotificationsArrive) {
  const auto user = server_.register_user("candle");
  const std::string symbol = server_.company("B");
  auto client = subscribed(user, {symbol});
  std::optional<boost::json::object> candle;
  std::optional<boost::json::object> notification;
  for (int attempt = 0; attempt < 20 && (!candle || !notification); ++attempt) {
    model::Candle c;
    c.symbol = symbol;
    c.start_ts = SystemClock::instance().now_ms() / model::kCandleWindowMs * model::kCandleWindowMs;
    c.end_ts = c.start_ts + model::kCandleWindowMs;
    c.open = c.low = 10;
    c.high = c.close = 11;
    c.volume = 5;
    c.vwap = 10.5;
    c.ticks = 2;
    c.final = attempt % 2 == 1;
    ASSERT_TRUE(producer_->produce(model::topic::kPriceCandles5m, symbol, model::encode(c)));
    model::NotificationEvent n;
    n.notification_id = model::NotificationId(attempt + 1);
    n.user_id = UserId(user.user_id);
    n.alert_id = "itest-ws-" + server_.tag() + "-n" + std::to_string(attempt);
    n.channel = model::Channel::kInApp;
    n.status = model::DeliveryStatus::kSent;
    n.title = "title";
    n.body = "body";
    n.created_ts = SystemClock::instance().now_ms();
    ASSERT_TRUE(producer_->produce(model::topic::kNotifications, std::to_string(user.user_id), model::encode(n)));
    ASSERT_TRUE(producer_->flush(10s));
    const auto deadline = std::chrono::steady_clock::now() + 1s;
    while (std::chrono::steady_clock::now() < deadline && (!candle || !notification)) {
      auto m = client->read(100ms);
      if (!m) continue;
      auto o = boost::json::parse(*m).as_object();
      if (o.at("type") == "candle") candle = o;
      if (o.at("type") == "notification") notification = o;
    }
  }
  ASSERT_TRUE(candle) << server_.log_tail();
  EXPECT_EQ(candle->at("data").as_object().at("symbol"), symbol.c_str());
  ASSERT_TRUE(notification) << server_.log_tail();
  EXPECT_EQ(notification->at("data").as_object().at("user_id").as_int64(), user.user_id);
}

TEST_F(ApiWs, HandshakeRefusesForeignOriginAndBadCredentials) {
  const auto user = server_.register_user("handshake");
  {
    WsClient c;
    auto o = bearer_options(user);
    o.origin = "https://evil.example";
    EXPECT_EQ(c.connect(server_.port(), o), 403);
  }
  {
    WsClient c;
    WsClient::Options o;
    EXPECT_EQ(c.connect(server_.port(), o), 401);  // no credentials
  }
  {
    WsClient c;
    WsClient::Options o;
    o.protocols = "bearer, " + user.access.substr(0, user.access.size() - 2) + "xx";  // tampered signature
    EXPECT_EQ(c.connect(server_.port(), o), 401);
  }
  {
    // Signed with the right secret, but 20 minutes ago: expired 5 minutes ago.
    ManualClock past(SystemClock::instance().now_ms() - 20 * 60 * 1000);
    const auth::TokenService tokens(kSecret, past);
    auto old = tokens.issue(UserId(user.user_id));
    ASSERT_TRUE(old);
    WsClient c;
    WsClient::Options o;
    o.protocols = "bearer, " + old->token;
    EXPECT_EQ(c.connect(server_.port(), o), 401);
  }
  {
    // Accepted: only the protocol name comes back, never the token.
    WsClient c;
    EXPECT_EQ(c.connect(server_.port(), bearer_options(user)), 101);
    EXPECT_EQ(c.response_header(beast::http::field::sec_websocket_protocol), "bearer");
  }
  {
    // The dashboard served by the api itself: its origin is the api's host.
    WsClient c;
    auto o = bearer_options(user);
    o.origin = "http://127.0.0.1:" + std::to_string(server_.port());
    EXPECT_EQ(c.connect(server_.port(), o), 101);
  }
  {
    // Same host name, another port: another origin.
    WsClient c;
    auto o = bearer_options(user);
    o.origin = "http://127.0.0.1:" + std::to_string(server_.port() + 1);
    EXPECT_EQ(c.connect(server_.port(), o), 403);
  }
  {
    // Not a browser: no Origin is not a reason to refuse.
    WsClient c;
    auto o = bearer_options(user);
    o.origin.clear();
    EXPECT_EQ(c.connect(server_.port(), o), 101);
  }
  EXPECT_EQ(status(server_.request("GET", "/ws")), 426);
}

TEST_F(ApiWs, TicketIsSingleUse) {
  const auto user = server_.register_user("ticket");
  const auto r = server_.call("POST", "/api/ws/ticket", user);
  ASSERT_EQ(status(r), 201) << (r ? r->body : "");
  const std::string ticket = str(parse(*r), "ticket");
  ASSERT_FALSE(ticket.empty());
  WsClient::Options o;
  o.target = "/ws?ticket=" + ticket;
  WsClient first;
  EXPECT_EQ(first.connect(server_.port(), o), 101);
  EXPECT_TRUE(first.send(R"({"type":"ping","id":"t1"})"));
  auto pong = first.await("pong", 5s);
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->at("id"), "t1");
  WsClient second;
  EXPECT_EQ(second.connect(server_.port(), o), 401);
  EXPECT_EQ(status(server_.request("POST", "/api/ws/ticket")), 401);
}

TEST_F(ApiWs, OversizedMessageClosesWith1009) {
  const auto user = server_.register_user("big");
  WsClient c;
  ASSERT_EQ(c.connect(server_.port(), bearer_options(user)), 101);
  EXPECT_TRUE(c.send(std::string(65 * 1024, 'x')));
  EXPECT_EQ(c.await_close(10s), 1009);
}

TEST_F(ApiWs, FloodClosesWith1008) {
  const auto user = server_.register_user("flood");
  WsClient c;
  ASSERT_EQ(c.connect(server_.port(), bearer_options(user)), 101);
  for (int i = 0; i < 200; ++i) {
    if (!c.send(R"({"type":"ping"})")) break;
  }
  EXPECT_EQ(c.await_close(10s), 1008);
}

TEST_F(ApiWs, InvalidMessagesGetErrorsThenClose1008) {
  const auto user = server_.register_user("invalid");
  WsClient c;
  ASSERT_EQ(c.connect(server_.port(), bearer_options(user)), 101);
  ASSERT_TRUE(c.send("{not json"));
  auto error = c.await("error", 5s);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("code"), "bad_json");
  ASSERT_TRUE(c.send(R"({"type":"subscribe","symbols":["not a symbol"]})"));
  error = c.await("error", 5s);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->at("code"), "bad_symbol");
  for (int i = 0; i < 5; ++i) c.send("[]");
  EXPECT_EQ(c.await_close(10s), 1008);
}

TEST_F(ApiWs, LogoutClosesTheConnection) {
  const auto user = server_.register_user("logout");
  WsClient c;
  ASSERT_EQ(c.connect(server_.port(), bearer_options(user)), 101);
  const auto r = server_.call("POST", "/api/auth/logout", user, R"({"refresh_token":")" + user.refresh + R"("})");
  ASSERT_EQ(status(r), 204) << (r ? r->body : "");
  // The sweeper asks Redis every 5 s.
  EXPECT_EQ(c.await_close(15s), 4401);
}

TEST_F(ApiWs, ClientThatStopsReadingIsDroppedAndMemoryStaysBounded) {
  const auto user = server_.register_user("slow");
  const std::string a = server_.company("A");
  const std::string b = server_.company("B");
  WsClient::Options o;
  o.receive_buffer = 4096;
  auto slow = subscribed(user, {a, b}, o);
  auto fast = subscribed(user, {a});
  // Make sure the feed is live before measuring.
  std::optional<boost::json::object> seen;
  for (int attempt = 0; attempt < 20 && !seen; ++attempt) {
    produce_tick(a, 50.0 + attempt);
    ASSERT_TRUE(producer_->flush(10s));
    seen = fast->await("tick", 1s);
  }
  ASSERT_TRUE(seen) << server_.log_tail();

  // 20 s of 10,000 ticks/s (~1.5 MB/s of frames for the slow client, which
  // reads nothing): its socket buffers fill within seconds, then its write
  // stalls, and it must be dropped 10 s later (the stall limit). Meanwhile
  // the api's memory must not follow the slow client's backlog: between
  // 4 s and 12 s it is offered ~12 MB more, which an unbounded queue would
  // keep. The fast client reads throughout (and answers keep-alive pings).
  constexpr int kPerStep = 100;  // every 10 ms
  const auto start = std::chrono::steady_clock::now();
  std::size_t rss_at_4s = 0;
  std::size_t rss_at_12s = 0;
  int produced = 0;
  while (std::chrono::steady_clock::now() - start < 20s) {
    for (int i = 0; i < kPerStep; ++i, ++produced) produce_tick(produced % 2 == 0 ? a : b, 1.0 + produced / 1000.0);
    producer_->poll();
    (void)fast->await("none", 10ms);
    const auto t = std::chrono::steady_clock::now() - start;
    if (rss_at_4s == 0 && t >= 4s) rss_at_4s = rss_kib(server_.pid());
    if (rss_at_12s == 0 && t >= 12s) rss_at_12s = rss_kib(server_.pid());
  }
  ASSERT_TRUE(producer_->flush(30s));
  std::printf("api RSS at 4 s %zu KiB, at 12 s %zu KiB; %d ticks produced\n", rss_at_4s, rss_at_12s, produced);
  EXPECT_LT(rss_at_12s, rss_at_4s + 4 * 1024) << "the api's memory grew with the backlog of a client that does not read";
  EXPECT_FALSE(fast->ended()) << server_.log_tail();

  int received = 0;
  for (int round = 0; round < 4 && !slow->ended(); ++round) {
    while (slow->read(5s)) ++received;
  }
  std::printf("slow client read %d of %d ticks before the end; it saw the connection end: %d\n", received, produced,
              static_cast<int>(slow->ended()));
  EXPECT_LT(received, produced / 2);
  // The server's decision is what must hold: it drops the client. (Once in
  // a clean-clone run the client saw no end within 20 s of the drop being
  // logged; that is recorded in docs/websocket.md as an open question.)
  EXPECT_NE(server_.log_tail().find("websocket client dropped: it stopped reading"), std::string::npos)
      << "the server did not drop the client that stopped reading\n" << server_.log_tail();
  // The fast client is unaffected.
  produce_tick(a, 9999);
  ASSERT_TRUE(producer_->flush(10s));
  EXPECT_TRUE(fast->await("tick", 10s, [](const boost::json::object& m) {
    return m.at("data").as_object().at("price").to_number<double>() == 9999;
  })) << "fast client ended: " << fast->ended() << " close " << fast->close_code() << "\n" << server_.log_tail();
}

}  // namespace
}  // namespace st::itest
