#include "alpha_vantage_economy.hpp"

#include "alpha_vantage.hpp"

namespace st::ingest::providers::alpha_vantage {

httpclient::Request economic_request(std::string_view base_url, std::string_view api_key,
                                     const EconomicSeries& series) {
  std::vector<httpclient::Field> query{{"function", std::string(series.av_function)}};
  if (!series.av_interval.empty()) query.emplace_back("interval", std::string(series.av_interval));
  if (!series.av_maturity.empty()) query.emplace_back("maturity", std::string(series.av_maturity));
  query.emplace_back("apikey", std::string(api_key));
  return {.url = std::string(base_url) + "/query", .query = std::move(query), .headers = {}};
}

FetchResult read_economic(const httpclient::Response& response, const EconomicSeries& series, std::size_t keep,
                          EpochMs now) {
  constexpr ProviderId kId = ProviderId::kAlphaVantage;
  auto opened = open_answer(response, series.av_function, now);
  if (auto* done = std::get_if<FetchResult>(&opened)) return std::move(*done);
  const auto& obj = std::get<boost::json::object>(opened);
  const auto* data = obj.if_contains("data");
  if (data == nullptr || !data->is_array()) return malformed(kId, "schema", "data: missing", response.body);
  FetchResult r;
  read_observations(r, kId, series, data->get_array(), keep, now);
  finish_rows(r, kId);
  return r;
}

}  // namespace st::ingest::providers::alpha_vantage
