// The tick fast path against the full reader: whatever the fast path
// accepts, the full reader accepts with the same value (bit for bit), and
// the ticks our own encoder writes take the fast path.
#include "tick_decoder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "codec_test_messages.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::model {
namespace {

using detail::decode_plain_tick;
using detail::decode_tick_fully;

bool same(const PriceTick& a, const PriceTick& b) {
  return a == b && std::memcmp(&a.price, &b.price, sizeof a.price) == 0;
}

/// The fast path never accepts what the full reader rejects or reads differently.
void expect_agree(std::string_view json) {
  const auto fast = decode_plain_tick(json);
  const auto full = decode_tick_fully(json);
  if (fast) {
    ASSERT_TRUE(full) << json << ": " << full.error().message;
    EXPECT_TRUE(same(*fast, *full)) << json;
  }
  const auto tick = decode_tick(json);
  ASSERT_EQ(static_cast<bool>(tick), static_cast<bool>(full)) << json;
  if (tick) {
    EXPECT_TRUE(same(*tick, *full)) << json;
  } else {
    EXPECT_EQ(tick.error().message, full.error().message) << json;
  }
}

std::string replaced(std::string_view from, std::string_view to) {
  std::string s(test::kTickJson);
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST(TickFastPath, EncodedTicksTakeTheFastPathWithTheSameValue) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> price(0.0001, 1e6);
  for (int i = 0; i < 2000; ++i) {
    PriceTick t{std::string("S").append(std::to_string(i % 500)), price(rng), static_cast<std::int64_t>(rng() % 1'000'000),
                1'700'000'000'000 + static_cast<EpochMs>(rng() % 1'000'000'000), "simulator", "USD"};
    const std::string json = encode(t);
    const auto fast = decode_plain_tick(json);
    ASSERT_TRUE(fast) << json;
    const auto full = decode_tick_fully(json);
    ASSERT_TRUE(full) << json;
    EXPECT_TRUE(same(*fast, *full)) << json;
  }
  ASSERT_TRUE(decode_plain_tick(test::kTickJson));
}

TEST(TickFastPath, NumberSpellingsReadAsTheFullReaderReadsThem) {
  for (const char* p : {"189", "1e2", "1E+2", "0.1e-3", "189.250000000000001", "0.30000000000000004",
                        "123456789.123456789", "2.5e-300", "999999999999.9999", "1e12", "0", "-1", "1e999",
                        "18446744073709551616", "9223372036854775807"}) {
    expect_agree(replaced("189.25", p));
  }
  for (const char* v : {"0", "1e3", "5.0", "-5", "1000000000000", "1000000000001", "18446744073709551615"}) {
    expect_agree(replaced("300", v));
  }
  for (const char* ts : {"0", "1.7e12", "253402300799999", "253402300800000"}) {
    expect_agree(replaced("1700000000000", ts));
  }
}

TEST(TickFastPath, EveryOtherShapeFallsBackToTheFullReader) {
  const std::string cases[] = {
      R"( {"v" : 1, "symbol":"AAPL","price":189.25,"volume":300,"ts":1700000000000,"source":"simulator","currency":"USD"} )",
      R"({"currency":"USD","source":"simulator","ts":1700000000000,"volume":300,"price":189.25,"symbol":"AAPL","v":1})",
      replaced(R"("v":1)", R"("v":2)"),
      replaced(R"("v":1)", R"("v":1.0)"),
      replaced(R"("v":1,)", ""),
      replaced(R"("symbol":"AAPL")", R"("symbol":"aapl")"),
      replaced(R"("symbol":"AAPL")", R"("symbol":"ABCDEFGHIJK")"),
      replaced(R"("symbol":"AAPL")", R"("symbol":"A\u0041PL")"),
      replaced(R"("symbol":"AAPL")", R"("symbol":null)"),
      replaced(R"("source":"simulator")", R"("source":"sim\u00e9")"),
      replaced(R"("source":"simulator")", R"("source":"sim\nx")"),
      replaced(R"("source":"simulator")", R"("source":"")"),
      replaced(R"("source":"simulator")", R"("source":"123456789012345678901234567890123")"),
      replaced(R"("source":"simulator")", "\"source\":\"\xc3\xa9t\xc3\xa9\""),
      replaced(R"("source":"simulator")", "\"source\":\"\xff\""),
      replaced(R"("currency":"USD")", R"("currency":"usd")"),
      replaced(R"("currency":"USD")", R"("currency":"USDX")"),
      replaced(R"("currency":"USD")", R"("currency":"USD","currency":"EUR")"),
      replaced(R"("currency":"USD")", R"("currency":"USD","extra":1)"),
      replaced(R"("currency":"USD")", R"("currency":"USD","x":{"y":[1]})"),
      replaced(R"("price":189.25)", R"("price":"189.25")"),
      replaced(R"("price":189.25)", R"("price":true)"),
      replaced(R"("price":189.25)", R"("price":[1])"),
      std::string(test::kTickJson) + "x",
      std::string(test::kTickJson) + "{}",
      std::string(test::kTickJson.substr(0, 40)),
      "[" + std::string(test::kTickJson) + "]",
      "1",
      "",
      R"({"v":1,"v":1,"symbol":"AAPL","price":189.25,"volume":300,"ts":1700000000000,"source":"simulator","currency":"USD"})",
      R"({"v":1,/*c*/"symbol":"AAPL","price":189.25,"volume":300,"ts":1700000000000,"source":"simulator","currency":"USD"})",
  };
  for (const auto& json : cases) expect_agree(json);
  // A message over the size limit is the full reader's to reject.
  std::string big(test::kTickJson);
  big.insert(big.size() - 1, std::string(kMaxMessageBytes, ' '));
  EXPECT_FALSE(decode_plain_tick(big));
  expect_agree(big);
}

}  // namespace
}  // namespace st::model
