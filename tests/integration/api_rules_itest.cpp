// `stocktracker api` against the real PostgreSQL, Redis and Kafka: alert
// rules (create, list, get, update, pause, re-arm, delete; validation that
// names the field; another user's rule is a 404 on every route; a change
// reaches the user-preferences topic with the rule) and notifications
// (cursor pagination, unread filter, mark read only the caller's rows).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>


#include "api_fixture.hpp"
#include "harness.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"

namespace st::itest {
namespace {

const std::string kSecret = "itest-rules-secret-0123456789-abcdefghijk";  // 41 bytes

class ApiRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tag_ = unique_tag();
    server_.start(tag_, "RU", "Rules test ", kSecret);
  }

  static void TearDownTestSuite() { server_.stop_and_clean(); }

  static std::string company(const std::string& suffix) { return server_.company(suffix); }

  static std::optional<HttpResponse> call(const std::string& method, const std::string& target,
                                          const Session& s, const std::string& body = {}) {
    return server_.call(method, target, s, body);
  }

  static Session register_user(const std::string& name) { return server_.register_user(name); }

  static boost::json::object rule_of(const std::optional<HttpResponse>& r) {
    if (!r) return {};
    const auto o = parse(*r);
    const auto* rule = o.if_contains("rule");
    return rule != nullptr && rule->is_object() ? rule->as_object() : boost::json::object{};
  }

  static inline ApiServer server_;
  static inline std::string tag_;
};

TEST_F(ApiRules, CreateListGetUpdatePauseRearmDelete) {
  const Session a = register_user("crud");
  ASSERT_GT(a.user_id, 0);
  const auto created = call("POST", "/api/alerts/rules", a,
                            R"({"symbol":")" + company("A") +
                                R"(","kind":"price_above","params":{"price":150.5},"repeat_mode":"once",)"
                                R"("cooldown_seconds":60})");
  ASSERT_EQ(status(created), 201) << created->body;
  auto rule = rule_of(created);
  const std::int64_t id = rule.at("id").as_int64();
  EXPECT_EQ(str(rule, "symbol"), company("A"));
  EXPECT_EQ(str(rule, "kind"), "price_above");
  EXPECT_EQ(rule.at("params").at("price").as_double(), 150.5);
  EXPECT_EQ(str(rule, "repeat_mode"), "once");
  EXPECT_EQ(rule.at("cooldown_seconds").as_int64(), 60);
  EXPECT_EQ(str(rule, "state"), "active");

  // By company id, with defaults for repeat_mode and cooldown_seconds.
  auto conn = db();
  const std::int64_t company_b =
      query_int(conn, "SELECT id FROM companies WHERE symbol = $1", {company("B")});
  const auto second = call("POST", "/api/alerts/rules", a,
                           R"({"company_id":)" + std::to_string(company_b) +
                               R"(,"kind":"pct_change_prev_close","params":{"threshold_pct":2,"direction":"down"}})");
  ASSERT_EQ(status(second), 201) << second->body;
  EXPECT_EQ(str(rule_of(second), "symbol"), company("B"));
  EXPECT_EQ(str(rule_of(second), "repeat_mode"), "repeat");
  EXPECT_EQ(rule_of(second).at("cooldown_seconds").as_int64(), 300);

  const auto list = call("GET", "/api/alerts/rules", a);
  ASSERT_EQ(status(list), 200);
  const auto items = parse(*list).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("id").as_int64(), id);

  const std::string path = "/api/alerts/rules/" + std::to_string(id);
  EXPECT_EQ(rule_of(call("GET", path, a)).at("id").as_int64(), id);

  // PUT: the fields left out keep their value.
  const auto updated = call("PUT", path, a, R"({"kind":"price_below","params":{"price":90}})");
  ASSERT_EQ(status(updated), 200) << updated->body;
  rule = rule_of(updated);
  EXPECT_EQ(str(rule, "kind"), "price_below");
  EXPECT_EQ(rule.at("params").at("price").as_int64(), 90);
  EXPECT_EQ(str(rule, "repeat_mode"), "once");
  EXPECT_EQ(str(rule, "symbol"), company("A"));

  const auto paused = call("POST", path + "/pause", a);
  ASSERT_EQ(status(paused), 200) << paused->body;
  EXPECT_EQ(str(rule_of(paused), "state"), "paused");
  const auto rearmed = call("POST", path + "/rearm", a);
  ASSERT_EQ(status(rearmed), 200) << rearmed->body;
  EXPECT_EQ(str(rule_of(rearmed), "state"), "active");

  EXPECT_EQ(status(call("DELETE", path, a)), 204);
  EXPECT_EQ(status(call("GET", path, a)), 404);
  EXPECT_EQ(status(call("DELETE", path, a)), 404);
  EXPECT_EQ(parse(*call("GET", "/api/alerts/rules", a)).at("total").as_int64(), 1);
}

TEST_F(ApiRules, ValidationErrorsNameTheField) {
  const Session a = register_user("valid");
  ASSERT_GT(a.user_id, 0);
  const std::string sym = R"("symbol":")" + company("A") + R"(",)";
  const std::vector<std::pair<std::string, std::string>> cases{
      {sym + R"("kind":"price_above","params":{"price":10},"user_id":1})", "user_id"},
      {sym + R"("kind":"price_above","params":{"price":10},"state":"paused"})", "state"},
      {sym + R"("kind":"price_above","params":{"price":0}})", "params.price"},
      {sym + R"("kind":"price_below","params":{}})", "params.price"},
      {sym + R"("kind":"price_above","params":{"price":5,"extra":1}})", "params.extra"},
      {sym + R"("kind":"pct_change_prev_close","params":{"threshold_pct":-1}})", "params.threshold_pct"},
      {sym + R"("kind":"pct_change_prev_close","params":{"threshold_pct":1,"direction":"sideways"}})",
       "params.direction"},
      {sym + R"("kind":"volume_spike","params":{}})", "params.factor"},
      {sym + R"("kind":"volume_spike","params":{"factor":3,"lookback_candles":1}})", "params.lookback_candles"},
      {sym + R"("kind":"pct_change_window","params":{"threshold_pct":2,"window_minutes":0}})",
       "params.window_minutes"},
      {sym + R"("kind":"ma_cross","params":{"fast":100,"slow":50}})", "params.slow"},
      {sym + R"("kind":"ma_cross","params":{"ma":"wma"}})", "params.ma"},
      {sym + R"("kind":"news_sentiment","params":{"threshold":2}})", "params.threshold"},
      {sym + R"("kind":"composite_news_drop","params":{"sentiment":0.5}})", "params.drop_pct"},
      {sym + R"("kind":"nonsense","params":{}})", "kind"},
      {sym + R"("params":{"price":1}})", "kind"},
      {sym + R"("kind":"price_above","params":[1]})", "params"},
      {sym + R"("kind":"price_above","params":{"price":1},"repeat_mode":"often"})", "repeat_mode"},
      {sym + R"("kind":"price_above","params":{"price":1},"cooldown_seconds":2592001})", "cooldown_seconds"},
      {R"({"kind":"price_above","params":{"price":1}})", "symbol"},
      {R"({"symbol":"ZZZZZZZZZ","kind":"price_above","params":{"price":1}})", "symbol"},
      {R"({"company_id":-3,"kind":"price_above","params":{"price":1}})", "company_id"},
  };
  for (const auto& [body, name] : cases) {
    std::string json = body.front() == '{' ? body : "{" + body;
    const auto r = call("POST", "/api/alerts/rules", a, json);
    EXPECT_EQ(status(r), 400) << body << " -> " << (r ? r->body : "");
    EXPECT_EQ(field(r), name) << body;
  }
  const std::string cpi = R"("kind":"indicator_threshold","params":{"indicator":"CPI","threshold":3,"direction":"above"})";
  EXPECT_EQ(field(call("POST", "/api/alerts/rules", a, "{" + sym + cpi + "}")), "symbol") << "not about a company";
  EXPECT_EQ(field(call("POST", "/api/alerts/rules", a, R"({"kind":"indicator_threshold","params":{"threshold":3}})")),
            "params.indicator");
  auto conn = db();
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM alert_rules WHERE user_id = $1::bigint",
                      {std::to_string(a.user_id)}),
            0);
  // The new kinds are accepted with their parameters (defaults filled in by process).
  for (const std::string kind_params : {R"("kind":"pct_change_window","params":{"threshold_pct":2,"window_minutes":15})",
                                        R"("kind":"volume_spike","params":{"factor":3})",
                                        R"("kind":"ma_cross","params":{"fast":50,"slow":200,"ma":"ema"})",
                                        R"("kind":"news_sentiment","params":{"threshold":0.6,"direction":"negative"})",
                                        R"("kind":"composite_news_drop","params":{"drop_pct":3,"window_minutes":30})"}) {
    const auto created = call("POST", "/api/alerts/rules", a, "{" + sym + kind_params + "}");
    EXPECT_EQ(status(created), 201) << kind_params << " -> " << (created ? created->body : "");
  }
  const auto indicator_rule = call("POST", "/api/alerts/rules", a, "{" + cpi + "}");
  ASSERT_EQ(status(indicator_rule), 201) << indicator_rule->body;
  EXPECT_TRUE(rule_of(indicator_rule).at("symbol").is_null());

  // PUT validates the same way, and changes nothing when it refuses.
  const auto created =
      call("POST", "/api/alerts/rules", a, "{" + sym + R"("kind":"price_above","params":{"price":10}})");
  ASSERT_EQ(status(created), 201) << created->body;
  const std::string path = "/api/alerts/rules/" + std::to_string(rule_of(created).at("id").as_int64());
  const auto bad_put = call("PUT", path, a, R"({"params":{"price":"high"}})");
  EXPECT_EQ(status(bad_put), 400);
  EXPECT_EQ(field(bad_put), "params.price");
  const auto kind_put = call("PUT", path, a, R"({"kind":"pct_change_prev_close"})");
  EXPECT_EQ(status(kind_put), 400);
  EXPECT_EQ(field(kind_put), "params.price");  // a parameter of the old kind
  EXPECT_EQ(field(call("PUT", path, a, R"({"role":"admin"})")), "role");
  EXPECT_EQ(rule_of(call("GET", path, a)).at("params").at("price").as_int64(), 10);
}

TEST_F(ApiRules, AnotherUsersRuleIsNotFoundOnEveryRoute) {
  const Session a = register_user("owner");
  const Session b = register_user("other");
  ASSERT_GT(a.user_id, 0);
  ASSERT_GT(b.user_id, 0);
  const auto created = call("POST", "/api/alerts/rules", a,
                            R"({"symbol":")" + company("A") + R"(","kind":"price_above","params":{"price":10}})");
  ASSERT_EQ(status(created), 201) << created->body;
  const std::string path = "/api/alerts/rules/" + std::to_string(rule_of(created).at("id").as_int64());

  EXPECT_EQ(status(call("GET", path, b)), 404);
  EXPECT_EQ(status(call("PUT", path, b, R"({"params":{"price":11}})")), 404);
  EXPECT_EQ(status(call("POST", path + "/pause", b)), 404);
  EXPECT_EQ(status(call("POST", path + "/rearm", b)), 404);
  EXPECT_EQ(status(call("DELETE", path, b)), 404);
  EXPECT_EQ(parse(*call("GET", "/api/alerts/rules", b)).at("total").as_int64(), 0);
  EXPECT_EQ(status(server_.request("GET", path)), 401);

  const auto still = rule_of(call("GET", path, a));
  EXPECT_EQ(still.at("params").at("price").as_int64(), 10);
  EXPECT_EQ(str(still, "state"), "active");
}

TEST_F(ApiRules, RuleChangeReachesTheTopicThroughTheOutbox) {
  const Session a = register_user("outbox");
  ASSERT_GT(a.user_id, 0);
  const std::string id = std::to_string(a.user_id);
  auto consumer = preferences_consumer_at_end("itest-rules-" + tag_);
  ASSERT_TRUE(consumer);

  auto conn = db();
  const auto created = call("POST", "/api/alerts/rules", a,
                            R"({"symbol":")" + company("B") +
                                R"(","kind":"pct_change_prev_close","params":{"threshold_pct":3.5}})");
  ASSERT_EQ(status(created), 201) << created->body;
  const std::int64_t rule_id = rule_of(created).at("id").as_int64();
  ASSERT_EQ(status(call("POST", "/api/alerts/rules/" + std::to_string(rule_id) + "/pause", a)), 200);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM outbox WHERE key = $1", {id}), 2);
  // Pausing a paused rule changes nothing and writes nothing.
  ASSERT_EQ(status(call("POST", "/api/alerts/rules/" + std::to_string(rule_id) + "/pause", a)), 200);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM outbox WHERE key = $1", {id}), 2);

  const auto seen = await_preferences(
      *consumer, id,
      [](const model::UserPreferences& p) {
        return p.rules.size() == 1 && p.rules[0].state == model::RuleState::kPaused;
      },
      std::chrono::seconds(30));
  ASSERT_TRUE(seen) << server_.log_tail();
  consumer->close();
  EXPECT_EQ(seen->rules[0].id.value(), rule_id);
  EXPECT_EQ(seen->rules[0].symbol, company("B"));
  EXPECT_EQ(seen->rules[0].kind, model::RuleKind::kPctChangePrevClose);
  EXPECT_EQ(boost::json::parse(seen->rules[0].params).at("threshold_pct").as_double(), 3.5);
}

TEST_F(ApiRules, NotificationsPageFilterAndMarkReadOnlyTheCallers) {
  const Session a = register_user("notes");
  const Session b = register_user("notes-other");
  ASSERT_GT(a.user_id, 0);
  ASSERT_GT(b.user_id, 0);
  auto conn = db();
  // Five rows for A: 0..4 minutes old, the two newest at the same instant
  // (the id breaks the tie); row 3 already read.
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    const int age_minutes = i == 0 ? 0 : i - 1;
    auto row = conn.exec(
        "INSERT INTO notifications (user_id, alert_id, channel, title, created_at, read_at) "
        "VALUES ($1::bigint, $2, 'in_app', $3, date_trunc('second', now()) - $4::int * interval '1 minute', "
        "        CASE WHEN $5::boolean THEN now() END) RETURNING id",
        {std::to_string(a.user_id), "itest-" + tag_ + "-" + std::to_string(i), "note " + std::to_string(i),
         std::to_string(age_minutes), i == 3 ? "true" : "false"});
    ASSERT_TRUE(row && row->size() == 1) << (row ? "" : row.error().message);
    ids.push_back(row->get_int(0, 0));
  }
  // Newest first: ids[1] and ids[0] share created_at (ids[1] larger), then 2, 3, 4.
  const std::vector<std::int64_t> expected{ids[1], ids[0], ids[2], ids[3], ids[4]};

  std::vector<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  do {
    const auto r = call("GET", "/api/notifications?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), a);
    ASSERT_EQ(status(r), 200) << r->body;
    const auto o = parse(*r);
    for (const auto& item : o.at("items").as_array()) seen.push_back(item.at("id").as_int64());
    cursor = o.at("next_cursor").is_string() ? std::string(o.at("next_cursor").as_string()) : "";
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 3);

  const auto unread = call("GET", "/api/notifications?unread=true&limit=100", a);
  ASSERT_EQ(status(unread), 200);
  std::vector<std::int64_t> unread_ids;
  const auto unread_body = parse(*unread);
  for (const auto& item : unread_body.at("items").as_array()) {
    unread_ids.push_back(item.at("id").as_int64());
    EXPECT_FALSE(item.at("read").as_bool());
  }
  EXPECT_EQ(unread_ids, (std::vector<std::int64_t>{ids[1], ids[0], ids[2], ids[4]}));

  EXPECT_EQ(field(call("GET", "/api/notifications?cursor=zz", a)), "cursor");
  EXPECT_EQ(field(call("GET", "/api/notifications?unread=yes", a)), "unread");
  EXPECT_EQ(field(call("GET", "/api/notifications?limit=0", a)), "limit");
  EXPECT_EQ(parse(*call("GET", "/api/notifications", b)).at("items").as_array().size(), 0u);

  // B cannot mark A's rows, neither by id nor with all.
  const std::string a_ids = "[" + std::to_string(ids[0]) + "," + std::to_string(ids[1]) + "]";
  const auto b_mark = call("PUT", "/api/notifications/read", b, R"({"ids":)" + a_ids + "}");
  ASSERT_EQ(status(b_mark), 200) << b_mark->body;
  EXPECT_EQ(parse(*b_mark).at("updated").as_int64(), 0);
  EXPECT_EQ(parse(*call("PUT", "/api/notifications/read", b, R"({"all":true})")).at("updated").as_int64(), 0);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM notifications WHERE user_id = $1::bigint AND read_at IS NULL",
                      {std::to_string(a.user_id)}),
            4);

  const auto mark = call("PUT", "/api/notifications/read", a, R"({"ids":)" + a_ids + "}");
  ASSERT_EQ(status(mark), 200) << mark->body;
  EXPECT_EQ(parse(*mark).at("updated").as_int64(), 2);
  EXPECT_EQ(parse(*call("GET", "/api/notifications?unread=true", a)).at("items").as_array().size(), 2u);
  EXPECT_EQ(field(call("PUT", "/api/notifications/read", a, R"({"ids":[1],"all":true})")), "ids");
  EXPECT_EQ(field(call("PUT", "/api/notifications/read", a, R"({"ids":["x"]})")), "ids");
  EXPECT_EQ(field(call("PUT", "/api/notifications/read", a, R"({"all":false})")), "all");
  EXPECT_EQ(field(call("PUT", "/api/notifications/read", a, R"({"user_id":1})")), "user_id");
  EXPECT_EQ(parse(*call("PUT", "/api/notifications/read", a, R"({"all":true})")).at("updated").as_int64(), 2);
  EXPECT_EQ(parse(*call("GET", "/api/notifications?unread=true", a)).at("items").as_array().size(), 0u);
}

}  // namespace
}  // namespace st::itest
