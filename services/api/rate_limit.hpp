#pragma once
// Fixed-window rate limits counted in Redis, shared by every api instance.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "stocktracker/http/http.hpp"
#include "stocktracker/redis/client.hpp"

namespace st::api {

struct RateLimit {
  std::string_view name;  // part of the Redis key: "login", "register"
  std::int64_t max = 5;   // requests per window
  std::chrono::seconds window{60};
};

/// Counts one request of `who` ("ip:127.0.0.1", "email:<address>"):
/// nullopt while within the limit, else 429 with Retry-After (seconds
/// until the window resets). A Redis failure is a 503: these limits fail
/// closed, so an attacker gains nothing by taking Redis down.
std::optional<http::Response> over_limit(redis::Client& redis, const RateLimit& limit, std::string_view who);

}  // namespace st::api
