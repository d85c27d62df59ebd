// What Server writes on the wire (server.cpp builds the head itself): the
// status line, the fixed headers and a handler's replacing them, framing
// (Content-Length, none on 204, HEAD), keep-alive for HTTP/1.1 and 1.0,
// and a header with a line break dropped rather than splitting the head.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include "stocktracker/http/http.hpp"

namespace st::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class ServerWire : public ::testing::Test {
 protected:
  void SetUp() override {
    Router router;
    router.add("GET", "/json", [](const Request&) { return json(200, R"({"ok":true})"); });
    router.add("GET", "/text", [](const Request&) {
      Response r = json(201, "hello");
      r.headers.emplace_back("Content-Type", "text/plain");   // replaces the response's
      r.headers.emplace_back("Vary", "Origin");
      r.headers.emplace_back("vary", "Accept");               // set(): the last one wins
      r.headers.emplace_back("Content-Length", "999");        // framing is the server's
      r.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: x=1");  // would split the head
      return r;
    });
    router.add("DELETE", "/gone", [](const Request&) { return Response{204, "application/json", "", {}}; });
    ServerOptions options;
    options.port = 0;
    options.threads = 1;
    auto server = Server::start(options, std::move(router));
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }

  /// Sends `request` on a fresh connection and reads until the server
  /// closes it or `responses` answers have arrived (by their blank line and
  /// Content-Length).
  std::string exchange(const std::string& request, int responses = 1) {
    asio::io_context io;
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    asio::write(socket, asio::buffer(request));
    std::string got;
    std::array<char, 4096> chunk{};
    boost::system::error_code ec;
    while (complete(got) < responses) {
      const std::size_t n = socket.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      got.append(chunk.data(), n);
    }
    return got;
  }

  /// How many whole answers `s` holds.
  static int complete(const std::string& s) {
    int count = 0;
    std::size_t pos = 0;
    for (;;) {
      const auto end = s.find("\r\n\r\n", pos);
      if (end == std::string::npos) return count;
      std::size_t length = 0;
      const auto cl = s.find("Content-Length: ", pos);
      if (cl != std::string::npos && cl < end) length = std::stoul(s.substr(cl + 16));
      if (s.size() < end + 4 + length) return count;
      pos = end + 4 + length;
      ++count;
    }
  }

  std::unique_ptr<Server> server_;
};

TEST_F(ServerWire, WritesStatusFixedHeadersAndLength) {
  const auto r = exchange("GET /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_NE(r.find("\r\nServer: stocktracker\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nContent-Length: 11\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nConnection: close\r\n"), std::string::npos) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\n{\"ok\":true}")) << r;
}

TEST_F(ServerWire, HandlerHeadersReplaceAndLineBreaksAreDropped) {
  const auto r = exchange("GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 201 Created\r\n")) << r;
  EXPECT_NE(r.find("\r\nContent-Type: text/plain\r\n"), std::string::npos) << r;
  EXPECT_EQ(r.find("application/json"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nvary: Accept\r\n"), std::string::npos) << r;
  EXPECT_EQ(r.find("Origin"), std::string::npos) << r;
  EXPECT_NE(r.find("\r\nContent-Length: 5\r\n"), std::string::npos) << r;
  EXPECT_EQ(r.find("999"), std::string::npos) << r;
  EXPECT_EQ(r.find("Set-Cookie"), std::string::npos) << r;
  EXPECT_EQ(r.find("X-Bad"), std::string::npos) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\nhello")) << r;
}

TEST_F(ServerWire, NoContentHasNoLengthAndHeadNoBody) {
  const auto gone = exchange("DELETE /gone HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(gone.starts_with("HTTP/1.1 204 No Content\r\n")) << gone;
  EXPECT_EQ(gone.find("Content-Length"), std::string::npos) << gone;
  EXPECT_TRUE(gone.ends_with("\r\n\r\n")) << gone;
  const auto head = exchange("HEAD /json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << head;
}

TEST_F(ServerWire, KeepsTheConnectionForHttp11AndKeepAlive10) {
  // Two requests on one connection, answered in order; no Connection header
  // on a kept HTTP/1.1 answer.
  const auto two = exchange("GET /json HTTP/1.1\r\nHost: x\r\n\r\nGET /text HTTP/1.1\r\nHost: x\r\n\r\n", 2);
  EXPECT_TRUE(two.starts_with("HTTP/1.1 200 OK\r\n")) << two;
  EXPECT_NE(two.find("HTTP/1.1 201 Created\r\n"), std::string::npos) << two;
  EXPECT_EQ(two.find("Connection:"), std::string::npos) << two;
  const auto old = exchange("GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(old.starts_with("HTTP/1.0 200 OK\r\n")) << old;
  EXPECT_NE(old.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << old;
  const auto closing = exchange("GET /json HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(closing.starts_with("HTTP/1.0 200 OK\r\n")) << closing;
  EXPECT_EQ(closing.find("Connection:"), std::string::npos) << closing;
}

}  // namespace
}  // namespace st::http
