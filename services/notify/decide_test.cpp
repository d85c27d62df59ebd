#include "decide.hpp"

#include <gtest/gtest.h>

namespace st::notify {
namespace {

constexpr MinuteOfDay at(int hour, int minute) { return hour * 60 + minute; }

DeliveryPreferences everything_on(std::optional<QuietWindow> quiet = std::nullopt) {
  return {.channels = {.email = true, .sms = true, .push = true, .in_app = true},
          .has_phone = true,
          .quiet_hours = quiet};
}

TEST(QuietHours, AWindowWithinOneDayIncludesItsStartButNotItsEnd) {
  const QuietWindow lunch{at(12, 0), at(13, 30)};
  EXPECT_FALSE(in_quiet_hours(lunch, at(11, 59)));
  EXPECT_TRUE(in_quiet_hours(lunch, at(12, 0)));
  EXPECT_TRUE(in_quiet_hours(lunch, at(13, 29)));
  EXPECT_FALSE(in_quiet_hours(lunch, at(13, 30)));
}

TEST(QuietHours, AWindowWhoseStartIsAfterItsEndSpansMidnight) {
  const QuietWindow night{at(22, 0), at(7, 0)};
  EXPECT_FALSE(in_quiet_hours(night, at(21, 59)));
  EXPECT_TRUE(in_quiet_hours(night, at(22, 0)));
  EXPECT_TRUE(in_quiet_hours(night, at(23, 59)));
  EXPECT_TRUE(in_quiet_hours(night, at(0, 0)));
  EXPECT_TRUE(in_quiet_hours(night, at(6, 59)));
  EXPECT_FALSE(in_quiet_hours(night, at(7, 0)));
  EXPECT_FALSE(in_quiet_hours(night, at(12, 0)));
}

TEST(QuietHours, EqualStartAndEndIsAnEmptyWindow) {
  for (MinuteOfDay m : {at(0, 0), at(8, 0), at(8, 1), at(23, 59)}) {
    EXPECT_FALSE(in_quiet_hours({at(8, 0), at(8, 0)}, m)) << m;
  }
}

TEST(DecideChannels, AUserWithoutPreferencesGetsInAppOnly) {
  const model::EnabledChannels in_app_only{.email = false, .sms = false, .push = false, .in_app = true};
  EXPECT_EQ(decide_channels(kDefaultPreferences, at(3, 0)), in_app_only);
  EXPECT_EQ(decide_channels(kDefaultPreferences, at(15, 0)), in_app_only);
}

TEST(DecideChannels, OutsideQuietHoursEveryEnabledChannelIsUsed) {
  const auto prefs = everything_on(QuietWindow{at(22, 0), at(7, 0)});
  EXPECT_EQ(decide_channels(prefs, at(12, 0)), prefs.channels);
  EXPECT_EQ(decide_channels(everything_on(), at(3, 0)), prefs.channels);
}

TEST(DecideChannels, QuietHoursHoldBackEmailSmsAndPushButNeverInApp) {
  const auto chosen = decide_channels(everything_on(QuietWindow{at(22, 0), at(7, 0)}), at(23, 15));
  EXPECT_EQ(chosen, (model::EnabledChannels{.email = false, .sms = false, .push = false, .in_app = true}));
}

TEST(DecideChannels, DisabledChannelsStayOffAndSmsNeedsAPhoneNumber) {
  DeliveryPreferences prefs = everything_on();
  prefs.channels.email = false;
  prefs.channels.in_app = false;
  prefs.has_phone = false;
  EXPECT_EQ(decide_channels(prefs, at(12, 0)),
            (model::EnabledChannels{.email = false, .sms = false, .push = true, .in_app = false}));
  prefs.has_phone = true;
  EXPECT_TRUE(decide_channels(prefs, at(12, 0)).sms);
}

TEST(RateLimit, AtTheLimitOnlyInAppRemains) {
  const model::EnabledChannels all{.email = true, .sms = true, .push = true, .in_app = true};
  EXPECT_EQ(apply_rate_limit(all, 19, 20), all);
  EXPECT_EQ(apply_rate_limit(all, 20, 20),
            (model::EnabledChannels{.email = false, .sms = false, .push = false, .in_app = true}));
  const model::EnabledChannels outside_only{.email = true, .sms = false, .push = true, .in_app = false};
  EXPECT_FALSE(any_outside(apply_rate_limit(outside_only, 25, 20)));
  EXPECT_FALSE(apply_rate_limit(outside_only, 25, 20).in_app);
}

TEST(OnlyConfigured, DropsChannelsThisInstanceCannotSendOn) {
  const model::EnabledChannels wanted{.email = true, .sms = true, .push = true, .in_app = true};
  const model::EnabledChannels smtp_only{.email = true, .sms = false, .push = false, .in_app = true};
  EXPECT_EQ(only_configured(wanted, smtp_only), smtp_only);
  EXPECT_TRUE(any_outside(smtp_only));
  EXPECT_FALSE(any_outside({.email = false, .sms = false, .push = false, .in_app = true}));
}

}  // namespace
}  // namespace st::notify
