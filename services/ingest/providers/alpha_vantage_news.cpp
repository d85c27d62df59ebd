#include "alpha_vantage_news.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

#include "alpha_vantage.hpp"
#include "new_york_time.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::ingest::providers::alpha_vantage {
namespace {

constexpr ProviderId kId = ProviderId::kAlphaVantage;

std::string_view text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

/// "20240315T143210" (US/Eastern) as UTC ms.
std::optional<EpochMs> parse_published(std::string_view t) {
  if (t.size() != 15 || t[8] != 'T') return std::nullopt;
  std::string local(t.substr(0, 4));
  local += '-';
  local += t.substr(4, 2);
  local += '-';
  local += t.substr(6, 2);
  local += ' ';
  local += t.substr(9, 2);
  local += ':';
  local += t.substr(11, 2);
  local += ':';
  local += t.substr(13, 2);
  return parse_new_york_time(local);
}

/// `ms` as Alpha Vantage's time_from, "YYYYMMDDTHHMM" in US/Eastern. The
/// offset is the one in force at the UTC time read as local: within hours of
/// a DST change the filter may start an hour early, which only adds overlap.
std::string av_time(EpochMs ms) {
  const EpochMs offset = new_york_local_to_utc(ms) - ms;
  const std::string iso = format_iso8601(ms - offset);  // the New York wall clock, written as UTC
  std::string out;
  for (const char c : iso.substr(0, 16)) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

}  // namespace

httpclient::Request news_request(std::string_view base_url, std::string_view api_key, std::string_view ticker,
                                 std::optional<EpochMs> from, int limit) {
  std::vector<httpclient::Field> query{{"function", "NEWS_SENTIMENT"}};
  if (ticker.empty()) {
    query.emplace_back("topics", "financial_markets");
  } else {
    query.emplace_back("tickers", std::string(ticker));
  }
  if (from) query.emplace_back("time_from", av_time(*from));
  query.emplace_back("sort", "LATEST");
  query.emplace_back("limit", std::to_string(limit));
  query.emplace_back("apikey", std::string(api_key));
  return {.url = std::string(base_url) + "/query", .query = std::move(query), .headers = {}};
}

FetchResult read_news(const httpclient::Response& response, const SymbolMatcher& symbols, EpochMs now) {
  auto opened = open_answer(response, "NEWS_SENTIMENT", now);
  if (auto* done = std::get_if<FetchResult>(&opened)) return std::move(*done);
  const auto& obj = std::get<boost::json::object>(opened);
  const auto* feed = obj.if_contains("feed");
  if (feed == nullptr || !feed->is_array()) return malformed(kId, "schema", "feed: missing", response.body);

  FetchResult r;
  for (const auto& item : feed->get_array()) {
    const std::string row_text = boost::json::serialize(item);
    auto reject = [&](std::string_view why) { r.rejected.push_back({"schema: alphavantage: " + std::string(why), row_text}); };
    const auto* a = item.if_object();
    if (a == nullptr) {
      reject("feed item: not an object");
      continue;
    }
    model::NewsArticle article;
    article.url = std::string(text_of(*a, "url"));
    if (article.url.empty()) {
      reject("url: missing");
      continue;
    }
    const auto published = parse_published(text_of(*a, "time_published"));
    if (!published) {
      reject("time_published: missing or not YYYYMMDDTHHMMSS");
      continue;
    }
    article.id = model::article_id_for_url(article.url);
    article.title = std::string(text_of(*a, "title"));
    article.summary = std::string(text_of(*a, "summary"));
    article.source = std::string(text_of(*a, "source"));
    if (article.source.empty()) article.source = "alphavantage";
    article.published_ts = *published;
    if (const auto* tickers = a->if_contains("ticker_sentiment"); tickers != nullptr && tickers->is_array()) {
      for (const auto& t : tickers->get_array()) {
        const auto* to = t.if_object();
        const std::string symbol = canonical_symbol(to != nullptr ? text_of(*to, "ticker") : "");
        if (model::valid_symbol(symbol) &&
            std::find(article.symbols.begin(), article.symbols.end(), symbol) == article.symbols.end()) {
          article.symbols.push_back(symbol);
        }
      }
    }
    if (article.symbols.empty()) {
      std::string text = article.title;
      text += '\n';
      text += article.summary;
      article.symbols = symbols.mentioned(text);
    }
    accept_article(r, kId, std::move(article), row_text);
  }
  finish_rows(r, kId);
  return r;
}

}  // namespace st::ingest::providers::alpha_vantage
