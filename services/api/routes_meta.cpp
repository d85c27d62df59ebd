// GET /api/openapi.json (the API's own description) and GET /metrics
// (Prometheus text exposition of every metric of the process).
#include "context.hpp"
#include "openapi.hpp"
#include "stocktracker/metrics/metrics.hpp"

namespace st::api {

void add_meta_routes(http::Router& router, Context&) {
  router.add("GET", "/api/openapi.json", [](const http::Request&) {
    auto res = http::json(200, std::string(openapi_document()));
    res.headers.emplace_back("Cache-Control", "public, max-age=300");
    return res;
  });
  router.add("GET", "/metrics", [](const http::Request&) {
    http::Response res;
    res.content_type = std::string(metrics::kContentType);
    res.body = metrics::default_registry().expose();
    return res;
  });
}

}  // namespace st::api
