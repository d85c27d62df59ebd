#include "stocktracker/http/cors.hpp"

#include <algorithm>

namespace st::http {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

/// Whether every header of a comma-separated Access-Control-Request-Headers
/// is one the policy allows (case-insensitively).
bool headers_allowed(std::string_view requested, const std::vector<std::string>& allowed) {
  while (!requested.empty()) {
    const auto comma = requested.find(',');
    std::string_view name = requested.substr(0, comma);
    requested = comma == std::string_view::npos ? std::string_view{} : requested.substr(comma + 1);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.empty()) continue;
    if (std::none_of(allowed.begin(), allowed.end(), [name](const std::string& a) { return iequals(a, name); })) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool CorsPolicy::allows(std::string_view origin) const {
  // Origins compare exactly (scheme, host and port; RFC 6454 serialises
  // them in lower case), so "https://app.example.com.evil.test" is not
  // "https://app.example.com".
  return std::find(allowed_origins.begin(), allowed_origins.end(), origin) != allowed_origins.end();
}

Middleware cors_middleware(CorsPolicy policy) {
  return [policy = std::move(policy)](Request& req, const Next& next) -> Response {
    const auto origin = req.header("Origin");
    const bool allowed = origin && policy.allows(*origin);
    const auto requested_method = req.header("Access-Control-Request-Method");
    if (req.method == "OPTIONS" && origin && requested_method) {
      Response res;
      const bool method_ok =
          std::find(policy.methods.begin(), policy.methods.end(), *requested_method) != policy.methods.end();
      const bool headers_ok = headers_allowed(req.header("Access-Control-Request-Headers").value_or(""),
                                              policy.request_headers);
      if (!allowed || !method_ok || !headers_ok) {
        res = problem(403, "Forbidden",
                      !allowed    ? "this origin may not call the API"
                      : !method_ok ? "this method is not allowed cross-origin"
                                   : "a requested header is not allowed cross-origin");
      } else {
        res.status = 204;
        res.headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
        res.headers.emplace_back("Access-Control-Allow-Methods", join(policy.methods));
        res.headers.emplace_back("Access-Control-Allow-Headers", join(policy.request_headers));
        res.headers.emplace_back("Access-Control-Max-Age", std::to_string(policy.max_age_seconds));
      }
      res.headers.emplace_back("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
      return res;
    }
    Response res = next(req);
    if (allowed) {
      res.headers.emplace_back("Access-Control-Allow-Origin", std::string(*origin));
      res.headers.emplace_back("Access-Control-Expose-Headers", join(policy.exposed_headers));
    }
    res.headers.emplace_back("Vary", "Origin");
    return res;
  };
}

}  // namespace st::http
