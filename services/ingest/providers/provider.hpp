#pragma once
// What every market-data provider's answer turns into, and the parts of
// reading an answer that do not depend on the provider. Pure: no I/O.
#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/httpclient/client.hpp"
#include "stocktracker/model/messages.hpp"
#include "stocktracker/model/named_enum.hpp"

namespace st::ingest::providers {

enum class ProviderId { kAlphaVantage, kYahoo, kNewsApi, kFred };
}  // namespace st::ingest::providers

template <>
struct st::model::EnumNames<st::ingest::providers::ProviderId> {
  // Also the `source` of the ticks each provider gives.
  static constexpr std::array<std::string_view, 4> kNames{"alphavantage", "yahoo", "newsapi", "fred"};
};

namespace st::ingest::providers {

/// How one request to a provider went. Decides what the failover chain,
/// the breaker and the backoff do next.
enum class Outcome {
  kOk,           // data (some rows may still have been rejected)
  kRateLimited,  // HTTP 429, or Alpha Vantage's 200 with "Note"/"Information"
  kBadSymbol,    // the provider does not know this symbol; another may
  kBadRequest,   // our request or key was refused: retrying the same will not help
  kServerError,  // 5xx, or the transport failed (timeout, refused, reset)
  kMalformed,    // an answer we cannot read: invalid JSON, missing fields, bad values
};

}  // namespace st::ingest::providers

template <>
struct st::model::EnumNames<st::ingest::providers::Outcome> {
  static constexpr std::array<std::string_view, 6> kNames{"ok",           "rate_limited", "bad_symbol",
                                                          "bad_request", "server_error", "malformed"};
};

namespace st::ingest::providers {

/// What a rate-limit answer says about which quota ran out.
enum class RateLimitScope { kUnknown, kMinute, kDay };

/// Something that could not be published, for the dead-letter topic: the
/// reason starts with a code of schemas/dlq-headers.md and names the provider.
struct Rejection {
  std::string reason;
  std::string payload;  // the provider's text it came from
};

struct FetchResult {
  Outcome outcome = Outcome::kOk;
  std::vector<model::PriceTick> ticks{};
  std::vector<Rejection> rejected{};
  std::vector<model::NewsArticle> articles{};  // from news providers
  std::vector<model::EconomicIndicator> indicators{};  // from economic-data providers
  std::string detail{};  // why, for the logs (never holds the API key)
  std::optional<EpochMs> retry_after_ms{};
  RateLimitScope scope = RateLimitScope::kUnknown;
};

/// The outcome of a transport failure (no HTTP answer at all).
FetchResult transport_failure(ProviderId provider, const Error& error);

/// 429, 5xx and 401/403 mean the same for every provider; nullopt for any
/// other status (the provider's own reader decides).
std::optional<FetchResult> classify_status(ProviderId provider, const httpclient::Response& response, EpochMs now);

/// A whole answer that could not be read: kMalformed with one dead letter
/// "<code>: <provider>: <detail>" carrying the body.
FetchResult malformed(ProviderId provider, std::string_view code, std::string_view detail, std::string_view body);

/// The body parsed as JSON (at most 16 levels deep), or why it is not JSON.
Result<boost::json::value> parse_json_body(std::string_view body);

/// Validates `tick` against the stock-prices schema (the topic's codec, so
/// the rules cannot drift apart) and adds it to `result.ticks`, or adds a
/// "schema: <provider>: <field>: <problem>" rejection carrying `row_text`.
void accept_tick(FetchResult& result, model::PriceTick tick, std::string_view row_text);
/// The same for a news article, against the news-articles schema.
void accept_article(FetchResult& result, ProviderId provider, model::NewsArticle article, std::string_view row_text);
/// The same for an economic indicator value, against the economic-indicators schema.
void accept_indicator(FetchResult& result, ProviderId provider, model::EconomicIndicator indicator,
                      std::string_view row_text);
/// Ends a read that produced rows (ticks, articles or indicator values): an answer whose every row was rejected is
/// kMalformed (the provider is misbehaving: fail over), otherwise kOk.
void finish_rows(FetchResult& result, ProviderId provider);

/// A decimal number as providers write it in strings ("167.4300"):
/// finite, nothing else around it.
std::optional<double> parse_decimal(std::string_view text);
/// A non-negative whole number ("3514513").
std::optional<std::int64_t> parse_count(std::string_view text);

/// The canonical form of a provider's symbol ("brk-b" -> "BRK.B"), for
/// comparing the symbol an answer is about with the one asked for.
std::string canonical_symbol(std::string_view provider_symbol);

}  // namespace st::ingest::providers
