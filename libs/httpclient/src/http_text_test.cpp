#include <gtest/gtest.h>

#include "stocktracker/httpclient/client.hpp"

namespace st::httpclient {
namespace {

TEST(HttpText, PercentEncodesAllButUnreservedCharacters) {
  EXPECT_EQ(percent_encode("AAPL"), "AAPL");
  EXPECT_EQ(percent_encode("BRK.B-x_y~z"), "BRK.B-x_y~z");
  EXPECT_EQ(percent_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(HttpText, AppendsTheQueryInOrder) {
  EXPECT_EQ(url_with_query("http://h/query", {}), "http://h/query");
  EXPECT_EQ(url_with_query("http://h/query", {{"function", "GLOBAL_QUOTE"}, {"symbol", "BRK.B"}, {"k", "a+b"}}),
            "http://h/query?function=GLOBAL_QUOTE&symbol=BRK.B&k=a%2Bb");
  EXPECT_EQ(url_with_query("http://h/q?x=1", {{"y", "2"}}), "http://h/q?x=1&y=2");
}

TEST(HttpText, RetryAfterInSecondsOrAsAnHttpDate) {
  const EpochMs now = 1445412480000;  // 2015-10-21T07:28:00Z
  EXPECT_EQ(parse_retry_after("120", now), 120'000);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), 30'000);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);  // already past
  EXPECT_EQ(parse_retry_after("-5", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Foo 2015 07:28:30 GMT", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

TEST(HttpText, HeaderLookupIsByLowerCaseName) {
  Response r;
  r.headers = {{"content-type", "application/json"}, {"retry-after", "5"}};
  EXPECT_EQ(r.header("retry-after"), "5");
  EXPECT_EQ(r.header("x-missing"), std::nullopt);
}

}  // namespace
}  // namespace st::httpclient
