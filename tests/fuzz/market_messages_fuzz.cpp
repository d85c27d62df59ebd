// The other market-data topics (news-articles, news-scored,
// economic-indicators, price-candles-5m/-1h/-1d): the first byte picks the
// decoder, the rest is the message. What a decoder accepts must encode to
// a message the same decoder accepts with the same value.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "stocktracker/model/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: st::fuzz::check_round_trip(st::model::decode_news, json); break;
    case 1: st::fuzz::check_round_trip(st::model::decode_scored_news, json); break;
    case 2: st::fuzz::check_round_trip(st::model::decode_indicator, json); break;
    case 3: st::fuzz::check_round_trip(st::model::decode_candle, json); break;
    case 4: st::fuzz::check_round_trip(st::model::decode_hour_candle, json); break;
    default: st::fuzz::check_round_trip(st::model::decode_day_candle, json); break;
  }
  return 0;
}
