// The tick fast path against the full reader: whatever the fast path
// accepts, the full reader accepts with the same value (bit for bit), and
// the ticks our own encoder writes take the fast path.
#include "tick_decoder.hpp"

#include <gtest/gtest.h>

#include <cmath>
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

/// The scanner answers only where the SAX reader agrees bit for bit.
void expect_scan_agrees(std::string_view json) {
  const auto scanned = detail::scan_plain_tick(json);
  if (!scanned) return;
  const auto sax = detail::decode_plain_tick_sax(json);
  ASSERT_TRUE(sax) << json;
  EXPECT_TRUE(same(*scanned, *sax)) << json;
}

TEST(TickScanner, TakesWhatOurEncoderWritesWithTheSaxReadersValue) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> price(0.01, 1e6);
  int arbitrary_taken = 0;
  for (int i = 0; i < 20000; ++i) {
    // Whole cents (what ingest sends) and arbitrary doubles (up to 17 digits).
    const bool cents = i % 2 == 0;
    const double p = cents ? std::round(price(rng) * 100.0) / 100.0 : price(rng);
    PriceTick t{std::string("S").append(std::to_string(i % 500)), p, static_cast<std::int64_t>(rng() % 1'000'000),
                1'700'000'000'000 + static_cast<EpochMs>(rng() % 1'000'000'000), "simulator", "USD"};
    const std::string json = encode(t);
    const auto scanned = detail::scan_plain_tick(json);
    const auto sax = detail::decode_plain_tick_sax(json);
    ASSERT_TRUE(sax) << json;
    if (cents) {
      ASSERT_TRUE(scanned) << json;
    }
    if (!scanned) continue;
    arbitrary_taken += cents ? 0 : 1;
    EXPECT_TRUE(same(*scanned, *sax)) << json;
  }
  // Every price our encoder writes, whatever its digits.
  EXPECT_EQ(arbitrary_taken, 10000);
}

TEST(TickScanner, NumberSpellingsAgreeWithTheSaxReader) {
  // Digit counts around the 15- and 18-digit limits, on both sides of the point.
  std::mt19937_64 rng(11);
  int taken = 0;
  for (int digits = 1; digits <= 20; ++digits) {
    for (int point = 1; point < digits; ++point) {
      for (int k = 0; k < 50; ++k) {
        std::string num;
        for (int d = 0; d < digits; ++d) {
          if (d == point) num += '.';
          num += static_cast<char>('0' + (d == 0 ? 1 + rng() % 9 : rng() % 10));
        }
        for (const std::string& p : {num, "0." + num.substr(0, num.find('.')) + num.substr(num.find('.') + 1)}) {
          const std::string json = replaced("189.25", p);
          if (detail::scan_plain_tick(json)) ++taken;
          expect_scan_agrees(json);
        }
      }
    }
  }
  EXPECT_GT(taken, 10000);
  for (const char* p : {"189", "0.5", "00.5", "0", "1.", ".5", "1e2", "1.5E2", "-1.5", "+1", "189.25 ", "1.0000000000000001",
                        "999999999999.99", "1000000000000", "0.000000000000001"}) {
    expect_scan_agrees(replaced("189.25", p));
  }
  for (const char* v : {"0", "01", "-0", "5.0", "1e3", "1000000000000", "1000000000001", "999999999999999999",
                        "9999999999999999999"}) {
    expect_scan_agrees(replaced("300", v));
  }
  EXPECT_TRUE(detail::scan_plain_tick(test::kTickJson));
  // Other layouts are valid, but the SAX reader's.
  EXPECT_FALSE(detail::scan_plain_tick(replaced(R"("v":1,)", R"("v" : 1,)")));
  EXPECT_TRUE(detail::decode_plain_tick(replaced(R"("v":1,)", R"("v" : 1,)")));
}

TEST(TickScanner, MangledTicksNeverReadDifferently) {
  // Seeded byte edits of a tick: whatever the scanner still takes, the SAX
  // reader takes with the same value.
  std::mt19937_64 rng(3);
  const std::string alphabet = "{}[]\":,.-+eE0123456789 \tA\\u\x01\xc3\xa9vx";
  int taken = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s(test::kTickJson);
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
      const std::size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          s.erase(at, 1);
          break;
        default:
          s.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
      if (s.empty()) break;
    }
    if (detail::scan_plain_tick(s)) ++taken;
    ASSERT_NO_FATAL_FAILURE(expect_scan_agrees(s));
  }
  EXPECT_GT(taken, 0);  // some edits (digits) keep a valid tick
}

}  // namespace
}  // namespace st::model
