#pragma once
// For the codec tests: one valid message per topic, written exactly as
// encode writes it, and helpers to break it in one place.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace st::model::test {

inline constexpr std::string_view kTickJson =
    R"({"v":1,"symbol":"AAPL","price":189.25,"volume":300,"ts":1700000000000,"source":"simulator","currency":"USD"})";
inline constexpr std::string_view kNewsJson =
    R"({"v":1,"id":"0123456789abcdef0123456789abcdef","url":"https://example.com/news/1",)"
    R"("title":"Apple beats estimates","summary":"","source":"Reuters","published_ts":1700000000000,)"
    R"("symbols":["AAPL"]})";
inline constexpr std::string_view kScoredJson =
    R"({"v":1,"id":"0123456789abcdef0123456789abcdef","url":"https://example.com/news/1",)"
    R"("title":"Apple beats estimates","summary":"","source":"Reuters","published_ts":1700000000000,)"
    R"("symbols":["AAPL"],"sentiment":0.75,"label":"positive"})";
inline constexpr std::string_view kIndicatorJson =
    R"({"v":1,"id":"CPI:2024-05-01","indicator":"CPI","period":"2024-05-01","value":313.2,"unit":"index",)"
    R"("source":"fred","released_ts":1717000000000})";
inline constexpr std::string_view kCandleJson =
    R"({"v":1,"symbol":"AAPL","start_ts":1700000100000,"end_ts":1700000400000,"open":189.25,"high":190.5,)"
    R"("low":188.75,"close":190,"volume":1200,"vwap":189.6,"ticks":4,"final":true})";
inline constexpr std::string_view kAlertJson =
    R"({"v":1,"alert_id":"u7:r12:AAPL:1700000000000","user_id":7,"rule_id":12,"kind":"price_above","symbol":"AAPL",)"
    R"("company_name":"Apple Inc.","sector":"Technology","price":201.5,"reference_price":199.5,"change_pct":1.0025,)"
    R"("threshold":200,"event_ts":1700000000000,"message":"AAPL rose above 200","sentiment":0.25})";
inline constexpr std::string_view kNotificationJson =
    R"({"v":1,"notification_id":42,"user_id":7,"alert_id":"u7:r12:AAPL:1700000000000","channel":"email",)"
    R"("status":"sent","title":"AAPL above 200","body":"AAPL rose above 200","created_ts":1700000000123})";
inline constexpr std::string_view kPreferencesJson =
    R"({"v":1,"user_id":7,"tracked":["AAPL","MSFT"],"channels":{"email":true,"sms":false,"push":false,"in_app":true},)"
    R"("price_change_threshold":5,"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"Europe/Paris"},)"
    R"("rules":[{"id":12,"symbol":"AAPL","kind":"price_above","params":{"price":200},"repeat_mode":"repeat",)"
    R"("cooldown_seconds":300,"state":"active"},{"id":13,"symbol":null,"kind":"indicator_threshold",)"
    R"("params":{"indicator":"CPI","above":4},"repeat_mode":"once","cooldown_seconds":0,"state":"fired"}],)"
    R"("deleted":false})";

/// `json` with its one occurrence of `from` replaced by `to`.
inline std::string edited(std::string_view json, std::string_view from, std::string_view to) {
  std::string s(json);
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from << " is not in " << json;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

/// The message decoding `json` fails with, or "" when it decodes.
template <class Decode>
std::string error_of(Decode decode, std::string_view json) {
  auto r = decode(json);
  return r ? "" : r.error().message;
}

/// Encodes `value` and expects `decode` to give it back.
template <class Decode, class T>
void expect_round_trip(Decode decode, const T& value) {
  auto back = decode(encode(value));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, value);
}

/// A function (from, to) -> the error of `decode` for `json` with `from`
/// replaced by `to`.
template <class Decode>
auto error_after_edit(Decode decode, std::string_view json) {
  return [decode, json](std::string_view from, std::string_view to) {
    return error_of(decode, edited(json, from, to));
  };
}

}  // namespace st::model::test
