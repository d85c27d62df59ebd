#pragma once
// E-mail submission over SMTP with libcurl (the same library as the HTTP
// client, wrapped once in this module). One call is one SMTP session: the
// alert volume per user is small, so a connection per message keeps the
// failure handling simple.
//
// Failures are values that say whether a retry can help: a 4xx reply or a
// lost connection is retryable (kUnavailable / kTimeout); a 5xx reply, a
// refused login or a server without the required TLS is kInvalidInput.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "stocktracker/base/error.hpp"

namespace st::httpclient {

enum class SmtpTls : std::uint8_t {
  kStartTls,  // plain connect, then STARTTLS, which the server must offer
  kImplicit,  // TLS from the first byte (smtps, usually port 465)
  kNone,      // no TLS at all: for a server on loopback only
};

struct SmtpServer {
  std::string host;
  std::uint16_t port = 587;
  std::string user;      // empty = no AUTH
  std::string password;  // never logged
  SmtpTls tls = SmtpTls::kStartTls;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{30'000};  // the whole session
};

/// Sends `message` (a complete RFC 5322 message with CRLF line ends) with
/// envelope sender `from` to the single recipient `to`.
Status send_mail(const SmtpServer& server, std::string_view from, std::string_view to, std::string_view message);

}  // namespace st::httpclient
