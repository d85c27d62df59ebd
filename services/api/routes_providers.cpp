// GET /api/providers: the health of each data provider ingest polls (state,
// quota left, last success, last error, benched until), as ingest last
// published it to Redis (model/redis_keys.hpp). Public like /readyz: it says
// nothing about users, and the published errors never carry an API key. A
// provider whose ingest stopped drops out when its hash expires.
#include <algorithm>
#include <charconv>

#include "context.hpp"
#include "session.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/model/redis_keys.hpp"
#include "stocktracker/redis/pool.hpp"

namespace st::api {
namespace {

/// The hash's fields as a JSON object: counts and times as numbers, an
/// empty value (no such limit, never) as null, the rest as strings.
void append_provider(std::string& body, const redis::Client::Fields& fields) {
  static constexpr std::string_view kNumbers[] = {"quota_left",   "quota_left_minute", "quota_left_day",
                                                  "last_success_ts", "benched_until",  "backoff_until",
                                                  "requests",     "failures",          "rate_limited",
                                                  "updated_ts"};
  body.push_back('{');
  bool first = true;
  for (const auto& [name, value] : fields) {
    if (!first) body.push_back(',');
    first = false;
    append_json_string(body, name);
    body.push_back(':');
    const bool numeric = std::find(std::begin(kNumbers), std::end(kNumbers), name) != std::end(kNumbers);
    std::int64_t n = 0;
    const auto* end = value.data() + value.size();
    if (value.empty() && (numeric || name == "last_error")) {
      body += "null";
    } else if (numeric && std::from_chars(value.data(), end, n).ptr == end) {
      body += std::to_string(n);
    } else {
      append_json_string(body, value);
    }
  }
  body.push_back('}');
}

}  // namespace

void add_provider_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/providers", [&ctx](const http::Request&) -> http::Response {
    auto redis = ctx.redis.acquire();
    if (!redis) return redis_problem(redis.error());
    const std::string prefix(model::redis_key::kProviderHealthPrefix);
    auto keys = (*redis)->scan(prefix + "*");
    if (!keys) return redis_problem(keys.error());
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
    std::string body = "{\"providers\":[";
    bool first = true;
    for (const auto& key : *keys) {
      auto fields = (*redis)->hgetall(key);
      if (!fields) return redis_problem(fields.error());
      if (fields->empty()) continue;  // expired between SCAN and HGETALL
      if (!first) body.push_back(',');
      first = false;
      append_provider(body, *fields);
    }
    body += "]}";
    return http::json(200, std::move(body));
  });
}

}  // namespace st::api
