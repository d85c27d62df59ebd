#include "preferences.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace st::api {
namespace {

boost::json::object body(std::string_view json) { return boost::json::parse(json).as_object(); }

FieldError error_of(std::string_view json, NotificationSettings current = {}) {
  auto r = apply_preferences(std::move(current), body(json));
  EXPECT_FALSE(r) << json;
  return r ? FieldError{} : r.error();
}

TEST(Preferences, FieldsLeftOutKeepTheirValue) {
  NotificationSettings current;
  current.phone = "+14155550123";
  auto r = apply_preferences(current, body(R"({"channels":{"sms":true},"price_change_threshold":2.5})"));
  ASSERT_TRUE(r) << r.error().field;
  EXPECT_TRUE(r->channels.sms);
  EXPECT_TRUE(r->channels.email);  // untouched
  EXPECT_TRUE(r->channels.in_app);
  EXPECT_EQ(r->price_change_threshold, 2.5);
  EXPECT_EQ(r->phone, "+14155550123");
  EXPECT_EQ(apply_preferences(current, body("{}")), current);
}

TEST(Preferences, QuietHoursSetAndCleared) {
  auto r = apply_preferences(
      {}, body(R"({"quiet_hours":{"start":"22:00","end":"07:30","time_zone":"America/New_York"}})"));
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->quiet_hours);
  EXPECT_EQ(r->quiet_hours->start, "22:00");
  EXPECT_EQ(r->quiet_hours->end, "07:30");
  EXPECT_EQ(r->time_zone, "America/New_York");
  auto cleared = apply_preferences(*r, body(R"({"quiet_hours":null})"));
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->quiet_hours);
  EXPECT_EQ(cleared->time_zone, "America/New_York");  // the zone stays for next time
}

TEST(Preferences, UnknownAndPrivilegedFieldsAreNamed) {
  EXPECT_EQ(error_of(R"({"user_id":2})").field, "user_id");
  EXPECT_EQ(error_of(R"({"channels":{"email":true,"fax":true}})").field, "channels.fax");
  EXPECT_EQ(error_of(R"({"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"UTC","user_id":1}})").field,
            "quiet_hours.user_id");
}

TEST(Preferences, ValuesAreChecked) {
  EXPECT_EQ(error_of(R"({"channels":{"email":"yes"}})").field, "channels.email");
  EXPECT_EQ(error_of(R"({"channels":[]})").field, "channels");
  EXPECT_EQ(error_of(R"({"price_change_threshold":0})").field, "price_change_threshold");
  EXPECT_EQ(error_of(R"({"price_change_threshold":1000})").field, "price_change_threshold");
  EXPECT_EQ(error_of(R"({"price_change_threshold":"5"})").field, "price_change_threshold");
  EXPECT_EQ(error_of(R"({"phone":"0155"})").field, "phone");
  EXPECT_EQ(error_of(R"({"phone":"+0123456789"})").field, "phone");
  EXPECT_EQ(error_of(R"({"quiet_hours":{"start":"24:00","end":"07:00","time_zone":"UTC"}})").field,
            "quiet_hours.start");
  EXPECT_EQ(error_of(R"({"quiet_hours":{"start":"22:00","end":"7:00","time_zone":"UTC"}})").field,
            "quiet_hours.end");
  EXPECT_EQ(error_of(R"({"quiet_hours":{"start":"22:00","end":"22:00","time_zone":"UTC"}})").field,
            "quiet_hours.end");
  EXPECT_EQ(error_of(R"({"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"../etc/passwd"}})").field,
            "quiet_hours.time_zone");
  EXPECT_EQ(error_of(R"({"quiet_hours":{"start":"22:00","end":"07:00"}})").field, "quiet_hours.time_zone");
  EXPECT_EQ(error_of(R"({"channels":{"sms":true}})").field, "channels.sms");  // no phone
  EXPECT_TRUE(apply_preferences({}, body(R"({"channels":{"sms":true},"phone":"+4930123456"})")));
}

TEST(Preferences, Validators) {
  EXPECT_TRUE(valid_e164("+14155550123"));
  EXPECT_TRUE(valid_e164("+1234567"));
  EXPECT_FALSE(valid_e164("+123456"));
  EXPECT_FALSE(valid_e164("+1234567890123456"));
  EXPECT_FALSE(valid_e164("14155550123"));
  EXPECT_FALSE(valid_e164("+1415555012a"));
  EXPECT_TRUE(valid_hhmm("00:00"));
  EXPECT_TRUE(valid_hhmm("23:59"));
  EXPECT_FALSE(valid_hhmm("23:60"));
  EXPECT_TRUE(valid_time_zone_name("UTC"));
  EXPECT_TRUE(valid_time_zone_name("America/Argentina/Buenos_Aires"));
  EXPECT_TRUE(valid_time_zone_name("Etc/GMT+5"));
  EXPECT_FALSE(valid_time_zone_name("America//New_York"));
  EXPECT_FALSE(valid_time_zone_name("America/"));
  EXPECT_FALSE(valid_time_zone_name("/UTC"));
  EXPECT_FALSE(valid_time_zone_name("Europe/Paris;DROP"));
}

TEST(Preferences, JsonAnswer) {
  NotificationSettings s;
  s.price_change_threshold = 2.5;
  s.quiet_hours = model::QuietHours{"22:00", "07:00", "Europe/Berlin"};
  EXPECT_EQ(preferences_json(s),
            R"({"channels":{"email":true,"sms":false,"push":false,"in_app":true},"price_change_threshold":2.5,)"
            R"("phone":null,"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"Europe/Berlin"}})");
  // What GET answers, PUT takes back unchanged.
  const auto round = apply_preferences({}, body(preferences_json(s)));
  ASSERT_TRUE(round);
  EXPECT_EQ(round->quiet_hours, s.quiet_hours);
  EXPECT_EQ(round->price_change_threshold, 2.5);
}

}  // namespace
}  // namespace st::api
