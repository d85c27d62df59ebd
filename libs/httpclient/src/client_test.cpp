// The client against a small HTTP/1.1 server on loopback, in this process:
// keep-alive, a handler per request, counts of connections and of requests
// being served at once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "stocktracker/httpclient/client.hpp"

namespace st::httpclient {
namespace {

struct Served {
  int status = 200;
  std::vector<Field> headers;
  std::string body;
};

class LoopbackServer {
 public:
  /// `handle(target, request_head)` answers one request; it runs on the
  /// connection's thread and may wait (see hold()).
  using Handler = std::function<Served(const std::string& target, const std::string& head)>;

  explicit LoopbackServer(Handler handle) : handle_(std::move(handle)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
      throw std::runtime_error("loopback server: bind/listen failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~LoopbackServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    cv_.notify_all();
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    for (auto& t : connections_) t.join();
    ::close(listen_fd_);
  }

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] int accepted() const { return accepted_; }
  [[nodiscard]] int max_concurrent() const { return max_concurrent_; }

  /// Blocks the calling handler for `ms`, or until the server stops.
  void hold(std::chrono::milliseconds ms) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, ms, [this] { return stopping_; });
  }

 private:
  void accept_loop() {
    for (;;) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;  // shut down
      std::lock_guard lock(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      ++accepted_;
      open_fds_.push_back(fd);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string buffer;
    char chunk[4096];
    for (;;) {
      std::size_t end = buffer.find("\r\n\r\n");
      while (end == std::string::npos) {
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return close_fd(fd);
        buffer.append(chunk, static_cast<std::size_t>(n));
        end = buffer.find("\r\n\r\n");
      }
      const std::string head = buffer.substr(0, end);
      buffer.erase(0, end + 4);
      const auto sp1 = head.find(' ');
      const std::string target = head.substr(sp1 + 1, head.find(' ', sp1 + 1) - sp1 - 1);

      const int now_serving = ++serving_;
      for (int seen = max_concurrent_; now_serving > seen && !max_concurrent_.compare_exchange_weak(seen, now_serving);) {
      }
      const Served s = handle_(target, head);
      --serving_;

      std::string out = "HTTP/1.1 " + std::to_string(s.status) + " X\r\nContent-Length: " +
                        std::to_string(s.body.size()) + "\r\n";
      for (const auto& [k, v] : s.headers) out += k + ": " + v + "\r\n";
      out += "\r\n" + s.body;
      if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) return close_fd(fd);
    }
  }

  void close_fd(int fd) {
    std::lock_guard lock(mu_);
    std::erase(open_fds_, fd);
    ::close(fd);
  }

  Handler handle_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<int> open_fds_;
  std::vector<std::thread> connections_;
  std::atomic<int> accepted_{0};
  std::atomic<int> serving_{0};
  std::atomic<int> max_concurrent_{0};
};

std::string base(const LoopbackServer& server) { return "http://127.0.0.1:" + std::to_string(server.port()); }

std::unique_ptr<Client> make_client(ClientOptions options = {}) {
  auto c = Client::create(std::move(options));
  if (!c) throw std::runtime_error(c.error().message);
  return std::move(*c);
}

TEST(HttpClient, SendsQueryAndHeadersAndReadsStatusHeadersAndBody) {
  LoopbackServer server([](const std::string& target, const std::string& head) {
    const bool has_header = head.find("\r\nX-Api-Client: tests") != std::string::npos &&
                            head.find("\r\nUser-Agent: unit-test/1") != std::string::npos;
    return Served{429, {{"Retry-After", "7"}, {"Content-Type", "text/plain"}},
                  target + (has_header ? " +header" : " -header")};
  });
  auto client = make_client({.user_agent = "unit-test/1"});
  Request r{.url = base(server) + "/v8/finance/chart/BRK-B", .query = {{"interval", "1m"}, {"range", "1d"}},
            .headers = {{"X-Api-Client", "tests"}}};
  auto res = client->get(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->body, "/v8/finance/chart/BRK-B?interval=1m&range=1d +header");
  EXPECT_EQ(res->header("retry-after"), "7");
  EXPECT_EQ(res->header("content-type"), "text/plain");
}

TEST(HttpClient, PostsTheBodyWithBasicAuthOutOfTheUrl) {
  LoopbackServer server([](const std::string& target, const std::string& head) {
    const bool post = head.starts_with("POST ");
    // base64("AC1:tok") = "QUMxOnRvaw=="
    const bool auth = head.find("\r\nAuthorization: Basic QUMxOnRvaw==") != std::string::npos;
    const bool length = head.find("\r\nContent-Length: 11") != std::string::npos;
    return Served{201, {}, target + (post && auth && length ? " ok" : " bad: " + head)};
  });
  auto client = make_client();
  Request r{.url = base(server) + "/2010-04-01/Messages.json",
            .headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
            .body = std::string("To=%2B1&B=x"),
            .basic_auth = "AC1:tok"};
  auto res = client->get(r);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, "/2010-04-01/Messages.json ok");
}

TEST(HttpClient, ReusesOneConnectionAcrossCalls) {
  LoopbackServer server([](const std::string&, const std::string&) { return Served{200, {}, "ok"}; });
  auto client = make_client();
  for (int i = 0; i < 3; ++i) {
    auto res = client->get({.url = base(server) + "/q"});
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->body, "ok");
  }
  auto batch = client->get_all({{.url = base(server) + "/a"}});
  ASSERT_TRUE(batch[0]);
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client->connections_opened(), 1u);
}

TEST(HttpClient, BoundsTheRequestsInFlightAndKeepsResultsInOrder) {
  LoopbackServer* self = nullptr;
  LoopbackServer server([&self](const std::string& target, const std::string&) {
    self->hold(std::chrono::milliseconds(60));
    return Served{200, {}, target};
  });
  self = &server;
  auto client = make_client({.max_in_flight = 2});
  std::vector<Request> requests;
  for (int i = 0; i < 6; ++i) requests.push_back({.url = base(server) + "/r" + std::to_string(i)});
  auto results = client->get_all(requests);
  ASSERT_EQ(results.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().message;
    EXPECT_EQ(results[i]->body, "/r" + std::to_string(i));
  }
  EXPECT_EQ(server.max_concurrent(), 2);
  EXPECT_LE(client->connections_opened(), 2u);
}

TEST(HttpClient, ATimeoutIsARetryableError) {
  LoopbackServer* self = nullptr;
  LoopbackServer server([&self](const std::string&, const std::string&) {
    self->hold(std::chrono::seconds(5));
    return Served{200, {}, "late"};
  });
  self = &server;
  auto client = make_client();
  auto res = client->get({.url = base(server) + "/slow", .timeout = std::chrono::milliseconds(150)});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, Errc::kTimeout) << res.error().message;
  EXPECT_TRUE(res.error().retryable());
}

TEST(HttpClient, AStopRequestEndsABatchEarly) {
  std::stop_source stop;
  LoopbackServer* self = nullptr;
  LoopbackServer server([&self, &stop](const std::string&, const std::string&) {
    stop.request_stop();  // the service is told to stop while its requests are out
    self->hold(std::chrono::seconds(5));
    return Served{200, {}, "late"};
  });
  self = &server;
  auto client = make_client();
  const auto started = std::chrono::steady_clock::now();
  auto results = client->get_all({{.url = base(server) + "/a"}, {.url = base(server) + "/b"}}, stop.get_token());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().message;
  }
}

TEST(HttpClient, ARefusedConnectionIsUnavailableAndTheErrorNeverShowsTheQuery) {
  std::uint16_t port = 0;
  {
    LoopbackServer closed([](const std::string&, const std::string&) { return Served{}; });
    port = closed.port();
  }
  auto client = make_client();
  auto res = client->get({.url = "http://127.0.0.1:" + std::to_string(port) + "/query",
                          .query = {{"apikey", "SECRET-KEY"}}});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, Errc::kUnavailable) << res.error().message;
  EXPECT_TRUE(res.error().retryable());
  EXPECT_EQ(res.error().message.find("SECRET-KEY"), std::string::npos) << res.error().message;
}

TEST(HttpClient, AnOversizedBodyIsRefused) {
  LoopbackServer server([](const std::string&, const std::string&) { return Served{200, {}, std::string(4096, 'x')}; });
  auto client = make_client({.max_body_bytes = 1024});
  auto res = client->get({.url = base(server) + "/big"});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, Errc::kInvalidInput) << res.error().message;
  EXPECT_FALSE(res.error().retryable());
}

TEST(HttpClient, ABadUrlIsInvalidInput) {
  auto client = make_client();
  auto res = client->get({.url = "ftp://127.0.0.1/x"});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, Errc::kInvalidInput) << res.error().message;
}

}  // namespace
}  // namespace st::httpclient
