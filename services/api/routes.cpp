// Every route of the API in one router, behind the metrics and CORS
// middleware. The list here is what openapi_test.cpp holds against
// docs/openapi.json.
#include "api_metrics.hpp"
#include "context.hpp"
#include "stocktracker/http/cors.hpp"

namespace st::api {

void add_api_routes(http::Router& router, Context& ctx) {
  add_health_routes(router, ctx);
  add_meta_routes(router, ctx);
  add_company_routes(router, ctx);
  add_auth_routes(router, ctx);
  add_user_routes(router, ctx);
  add_alert_rule_routes(router, ctx);
  add_backtest_routes(router, ctx);
  add_notification_routes(router, ctx);
  add_push_routes(router, ctx);
  add_news_routes(router, ctx);
  add_indicator_routes(router, ctx);
  add_quote_routes(router, ctx);
  add_provider_routes(router, ctx);
}

http::Router make_api_router(Context& ctx) {
  http::Router router;
  // Metrics outermost, so refused preflights are counted too.
  router.use(metrics_middleware());
  http::CorsPolicy cors;
  cors.allowed_origins = ctx.settings.cors_origins;
  router.use(http::cors_middleware(std::move(cors)));
  // The dashboard answers only what no API route matched (routes_web.cpp).
  add_web_routes(router, ctx);
  add_api_routes(router, ctx);
  return router;
}

}  // namespace st::api
