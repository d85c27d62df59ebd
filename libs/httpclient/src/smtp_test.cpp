// send_mail against a scripted SMTP server on loopback, in this process:
// how the server's replies and a refused connection map to errors.
#include "stocktracker/httpclient/smtp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace st::httpclient {
namespace {

/// One SMTP session: 250 to everything except RCPT, which gets `rcpt_reply`;
/// keeps the message it was given.
class ScriptedSmtp {
 public:
  explicit ScriptedSmtp(std::string rcpt_reply) : rcpt_reply_(std::move(rcpt_reply)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 1) != 0) {
      throw std::runtime_error("scripted smtp: bind/listen failed");
    }
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedSmtp() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string data() const {
    std::lock_guard lock(mu_);
    return data_;
  }

 private:
  void serve() {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    const auto say = [fd](const std::string& line) { (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL); };
    say("220 scripted ESMTP\r\n");
    std::string buffer;
    bool in_data = false;
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
      for (auto eol = buffer.find("\r\n"); eol != std::string::npos; eol = buffer.find("\r\n")) {
        const std::string line = buffer.substr(0, eol);
        buffer.erase(0, eol + 2);
        if (in_data) {
          if (line == ".") {
            in_data = false;
            say("250 queued\r\n");
          } else {
            std::lock_guard lock(mu_);
            data_ += line + "\r\n";
          }
        } else if (line.starts_with("EHLO")) {
          say("250 scripted\r\n");
        } else if (line.starts_with("RCPT")) {
          say(rcpt_reply_ + "\r\n");
        } else if (line == "DATA") {
          in_data = true;
          say("354 go ahead\r\n");
        } else if (line == "QUIT") {
          say("221 bye\r\n");
        } else {
          say("250 ok\r\n");
        }
      }
    }
    ::close(fd);
  }

  std::string rcpt_reply_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  std::string data_;
  std::thread thread_;
};

SmtpServer plain(std::uint16_t port) {
  return {.host = "127.0.0.1", .port = port, .user = "", .password = "", .tls = SmtpTls::kNone,
          .connect_timeout = std::chrono::milliseconds(2000), .timeout = std::chrono::milliseconds(5000)};
}

TEST(Smtp, DeliversTheMessageAsGiven) {
  const std::string message = "Subject: hi\r\n\r\nline one\r\n";
  {
    ScriptedSmtp server("250 ok");
    auto sent = send_mail(plain(server.port()), "a@example.com", "b@example.com", message);
    ASSERT_TRUE(sent) << sent.error().message;
    // The server keeps the data before its 250, which send_mail waited for.
    EXPECT_EQ(server.data(), message);
  }
}

TEST(Smtp, A4yzReplyIsRetryableAnd5yzIsNot) {
  {
    ScriptedSmtp server("451 4.3.0 try later");
    auto sent = send_mail(plain(server.port()), "a@example.com", "b@example.com", "Subject: x\r\n\r\n");
    ASSERT_FALSE(sent);
    EXPECT_TRUE(sent.error().retryable()) << sent.error().message;
  }
  {
    ScriptedSmtp server("550 5.1.1 no such user");
    auto sent = send_mail(plain(server.port()), "a@example.com", "b@example.com", "Subject: x\r\n\r\n");
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code, Errc::kInvalidInput) << sent.error().message;
  }
}

TEST(Smtp, RequiredStartTlsThatTheServerLacksIsPermanentAndSendsNothing) {
  ScriptedSmtp server("250 ok");
  const SmtpServer s{.host = "127.0.0.1", .port = server.port(), .user = "u", .password = "p",
                     .tls = SmtpTls::kStartTls, .connect_timeout = std::chrono::milliseconds(2000),
                     .timeout = std::chrono::milliseconds(5000)};
  auto sent = send_mail(s, "a@example.com", "b@example.com", "Subject: x\r\n\r\nsecret\r\n");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::kInvalidInput) << sent.error().message;
  EXPECT_TRUE(server.data().empty());
}

TEST(Smtp, ARefusedConnectionIsRetryable) {
  std::uint16_t port = 0;
  { port = ScriptedSmtp("250 ok").port(); }
  auto sent = send_mail(plain(port), "a@example.com", "b@example.com", "Subject: x\r\n\r\n");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::kUnavailable) << sent.error().message;
}

}  // namespace
}  // namespace st::httpclient
