#include "twilio_sms.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace st::notify {
namespace {

const TwilioAccount kAccount{.base_url = "http://127.0.0.1:9999",
                             .sid = "AC0123456789abcdef0123456789abcdef",
                             .token = "secret-token",
                             .from = "+15005550006"};

TEST(Twilio, RequestIsAFormPostToTheAccountsMessagesWithBasicAuth) {
  const auto r = twilio_request(kAccount, "+14155550123", "AAPL up 5% & more");
  EXPECT_EQ(r.url, "http://127.0.0.1:9999/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
  ASSERT_TRUE(r.body);
  EXPECT_EQ(*r.body, "To=%2B14155550123&From=%2B15005550006&Body=AAPL%20up%205%25%20%26%20more");
  EXPECT_EQ(r.basic_auth, "AC0123456789abcdef0123456789abcdef:secret-token");
  const auto ct = std::find(r.headers.begin(), r.headers.end(),
                            httpclient::Field{"Content-Type", "application/x-www-form-urlencoded"});
  EXPECT_NE(ct, r.headers.end());
  EXPECT_EQ(r.url.find("secret"), std::string::npos);
}

TEST(Twilio, LongBodiesAreCutToTwiliosLimit) {
  const auto r = twilio_request(kAccount, "+14155550123", std::string(5000, 'x'));
  ASSERT_TRUE(r.body);
  const auto body = r.body->substr(r.body->find("&Body=") + 6);
  EXPECT_EQ(body.size(), kMaxSmsChars);
  EXPECT_TRUE(body.ends_with("..."));
}

TEST(Twilio, CreatedIsSent) {
  const httpclient::Response r{201, {}, R"({"sid":"SM1","status":"queued"})"};
  EXPECT_EQ(classify_twilio_response(r, 0).result, AttemptResult::kSent);
}

TEST(Twilio, AnInvalidNumberIsPermanentAndNamesTwiliosCode) {
  const httpclient::Response r{
      400,
      {},
      R"({"code":21211,"message":"The 'To' number +1 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400})"};
  const Attempt a = classify_twilio_response(r, 0);
  EXPECT_EQ(a.result, AttemptResult::kPermanent);
  EXPECT_NE(a.detail.find("code 21211"), std::string::npos) << a.detail;
  EXPECT_NE(a.detail.find("not a valid phone number"), std::string::npos) << a.detail;
}

TEST(Twilio, TooManyRequestsIsTransientWithItsRetryAfter) {
  const httpclient::Response r{
      429,
      {{"retry-after", "7"}},
      R"({"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429})"};
  const Attempt a = classify_twilio_response(r, 0);
  EXPECT_EQ(a.result, AttemptResult::kTransient);
  EXPECT_EQ(a.retry_after, std::chrono::milliseconds(7000));
}

TEST(Twilio, ServerErrorsAreTransientEvenWithoutJson) {
  const httpclient::Response r{503, {}, "<html>unavailable</html>"};
  const Attempt a = classify_twilio_response(r, 0);
  EXPECT_EQ(a.result, AttemptResult::kTransient);
  EXPECT_NE(a.detail.find("HTTP 503"), std::string::npos);
}

}  // namespace
}  // namespace st::notify
