#pragma once
// CORS for an allow-list of origins (CORS_ORIGINS), as router middleware.
// A browser on an allowed origin may call the API with a bearer token;
// any other origin gets no Access-Control-Allow-* header, so the browser
// withholds the answer. Credentials (cookies) are never allowed: the API
// authenticates with the Authorization header only.
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/http/http.hpp"

namespace st::http {

struct CorsPolicy {
  /// Exact origins ("https://app.example.com", "http://localhost:5173");
  /// empty: no cross-origin access at all.
  std::vector<std::string> allowed_origins;
  std::vector<std::string> methods = {"GET", "POST", "PUT", "DELETE"};
  std::vector<std::string> request_headers = {"Authorization", "Content-Type"};
  /// Response headers a script may read besides the CORS-safelisted ones.
  std::vector<std::string> exposed_headers = {"Retry-After", "WWW-Authenticate"};
  int max_age_seconds = 600;
  [[nodiscard]] bool allows(std::string_view origin) const;
};

/// Answers preflights (OPTIONS with Origin and
/// Access-Control-Request-Method): 204 with the allowed methods and
/// headers for an allowed origin, 403 otherwise. Adds
/// Access-Control-Allow-Origin and -Expose-Headers to the answers of
/// allowed origins, and Vary: Origin to every answer (it depends on it).
Middleware cors_middleware(CorsPolicy policy);

}  // namespace st::http
