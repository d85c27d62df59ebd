#pragma once
// The libcurl driver: an HTTP client for outside providers' APIs. One Client
// owns one curl multi handle, whose connection cache keeps connections open
// between calls (keep-alive, HTTP/2 multiplexing), so polling the same host
// does not pay a TCP and TLS handshake per request. libcurl's headers stay
// inside this module's .cpp files.
//
// Transport failures are values: kTimeout (connect or total timeout) and
// kUnavailable (refused, reset, DNS, TLS handshake) are retryable; a bad URL
// or an oversized body is kInvalidInput. An HTTP status, even 429 or 500, is
// not an error here: it is in Response::status for the caller to judge.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"

namespace st::httpclient {

/// A query parameter or a header: name, value.
using Field = std::pair<std::string, std::string>;

struct Request {
  /// "https://host[:port]/path" without a query: the query goes in `query`,
  /// so error messages (which name the URL) never carry a key passed there.
  std::string url{};
  std::vector<Field> query{};  // percent-encoded and appended in order
  std::vector<Field> headers{};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds timeout{15'000};  // the whole transfer, connect included
  /// A POST with this body (its Content-Type goes in `headers`); nullopt = GET.
  std::optional<std::string> body{};
  /// "user:password" for HTTP basic authentication; empty = none. Kept out
  /// of the URL so errors and logs never carry it.
  std::string basic_auth{};
};

struct Response {
  int status = 0;
  /// Headers of the final response (after redirects), names in lower case.
  std::vector<Field> headers{};
  std::string body{};

  /// The first header called `lower_case_name`, if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view lower_case_name) const;
};

struct ClientOptions {
  /// Transfers running at once in get_all(); the rest wait their turn.
  std::size_t max_in_flight = 4;
  /// A larger body fails the transfer with kInvalidInput.
  std::size_t max_body_bytes = std::size_t{8} << 20;
  std::string user_agent{"stocktracker/0.1"};
};

/// Owns a curl multi handle and its connection cache. Not thread-safe: one
/// thread calls it (each service loop builds its own Client).
class Client {
 public:
  static Result<std::unique_ptr<Client>> create(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// One GET (or POST when `request.body` is set), blocking until it
  /// completes or times out.
  Result<Response> get(const Request& request);
  /// Many GETs, at most max_in_flight at once over the shared connections;
  /// result i belongs to request i. Returns when every one has completed,
  /// or soon after `stop` is requested (the unfinished ones then fail with
  /// kUnavailable).
  std::vector<Result<Response>> get_all(const std::vector<Request>& requests, std::stop_token stop = {});

  /// New connections opened so far (a reused connection does not count).
  [[nodiscard]] std::uint64_t connections_opened() const;

 private:
  Client() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);
/// `url` followed by "?name=value&..." (percent-encoded); `url` alone when
/// `query` is empty.
std::string url_with_query(std::string_view url, const std::vector<Field>& query);
/// How long a Retry-After header asks to wait, in ms from `now`: either
/// delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT",
/// a date in the past gives 0). nullopt when the value is neither.
std::optional<EpochMs> parse_retry_after(std::string_view value, EpochMs now);

}  // namespace st::httpclient
