#pragma once
// News API (https://newsapi.org/docs): requests for /v2/everything and
// /v2/top-headlines, and the reading of their answers into news-articles
// messages. Pure: the caller does the HTTP.
//
// The key goes in the X-Api-Key header (documented), never in the URL.
// Answers are {"status": "ok", "totalResults": n, "articles": [...]} or
// {"status": "error", "code": "...", "message": "..."} with an HTTP status:
//  - 429 rateLimited (too many requests in a window): rate limited;
//  - 429 apiKeyExhausted (no requests left today): rate limited for the day;
//  - 401 apiKeyInvalid / apiKeyMissing / apiKeyDisabled: bad request;
//  - 400 parameterInvalid / parametersMissing / sourcesTooMany /
//    sourceDoesNotExist, 426 maximumResultsReached (the free plan's 100
//    results): bad request, the same request will not do better;
//  - 500 unexpectedError: server error.
// An article becomes a message with id = hash of its URL, summary = its
// description, source = the publisher's name, published_ts = its
// "publishedAt" (UTC), symbols = the tracked companies its title or
// description mentions (news_symbols.hpp). Articles News API reports as
// "[Removed]" are skipped, not dead-lettered: that is what the provider
// answers for a withdrawn story.
#include <optional>
#include <string_view>

#include "news_symbols.hpp"
#include "provider.hpp"

namespace st::ingest::providers::news_api {

/// /v2/everything: the newest articles (sortBy=publishedAt, English) whose
/// text matches `q` (News API's query syntax, at most 500 characters),
/// published at or after `from` when given.
httpclient::Request everything_request(std::string_view base_url, std::string_view api_key, std::string_view q,
                                       std::optional<EpochMs> from);
/// /v2/top-headlines: today's headlines of a category in a country ("business", "us").
httpclient::Request top_headlines_request(std::string_view base_url, std::string_view api_key,
                                          std::string_view category, std::string_view country);

/// The query for the tracked companies: their short names and tickers
/// joined with OR, each quoted, cut at the 500-character limit (the
/// companies first in `companies` are kept).
std::string query_for(const std::vector<CompanyName>& companies);

/// The articles of an answer to either request.
FetchResult read_articles(const httpclient::Response& response, const SymbolMatcher& symbols, EpochMs now);

}  // namespace st::ingest::providers::news_api
