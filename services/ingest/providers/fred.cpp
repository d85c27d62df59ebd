#include "fred.hpp"

#include <boost/json/object.hpp>

#include <algorithm>

namespace st::ingest::providers::fred {
namespace {

constexpr ProviderId kId = ProviderId::kFred;

bool contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

FetchResult refused(Outcome outcome, std::string_view text) {
  FetchResult r;
  r.outcome = outcome;
  r.detail = "fred: " + std::string(text);
  return r;
}

/// An answer with FRED's error object: what its code and message mean.
FetchResult read_error(const boost::json::object& obj, const httpclient::Response& response,
                       const EconomicSeries& series, EpochMs now) {
  const auto* message = obj.if_contains("error_message");
  const std::string text = message != nullptr && message->is_string() ? std::string(message->get_string()) : "";
  const std::string detail = "HTTP " + std::to_string(response.status) + ": " + text;
  if (auto by_status = classify_status(kId, response, now)) {  // 429 (Retry-After kept), 5xx, 401/403
    by_status->detail += ": " + text;
    return std::move(*by_status);
  }
  if (contains(text, "series does not exist")) {
    FetchResult r = refused(Outcome::kBadSymbol, detail);
    r.rejected.push_back({"rejected: fred: unknown series " + std::string(series.fred_series), response.body});
    return r;
  }
  return refused(Outcome::kBadRequest, detail);
}

}  // namespace

httpclient::Request observations_request(std::string_view base_url, std::string_view api_key,
                                         const EconomicSeries& series, std::size_t limit) {
  return {.url = std::string(base_url) + "/fred/series/observations",
          .query = {{"series_id", std::string(series.fred_series)},
                    {"api_key", std::string(api_key)},
                    {"file_type", "json"},
                    {"sort_order", "desc"},  // with limit: the newest ones
                    {"limit", std::to_string(std::max<std::size_t>(limit, 1))}},
          .headers = {}};
}

FetchResult read_observations(const httpclient::Response& response, const EconomicSeries& series, std::size_t keep,
                              EpochMs now) {
  auto value = parse_json_body(response.body);
  const auto* obj = value ? value->if_object() : nullptr;
  if (obj != nullptr && obj->contains("error_code")) return read_error(*obj, response, series, now);
  if (auto r = classify_status(kId, response, now)) return std::move(*r);  // an error without an error object
  if (response.status != 200) return refused(Outcome::kBadRequest, "HTTP " + std::to_string(response.status));
  if (!value) return malformed(kId, "parse", value.error().message, response.body);
  if (obj == nullptr) return malformed(kId, "parse", "the answer is not a JSON object", response.body);
  const auto* rows = obj->if_contains("observations");
  if (rows == nullptr || !rows->is_array()) return malformed(kId, "schema", "observations: missing", response.body);

  FetchResult r;
  providers::read_observations(r, kId, series, rows->get_array(), keep, now);
  finish_rows(r, kId);
  return r;
}

}  // namespace st::ingest::providers::fred
