#pragma once
// Alpha Vantage NEWS_SENTIMENT: the request and the reading of its answer
// {"items": "50", ..., "feed": [{"title", "url", "time_published":
// "20240315T143210", "summary", "source", "ticker_sentiment": [{"ticker":
// "AAPL", ...}], ...}]} into news-articles messages, the secondary news
// source behind News API (news_poller.hpp). Errors and rate limits are
// Alpha Vantage's usual HTTP 200 bodies (alpha_vantage.hpp). Pure.
//
// An article's id is the hash of its URL, as News API's (model::
// article_id_for_url), so a story both give is published once. Its symbols
// are the tickers of "ticker_sentiment" that are valid symbols (Alpha
// Vantage also lists "CRYPTO:BTC" and "FOREX:USD", which are not companies),
// and failing those the tracked companies its title or summary mentions.
// "time_published" has no zone; like all Alpha Vantage times it is read as
// US/Eastern.
#include <optional>
#include <string_view>

#include "news_symbols.hpp"
#include "provider.hpp"

namespace st::ingest::providers::alpha_vantage {

/// The newest articles (sort=LATEST, at most `limit`) about `ticker`
/// (empty: the financial-markets topic), published from `from` on when given.
httpclient::Request news_request(std::string_view base_url, std::string_view api_key, std::string_view ticker,
                                 std::optional<EpochMs> from, int limit);

FetchResult read_news(const httpclient::Response& response, const SymbolMatcher& symbols, EpochMs now);

}  // namespace st::ingest::providers::alpha_vantage
