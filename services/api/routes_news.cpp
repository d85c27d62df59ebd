// GET /api/companies/:id/news: the articles naming a company, newest
// first, with the sentiment the processor gave them.
#include "context.hpp"
#include "stocktracker/base/json_escape.hpp"

namespace st::api {

void add_news_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/companies/:id/news", [&ctx](const http::Request& req) {
    std::int64_t limit = 20;
    if (auto p = int_param(req, "limit", 1, 200, limit)) return *p;
    std::optional<EpochMs> before;
    if (auto p = time_param(req, "before", before)) return *p;
    auto lease = ctx.db.acquire();
    if (!lease) return database_problem(lease.error());
    auto company = find_company(ctx, **lease, req.params.at("id"));
    if (!company) return company.error();
    auto rows = (*lease)->exec(
        "SELECT id, title, summary, url, source, (extract(epoch FROM published_at) * 1000)::bigint, "
        "       sentiment_score::float8, sentiment_label "
        "FROM news_articles WHERE $1 = ANY (symbols) "
        "  AND ($2::bigint IS NULL OR published_at < to_timestamp($2::bigint / 1000.0)) "
        "ORDER BY published_at DESC, id LIMIT $3::int",
        {company->symbol, before ? pg::Param(std::to_string(*before)) : std::nullopt, std::to_string(limit)});
    if (!rows) return database_problem(rows.error());
    std::string body = "{\"symbol\":";
    append_json_string(body, company->symbol);
    body += ",\"items\":[";
    for (int i = 0; i < rows->size(); ++i) {
      if (i > 0) body.push_back(',');
      body += "{\"id\":";
      append_json_string(body, rows->get(i, 0));
      body += ",\"title\":";
      append_json_string(body, rows->get(i, 1));
      body += ",\"summary\":";
      append_json_string(body, rows->get(i, 2));
      body += ",\"url\":";
      append_json_string(body, rows->get(i, 3));
      body += ",\"source\":";
      append_json_string(body, rows->get(i, 4));
      body += ",\"published_ts\":";
      body += rows->get(i, 5);
      body += ",\"sentiment\":";
      if (rows->is_null(i, 6)) {
        body += "null";
      } else {
        body += "{\"score\":";
        body += rows->get(i, 6);
        body += ",\"label\":";
        append_json_string(body, rows->get(i, 7));
        body += "}";
      }
      body += "}";
    }
    body += "]}";
    return http::json(200, std::move(body));
  });
}

}  // namespace st::api
