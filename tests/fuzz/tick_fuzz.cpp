// stock-prices messages: the three readers of decode_tick must agree. The
// exact-layout scanner and the SAX reader may refuse anything (the full
// reader then decides), but what they accept the full reader must accept
// with the same value, bit for bit; decode_tick must answer exactly as the
// full reader does (value or error message); and an accepted tick encodes
// to a message that decodes to the same tick.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "stocktracker/model/codec.hpp"
#include "tick_decoder.hpp"

namespace {

using st::model::PriceTick;

bool same(const PriceTick& a, const PriceTick& b) {
  return a == b && std::memcmp(&a.price, &b.price, sizeof a.price) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  namespace detail = st::model::detail;
  const auto full = detail::decode_tick_fully(json);
  for (const auto& fast : {detail::scan_plain_tick(json), detail::decode_plain_tick_sax(json)}) {
    if (!fast) continue;
    FUZZ_CHECK(full.has_value(), json);
    FUZZ_CHECK(same(*fast, *full), json);
  }
  const auto tick = st::model::decode_tick(json);
  FUZZ_CHECK(tick.has_value() == full.has_value(), json);
  if (!tick) {
    FUZZ_CHECK(tick.error().message == full.error().message, json);
    return 0;
  }
  FUZZ_CHECK(same(*tick, *full), json);
  const std::string encoded = st::model::encode(*tick);
  const auto back = st::model::decode_tick(encoded);
  FUZZ_CHECK(back.has_value(), encoded);
  FUZZ_CHECK(same(*back, *tick), encoded);
  std::string appended = "x";
  st::model::encode_to(appended, *tick);
  FUZZ_CHECK(std::string_view(appended).substr(1) == encoded, appended);
  return 0;
}
