#include "news_api.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <variant>

#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::ingest::providers::news_api {
namespace {

constexpr ProviderId kId = ProviderId::kNewsApi;
constexpr std::size_t kMaxQuery = 500;

httpclient::Request request(std::string_view base_url, std::string_view path, std::vector<httpclient::Field> query,
                            std::string_view api_key) {
  return {.url = std::string(base_url) + std::string(path),
          .query = std::move(query),
          .headers = {{"X-Api-Key", std::string(api_key)}}};
}

FetchResult refused(Outcome outcome, std::string_view text) {
  FetchResult r;
  r.outcome = outcome;
  r.detail = "newsapi: " + std::string(text);
  return r;
}

std::string_view text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

/// An error object's meaning, from its documented code; the HTTP status
/// decides for codes the documentation does not list.
FetchResult read_error(const boost::json::object& obj, const httpclient::Response& response, EpochMs now) {
  const std::string_view code = text_of(obj, "code");
  const std::string detail = std::string(code) + ": " + std::string(text_of(obj, "message"));
  FetchResult r;
  if (code == "rateLimited" || code == "apiKeyExhausted") {
    r = refused(Outcome::kRateLimited, detail);
    r.scope = code == "apiKeyExhausted" ? RateLimitScope::kDay : RateLimitScope::kUnknown;
    if (const auto value = response.header("retry-after")) r.retry_after_ms = httpclient::parse_retry_after(*value, now);
    return r;
  }
  if (code == "apiKeyInvalid" || code == "apiKeyMissing" || code == "apiKeyDisabled" || code == "parameterInvalid" ||
      code == "parametersMissing" || code == "sourcesTooMany" || code == "sourceDoesNotExist" ||
      code == "maximumResultsReached") {
    return refused(Outcome::kBadRequest, detail);
  }
  if (code == "unexpectedError") return refused(Outcome::kServerError, detail);
  if (auto by_status = classify_status(kId, response, now)) {
    by_status->detail += ": " + detail;
    return std::move(*by_status);
  }
  return refused(Outcome::kBadRequest, detail);
}

/// One element of "articles", or the reason it cannot be published.
std::variant<model::NewsArticle, std::string> read_article(const boost::json::value& v, const SymbolMatcher& symbols) {
  const auto* a = v.if_object();
  if (a == nullptr) return std::string("article: not an object");
  model::NewsArticle article;
  article.url = std::string(text_of(*a, "url"));
  if (article.url.empty()) return std::string("url: missing");
  article.id = model::article_id_for_url(article.url);
  article.title = std::string(text_of(*a, "title"));
  article.summary = std::string(text_of(*a, "description"));
  if (const auto* source = a->if_contains("source"); source != nullptr && source->is_object()) {
    article.source = std::string(text_of(source->as_object(), "name"));
  }
  if (article.source.empty()) article.source = "newsapi";
  const auto published = parse_time(text_of(*a, "publishedAt"));
  if (!published) return std::string("publishedAt: missing or not an ISO 8601 time");
  article.published_ts = *published;
  std::string text = article.title;
  text += '\n';
  text += article.summary;
  article.symbols = symbols.mentioned(text);
  return article;
}

}  // namespace

httpclient::Request everything_request(std::string_view base_url, std::string_view api_key, std::string_view q,
                                       std::optional<EpochMs> from) {
  std::vector<httpclient::Field> query{{"q", std::string(q)}, {"language", "en"}, {"sortBy", "publishedAt"},
                                       {"pageSize", "100"}};
  // News API reads "from" at second precision, without a zone as UTC.
  if (from) query.emplace_back("from", format_iso8601(*from / 1000 * 1000).substr(0, 19));
  return request(base_url, "/v2/everything", std::move(query), api_key);
}

httpclient::Request top_headlines_request(std::string_view base_url, std::string_view api_key,
                                          std::string_view category, std::string_view country) {
  return request(base_url, "/v2/top-headlines",
                 {{"category", std::string(category)}, {"country", std::string(country)}, {"pageSize", "100"}},
                 api_key);
}

std::string query_for(const std::vector<CompanyName>& companies) {
  std::string q;
  auto add = [&](std::string_view term) {
    if (term.empty()) return true;
    const std::size_t extra = (q.empty() ? 0 : 4) + term.size() + 2;  // " OR " and the quotes
    if (q.size() + extra > kMaxQuery) return false;
    if (!q.empty()) q += " OR ";
    q += '"';
    q += term;
    q += '"';
    return true;
  };
  for (const auto& c : companies) {
    const std::string name = short_company_name(c.name);
    // Short tickers are ordinary words to a full-text search: the name only.
    if (!add(name) || (c.symbol.size() >= 3 && !add(c.symbol))) break;
  }
  return q;
}

FetchResult read_articles(const httpclient::Response& response, const SymbolMatcher& symbols, EpochMs now) {
  auto value = parse_json_body(response.body);
  const auto* obj = value ? value->if_object() : nullptr;
  if (obj != nullptr && text_of(*obj, "status") == "error") return read_error(*obj, response, now);
  if (auto r = classify_status(kId, response, now)) return std::move(*r);  // an error without an error object
  if (response.status != 200) return refused(Outcome::kBadRequest, "HTTP " + std::to_string(response.status));
  if (!value) return malformed(kId, "parse", value.error().message, response.body);
  if (obj == nullptr || text_of(*obj, "status") != "ok") {
    return malformed(kId, "schema", "status: expected \"ok\" or \"error\"", response.body);
  }
  const auto* list = obj->if_contains("articles");
  if (list == nullptr || !list->is_array()) return malformed(kId, "schema", "articles: missing", response.body);

  FetchResult r;
  for (const auto& item : list->get_array()) {
    const std::string row_text = boost::json::serialize(item);
    if (const auto* a = item.if_object(); a != nullptr && text_of(*a, "title") == "[Removed]") continue;
    auto read = read_article(item, symbols);
    if (auto* why = std::get_if<std::string>(&read)) {
      r.rejected.push_back({"schema: newsapi: " + *why, row_text});
      continue;
    }
    accept_article(r, kId, std::move(std::get<model::NewsArticle>(read)), row_text);
  }
  finish_rows(r, kId);
  return r;
}

}  // namespace st::ingest::providers::news_api
