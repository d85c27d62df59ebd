#include "message_text.hpp"

#include <gtest/gtest.h>

namespace st::notify {
namespace {

using model::RuleKind;

model::Alert alert(RuleKind kind) {
  model::Alert a;
  a.alert_id = "u7:r12:AAPL:1764255600000";
  a.user_id = UserId(7);
  a.kind = kind;
  a.symbol = "AAPL";
  a.company_name = "Apple Inc.";
  a.event_ts = 1764255600000;  // 2025-11-27T15:00:00Z
  a.message = "AAPL crossed the line";
  return a;
}

std::size_t chars(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

TEST(Compose, PriceAlertsNameTheCompanyThePriceAndTheThreshold) {
  auto a = alert(RuleKind::kPriceAbove);
  a.price = 201.349;
  a.threshold = 200;
  EXPECT_EQ(compose(a).title, "Apple Inc. (AAPL) at 201.35, above 200.00");
  a.kind = RuleKind::kPriceBelow;
  a.price = 0.00123;
  a.threshold = 0.002;
  a.company_name.reset();
  EXPECT_EQ(compose(a).title, "AAPL at 0.00123, below 0.002");
}

TEST(Compose, PercentAlertsSayTheDirection) {
  auto a = alert(RuleKind::kPctChangePrevClose);
  a.change_pct = 5.2;
  EXPECT_EQ(compose(a).title, "Apple Inc. (AAPL) up 5.20% since the previous close");
  a.change_pct = -3.456;
  EXPECT_EQ(compose(a).title, "Apple Inc. (AAPL) down 3.46% since the previous close");
  a.kind = RuleKind::kPctChangeWindow;
  EXPECT_EQ(compose(a).title, "Apple Inc. (AAPL) down 3.46% within the rule's window");
  a.kind = RuleKind::kCompositeNewsDrop;
  EXPECT_EQ(compose(a).title, "Apple Inc. (AAPL) down 3.46% on negative news");
}

TEST(Compose, EveryKindHasATitleEvenWithoutItsFigures) {
  for (auto kind : {RuleKind::kPriceAbove, RuleKind::kPriceBelow, RuleKind::kPctChangePrevClose,
                    RuleKind::kPctChangeWindow, RuleKind::kVolumeSpike, RuleKind::kMaCross, RuleKind::kNewsSentiment,
                    RuleKind::kCompositeNewsDrop, RuleKind::kIndicatorThreshold}) {
    const auto text = compose(alert(kind));
    EXPECT_TRUE(text.title.starts_with("Apple Inc. (AAPL) ")) << text.title;
    EXPECT_GT(text.title.size(), std::string_view("Apple Inc. (AAPL) ").size()) << text.title;
  }
}

TEST(Compose, IndicatorAlertsHaveNoSymbol) {
  model::Alert a = alert(RuleKind::kIndicatorThreshold);
  a.symbol.reset();
  a.company_name.reset();
  a.threshold = 3.5;
  EXPECT_EQ(compose(a).title, "Economic indicator crossed 3.5");
}

TEST(Compose, TheBodyIsTheMessageAndTheFiguresThatFiredTheAlert) {
  auto a = alert(RuleKind::kNewsSentiment);
  a.sentiment = -0.72;
  a.price = 190.5;
  EXPECT_EQ(compose(a).title, "Apple Inc. (AAPL) news sentiment -0.72");
  EXPECT_EQ(compose(a).body,
            "AAPL crossed the line\nPrice 190.50, sentiment -0.72, event time 2025-11-27T15:00:00.000Z.");
  a.kind = RuleKind::kVolumeSpike;
  a.threshold = 3;
  EXPECT_EQ(compose(a).title, "Apple Inc. (AAPL) volume spike: over 3x the usual volume");
}

TEST(Compose, TheSameAlertGivesTheSameText) {
  auto a = alert(RuleKind::kPctChangePrevClose);
  a.change_pct = 7;
  EXPECT_EQ(compose(a), compose(a));
}

TEST(Compose, TitlesAndBodiesFitTheTable) {
  auto a = alert(RuleKind::kPriceAbove);
  a.company_name = std::string(200, 'x');
  a.message = std::string(2000, 'm');
  const auto text = compose(a);
  EXPECT_LE(chars(text.title), kMaxTitleChars);
  EXPECT_LE(chars(text.body), kMaxBodyChars);
}

TEST(TruncateChars, CountsCharactersNotBytesAndNeverSplitsOne) {
  EXPECT_EQ(truncate_chars("short", 5), "short");
  EXPECT_EQ(truncate_chars("exactly six", 6), "exa...");
  EXPECT_EQ(truncate_chars("\xC3\xA9t\xC3\xA9", 3), "\xC3\xA9t\xC3\xA9");  // "été": 3 characters, 5 bytes
  EXPECT_EQ(truncate_chars("\xC3\xA9t\xC3\xA9 \xC3\xA9t\xC3\xA9", 5), "\xC3\xA9t...");
  std::string euros;
  for (int i = 0; i < 600; ++i) euros += "\xE2\x82\xAC";
  const std::string cut = truncate_chars(euros, 500);
  EXPECT_EQ(chars(cut), 500u);
  EXPECT_TRUE(cut.ends_with("\xE2\x82\xAC..."));
}

}  // namespace
}  // namespace st::notify
