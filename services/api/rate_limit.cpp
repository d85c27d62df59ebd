#include "rate_limit.hpp"

#include <algorithm>

#include "session.hpp"

namespace st::api {

std::optional<http::Response> over_limit(redis::Client& redis, const RateLimit& limit, std::string_view who) {
  std::string key = "rl:";
  key += limit.name;
  key += ':';
  key += who;
  auto counter = redis.incr_with_expire(key, limit.window);
  if (!counter) return redis_problem(counter.error());
  if (counter->count <= limit.max) return std::nullopt;
  auto res = http::problem(429, "Too Many Requests",
                           "at most " + std::to_string(limit.max) + " " + std::string(limit.name) + " attempts per " +
                               std::to_string(limit.window.count()) + " s; retry after " +
                               std::to_string(counter->ttl.count()) + " s");
  res.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, counter->ttl.count())));
  return res;
}

}  // namespace st::api
