// `stocktracker api` against the real servers: POST
// /api/alerts/rules/:id/backtest replays stored ticks through the
// processor's rule engine (firings inside the window only, hysteresis and
// warm-up included; days bounded and named; another user's rule is a 404),
// and the same server's CORS allow-list and /metrics as a client sees them.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api_fixture.hpp"
#include "harness.hpp"

namespace st::itest {
namespace {

const std::string kSecret = "itest-backtest-secret-0123456789-abcdefgh";  // 41 bytes
const std::string kOrigin = "http://dashboard.itest.example:5173";
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

class ApiBacktest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = unique_tag();
    server_.start(tag_, "BT", "Backtest test ", kSecret, {{"CORS_ORIGINS", kOrigin + ",https://other.example"}});
  }

  static void TearDownTestSuite() {
    auto conn = db();
    (void)conn.exec("DELETE FROM stock_prices WHERE symbol = $1", {server_.company("A")});
    server_.stop_and_clean();
  }

  /// A tick of company A `ago_ms` before now, at a stock-prices position
  /// no real tick has (partition 9999).
  static void insert_tick(std::int64_t now, std::int64_t ago_ms, double price) {
    static std::int64_t offset = 0;
    auto conn = db();
    ASSERT_TRUE(conn.exec("INSERT INTO stock_prices (symbol, ts, price, volume, source, src_partition, src_offset) "
                          "VALUES ($1, to_timestamp($2::bigint / 1000.0), $3::numeric, 10, 'itest', 9999, $4::bigint)",
                          {server_.company("A"), std::to_string(now - ago_ms), std::to_string(price),
                           std::to_string(++offset)}));
  }

  static inline ApiServer server_;
  static inline std::string tag_;
};

std::vector<boost::json::object> fired(const std::optional<HttpResponse>& r) {
  std::vector<boost::json::object> out;
  if (!r) return out;
  const auto o = parse(*r);
  if (const auto* f = o.if_contains("fired"); f != nullptr && f->is_array()) {
    for (const auto& v : f->as_array()) out.push_back(v.as_object());
  }
  return out;
}

TEST_F(ApiBacktest, ReplaysStoredTicksThroughTheRuleEngine) {
  const Session owner = server_.register_user("owner");
  const Session other = server_.register_user("other");
  ASSERT_GT(owner.user_id, 0);
  const auto created = server_.call("POST", "/api/alerts/rules", owner,
                                    R"({"symbol":")" + server_.company("A") +
                                        R"(","kind":"price_above","params":{"price":100},"cooldown_seconds":0})");
  ASSERT_EQ(status(created), 201) << created->body;
  const std::string id = std::to_string(parse(*created).at("rule").at("id").as_int64());
  const std::string path = "/api/alerts/rules/" + id + "/backtest";

  const std::int64_t now = SystemClock::instance().now_ms();
  insert_tick(now, 9 * kDayMs, 99);
  insert_tick(now, 8 * kDayMs, 101);       // fires in the warm-up of days=7: not reported
  insert_tick(now, 3 * kDayMs, 99.5);      // back below 100 - 0.2%: re-armed
  insert_tick(now, 2 * kDayMs, 101);       // fires
  insert_tick(now, kDayMs - kHourMs, 100.5);  // still above: disarmed, no second alert
  insert_tick(now, 5 * kHourMs, 99);       // re-armed
  insert_tick(now, kHourMs, 103);          // fires

  auto week = server_.call("POST", path + "?days=7", owner);
  ASSERT_EQ(status(week), 200) << (week ? week->body : "");
  auto f = fired(week);
  ASSERT_EQ(f.size(), 2U) << week->body;
  EXPECT_EQ(f[0].at("ts").as_int64(), now - 2 * kDayMs);
  EXPECT_DOUBLE_EQ(f[0].at("price").to_number<double>(), 101);
  EXPECT_EQ(f[1].at("ts").as_int64(), now - kHourMs);
  EXPECT_DOUBLE_EQ(f[1].at("price").to_number<double>(), 103);
  const auto body = parse(*week);
  EXPECT_EQ(body.at("days").as_int64(), 7);
  EXPECT_EQ(body.at("ticks").as_int64(), 7);  // the 9-day-old one is inside the 4-day warm-up
  EXPECT_FALSE(body.at("truncated").as_bool());
  EXPECT_EQ(str(body.at("rule").as_object(), "kind"), "price_above");

  // One day: the 2-day-old firing is warm-up now; the tick 23 h ago is
  // inside the window but the rule was disarmed by it, not fired.
  f = fired(server_.call("POST", path + "?days=1", owner));
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].at("ts").as_int64(), now - kHourMs);

  // A paused rule is replayed as if active.
  ASSERT_EQ(status(server_.call("POST", "/api/alerts/rules/" + id + "/pause", owner)), 200);
  EXPECT_EQ(fired(server_.call("POST", path + "?days=7", owner)).size(), 2U);

  for (const char* bad : {"0", "31", "seven", "-1", ""}) {
    const auto r = server_.call("POST", path + "?days=" + bad, owner);
    EXPECT_EQ(status(r), 400) << bad;
    EXPECT_EQ(field(r), "days") << bad;
  }
  EXPECT_EQ(status(server_.call("POST", path, owner)), 200);  // days defaults to 7

  // BOLA: another user's rule, an unknown one and a malformed id are 404s;
  // no token is a 401.
  EXPECT_EQ(status(server_.call("POST", path + "?days=7", other)), 404);
  EXPECT_EQ(status(server_.call("POST", "/api/alerts/rules/999999999999/backtest", owner)), 404);
  EXPECT_EQ(status(server_.call("POST", "/api/alerts/rules/x1/backtest", owner)), 404);
  EXPECT_EQ(status(server_.request("POST", path)), 401);
}

TEST_F(ApiBacktest, CorsAllowListOnTheLiveServer) {
  auto pre = server_.request("OPTIONS", "/api/alerts/rules",
                             {{"Origin", kOrigin},
                              {"Access-Control-Request-Method", "POST"},
                              {"Access-Control-Request-Headers", "authorization,content-type"}});
  ASSERT_EQ(status(pre), 204);
  EXPECT_EQ(pre->header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_NE(pre->header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(pre->header("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  EXPECT_NE(pre->header("Vary").find("Origin"), std::string::npos);

  auto evil = server_.request("OPTIONS", "/api/alerts/rules",
                              {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(status(evil), 403);
  EXPECT_EQ(evil->header("Access-Control-Allow-Origin"), "");

  auto get = server_.request("GET", "/api/companies?q=" + server_.company("A"), {{"Origin", kOrigin}});
  ASSERT_EQ(status(get), 200);
  EXPECT_EQ(get->header("Access-Control-Allow-Origin"), kOrigin);
  EXPECT_EQ(get->header("Vary"), "Origin");
  auto other = server_.request("GET", "/api/companies", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other->header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(other->header("Vary"), "Origin");
}

/// The value of the sample `series` (name and labels as exposed), or -1.
double sample(const std::string& exposition, const std::string& series) {
  const auto at = exposition.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(exposition.substr(at + series.size() + 2));
}

TEST_F(ApiBacktest, MetricsCountRequestsByRoutePatternAndStatus) {
  const std::string ok_series =
      R"(stocktracker_http_requests_total{method="GET",route="/api/companies/:id/news",status="200"})";
  const std::string missing_series =
      R"(stocktracker_http_requests_total{method="GET",route="/api/companies/:id/news",status="404"})";
  auto before = server_.request("GET", "/metrics");
  ASSERT_EQ(status(before), 200);
  EXPECT_EQ(before->content_type.substr(0, 25), "text/plain; version=0.0.4");
  const double ok_before = std::max(0.0, sample(before->body, ok_series));
  const double missing_before = std::max(0.0, sample(before->body, missing_series));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(status(server_.request("GET", "/api/companies/" + server_.company("A") + "/news")), 200);
  }
  ASSERT_EQ(status(server_.request("GET", "/api/companies/NO" + tag_ + "/news")), 404);
  auto after = server_.request("GET", "/metrics");
  ASSERT_EQ(status(after), 200);
  EXPECT_EQ(sample(after->body, ok_series), ok_before + 3) << after->body;
  EXPECT_EQ(sample(after->body, missing_series), missing_before + 1);
  // The path's company never becomes a label value.
  EXPECT_EQ(after->body.find(server_.company("A")), std::string::npos);
  EXPECT_NE(after->body.find("# TYPE stocktracker_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(after->body.find(R"(stocktracker_http_request_duration_seconds_bucket{method="GET",)"
                             R"(route="/api/companies/:id/news",le="+Inf"})"),
            std::string::npos);
}

}  // namespace
}  // namespace st::itest
