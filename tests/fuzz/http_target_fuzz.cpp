// The request target of an HTTP request as the server reads it before a
// handler runs: url_decode of the path (and of query keys and values, '+'
// as space), then the router's match of the decoded path against ':param'
// patterns. Invariants: percent-encoding what url_decode returned and
// decoding it again gives the same bytes; a matched route's parameters are
// single non-empty path segments; a 404/405 is a problem with a valid JSON
// body whatever bytes the path holds.
#include <boost/json/parse.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "stocktracker/http/http.hpp"

namespace {

namespace http = st::http;

std::string percent_encode_all(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

void check_decode(std::string_view text, bool plus_is_space) {
  const auto decoded = http::url_decode(text, plus_is_space);
  if (!decoded) return;
  FUZZ_CHECK(decoded->size() <= text.size(), text);
  const auto again = http::url_decode(percent_encode_all(*decoded), plus_is_space);
  FUZZ_CHECK(again && *again == *decoded, text);
}

const http::Router& router() {
  static const http::Router r = [] {
    http::Router out;
    const auto echo = [](const http::Request& req) {
      for (const auto& [name, value] : req.params) {
        FUZZ_CHECK(!value.empty() && value.find('/') == std::string::npos, value);
      }
      return http::json(200, "{}");
    };
    out.add("GET", "/api/companies/:symbol/prices", echo);
    out.add("GET", "/api/companies/:symbol", echo);
    out.add("POST", "/api/companies/track/:symbol", echo);
    out.add("PATCH", "/api/alerts/rules/:id", echo);
    out.add("DELETE", "/api/push/subscriptions/:id", echo);
    out.add("GET", "/readyz", echo);
    return out;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PATCH", "DELETE", "HEAD", "PUT"};
  const std::string_view target(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto qpos = target.find('?');
  if (qpos != std::string_view::npos) check_decode(target.substr(qpos + 1), true);
  check_decode(target.substr(0, qpos), false);
  const auto path = http::url_decode(target.substr(0, qpos), false);
  if (!path) return 0;

  http::Request req;
  req.method = kMethods[data[0] % std::size(kMethods)];
  req.path = *path;
  const auto response = router().dispatch(req);
  if (response.status == 200) return 0;
  FUZZ_CHECK(response.status == 404 || response.status == 405, response.body);
  boost::system::error_code ec;
  const auto body = boost::json::parse(response.body, ec);
  FUZZ_CHECK(!ec && body.is_object(), response.body);
  return 0;
}
