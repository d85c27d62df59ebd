#include "provider.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <charconv>
#include <cmath>

#include "stocktracker/model/codec.hpp"

namespace st::ingest::providers {
namespace {

std::string prefixed(ProviderId provider, std::string_view text) {
  std::string out(model::to_string(provider));
  out += ": ";
  out += text;
  return out;
}

/// "schema: price: must be greater than 0" -> "schema: yahoo: price: ...".
std::string schema_reason(const std::string& why, const std::string& source) {
  const auto colon = why.find(": ");
  return colon == std::string::npos ? "schema: " + source + ": " + why
                                    : why.substr(0, colon + 2) + source + ": " + why.substr(colon + 2);
}

}  // namespace

FetchResult transport_failure(ProviderId provider, const Error& error) {
  FetchResult r;
  // A body we refused to read to its end is the provider's fault, not the
  // network's: it is malformed, and nothing is left to dead-letter.
  r.outcome = error.code == Errc::kInvalidInput ? Outcome::kMalformed : Outcome::kServerError;
  r.detail = prefixed(provider, std::string(to_string(error.code)) + ": " + error.message);
  return r;
}

std::optional<FetchResult> classify_status(ProviderId provider, const httpclient::Response& response, EpochMs now) {
  const int status = response.status;
  FetchResult r;
  if (status == 429 || status == 503) {
    if (const auto value = response.header("retry-after")) r.retry_after_ms = httpclient::parse_retry_after(*value, now);
  }
  if (status == 429) {
    r.outcome = Outcome::kRateLimited;
  } else if (status >= 500) {
    r.outcome = Outcome::kServerError;
  } else if (status == 401 || status == 403) {
    r.outcome = Outcome::kBadRequest;
  } else {
    return std::nullopt;
  }
  r.detail = prefixed(provider, "HTTP " + std::to_string(status));
  return r;
}

FetchResult malformed(ProviderId provider, std::string_view code, std::string_view detail, std::string_view body) {
  FetchResult r;
  r.outcome = Outcome::kMalformed;
  r.detail = prefixed(provider, detail);
  r.rejected.push_back({std::string(code) + ": " + r.detail, std::string(body)});
  return r;
}

Result<boost::json::value> parse_json_body(std::string_view body) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 16;
  auto value = boost::json::parse(body, ec, {}, options);
  if (ec) return fail(Errc::kInvalidInput, "not JSON: " + ec.message());
  return value;
}

void accept_tick(FetchResult& result, model::PriceTick tick, std::string_view row_text) {
  if (auto checked = model::decode_tick(model::encode(tick)); !checked) {
    result.rejected.push_back({schema_reason(checked.error().message, tick.source), std::string(row_text)});
    return;
  }
  result.ticks.push_back(std::move(tick));
}

void accept_article(FetchResult& result, ProviderId provider, model::NewsArticle article, std::string_view row_text) {
  if (auto checked = model::decode_news(model::encode(article)); !checked) {
    result.rejected.push_back(
        {schema_reason(checked.error().message, std::string(model::to_string(provider))), std::string(row_text)});
    return;
  }
  result.articles.push_back(std::move(article));
}

void accept_indicator(FetchResult& result, ProviderId provider, model::EconomicIndicator indicator,
                      std::string_view row_text) {
  if (auto checked = model::decode_indicator(model::encode(indicator)); !checked) {
    result.rejected.push_back(
        {schema_reason(checked.error().message, std::string(model::to_string(provider))), std::string(row_text)});
    return;
  }
  result.indicators.push_back(std::move(indicator));
}

void finish_rows(FetchResult& result, ProviderId provider) {
  if (result.ticks.empty() && result.articles.empty() && result.indicators.empty() && !result.rejected.empty()) {
    result.outcome = Outcome::kMalformed;
    result.detail = prefixed(provider, "every row was rejected: " + result.rejected.front().reason);
  } else {
    result.outcome = Outcome::kOk;
  }
}

std::optional<double> parse_decimal(std::string_view text) {
  double v = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_count(std::string_view text) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || ptr != end || v < 0) return std::nullopt;
  return v;
}

std::string canonical_symbol(std::string_view provider_symbol) {
  std::string out(provider_symbol);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '-') c = '.';
  }
  return out;
}

}  // namespace st::ingest::providers
