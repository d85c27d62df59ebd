// Answers of the outside market-data providers (Alpha Vantage quotes,
// intraday and daily series, news, economic series and company overviews;
// Yahoo Finance charts; News API articles; FRED observations), read by the
// same pure functions ingest calls. The first byte picks the reader (low
// four bits), the symbol (bits 4-5), the economic series (the high four
// bits, modulo the table) and whether the answer is a 429 whose
// Retry-After is the body's first line (bit 6). Invariant: what
// a reader hands on for publishing is a message its topic's codec accepts
// as it is (ingest publishes it without decoding it again).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "providers/alpha_vantage.hpp"
#include "providers/alpha_vantage_economy.hpp"
#include "providers/alpha_vantage_news.hpp"
#include "providers/alpha_vantage_overview.hpp"
#include "providers/economic_series.hpp"
#include "providers/fred.hpp"
#include "providers/news_api.hpp"
#include "providers/news_symbols.hpp"
#include "providers/yahoo_finance.hpp"
#include "stocktracker/model/codec.hpp"

namespace {

namespace providers = st::ingest::providers;
namespace av = providers::alpha_vantage;

constexpr st::EpochMs kNow = 1710770400000;  // 2024-03-18T14:00:00Z, as the providers' unit tests
constexpr std::string_view kSymbols[] = {"IBM", "AAPL", "MSFT", "BRK.B"};

template <class Decode, class T>
void publishable(Decode decode, const std::vector<T>& values) {
  for (const auto& v : values) st::fuzz::check_encodes_back(decode, v);
}

void check(const providers::FetchResult& r) {
  publishable(st::model::decode_tick, r.ticks);
  publishable(st::model::decode_news, r.articles);
  publishable(st::model::decode_indicator, r.indicators);
  for (const auto& rejected : r.rejected) FUZZ_CHECK(!rejected.reason.empty(), rejected.payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const providers::SymbolMatcher matcher(std::vector<providers::CompanyName>{
      {"AAPL", "Apple Inc."}, {"MSFT", "Microsoft Corporation"}, {"IBM", "International Business Machines"}});
  const auto series_table = providers::economic_series();
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  st::httpclient::Response response;
  response.status = 200;
  if ((data[0] & 0x40) != 0) {
    const auto nl = body.find('\n');
    response.status = 429;
    response.headers.push_back({"retry-after", std::string(body.substr(0, nl))});
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
  }
  response.body.assign(body);
  const unsigned pick = (data[0] >> 4) & 3;
  const std::string_view symbol = kSymbols[pick];
  const auto& series = series_table[(data[0] >> 4) % series_table.size()];
  switch ((data[0] & 0x0F) % 9) {
    case 0: check(av::read_quote(response, symbol, kNow)); break;
    case 1: check(av::read_intraday(response, symbol, kNow)); break;
    case 2: check(av::read_daily(response, symbol, kNow)); break;
    case 3: check(av::read_news(response, matcher, kNow)); break;
    case 4: check(av::read_economic(response, series, 10, kNow)); break;
    case 5: {
      const auto r = av::read_overview(response, symbol, kNow);
      check(r.fetch);
      if (r.profile) FUZZ_CHECK(!r.profile->symbol.empty(), response.body);
      break;
    }
    case 6: check(providers::yahoo::read_chart(response, symbol, kNow)); break;
    case 7: check(providers::news_api::read_articles(response, matcher, kNow)); break;
    default: check(providers::fred::read_observations(response, series, 10, kNow)); break;
  }
  return 0;
}
