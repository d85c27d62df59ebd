// `notify` against the real servers: alerts on stock-alerts become exactly
// one in-app notifications row each (whatever the redeliveries) and one
// NotificationEvent on the notifications topic; malformed alerts and alerts
// for no such user go to stock-alerts.dlq with their reason; a SIGKILL in the
// middle of a run loses and duplicates no row.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "test_alerts.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::itest {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kNoSuchUser = 9'000'000'000'000'000'001;

std::string servers() {
  const char* bootstrap = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return bootstrap != nullptr ? bootstrap : "127.0.0.1:9092";
}

/// Commits the end of every partition of `topic` for `group`, so the group
/// reads only what this run produces, not what earlier runs left there.
void start_group_at_end(const std::string& group, std::string_view topic) {
  auto admin = kafka::Admin::create(servers());
  if (!admin) throw std::runtime_error(admin.error().message);
  auto ends = (*admin)->end_offsets(std::string(topic), 30s);
  if (!ends) throw std::runtime_error(ends.error().message);
  auto consumer = kafka::Consumer::create(servers(), group, {});
  if (!consumer) throw std::runtime_error(consumer.error().message);
  if (auto st = (*consumer)->commit(*ends); !st) throw std::runtime_error(st.error().message);
  (*consumer)->close();  // waits for the commit
}

/// A fresh group reading `topic` from where it ends now.
std::unique_ptr<kafka::Consumer> reader_from_now(const std::string& group, std::string_view topic) {
  start_group_at_end(group, topic);
  auto consumer = kafka::Consumer::create(servers(), group, {});
  if (!consumer) throw std::runtime_error(consumer.error().message);
  if (auto st = (*consumer)->subscribe({std::string(topic)}); !st) throw std::runtime_error(st.error().message);
  return std::move(*consumer);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Hands every record to `on_message` until `done` or the timeout.
bool read_until(kafka::Consumer& consumer, const std::function<void(const kafka::Message&)>& on_message,
                const std::function<bool()>& done, std::chrono::seconds timeout) {
  return eventually(
      [&] {
        for (const auto& m : consumer.poll_batch(1000, 200ms)) {
          if (!m.error()) on_message(m);
        }
        return done();
      },
      timeout);
}

/// A user of this run with delivery preferences; deleted with its
/// notifications (ON DELETE CASCADE) when the test ends, pass or fail.
class TestUser {
 public:
  TestUser(pg::Connection& conn, const std::string& name, const std::string& time_zone = "America/New_York")
      : conn_(conn) {
    auto r = conn_.exec(
        "INSERT INTO users (email, password_hash, display_name) VALUES ($1, $2, 'notify itest') RETURNING id",
        {name + "@itest.example.com", "$2b$12$" + std::string(53, 'x')});
    if (!r) throw std::runtime_error(r.error().message);
    id_ = UserId(r->get_int(0, 0));
    // E-mail and push on, so their (here unconfigured) path runs too; quiet hours
    // hold them back at night but never the in-app channel.
    auto p = conn_.exec(
        "INSERT INTO user_notification_preferences (user_id, email_enabled, push_enabled, in_app_enabled, "
        "quiet_hours_start, quiet_hours_end, time_zone) "
        "VALUES ($1::bigint, true, true, true, '22:00', '07:00', $2)",
        {std::to_string(id_.value()), time_zone});
    if (!p) throw std::runtime_error(p.error().message);
  }
  TestUser(const TestUser&) = delete;
  TestUser& operator=(const TestUser&) = delete;
  ~TestUser() { (void)conn_.exec("DELETE FROM users WHERE id = $1::bigint", {std::to_string(id_.value())}); }
  [[nodiscard]] UserId id() const { return id_; }
  [[nodiscard]] std::string text() const { return std::to_string(id_.value()); }

 private:
  pg::Connection& conn_;
  UserId id_;
};

model::Alert make_alert(UserId user, const std::string& alert_id, std::int64_t n) {
  return pct_move_alert(user, alert_id, n, "AAPL", "Apple Inc.", 200);
}

class Notify : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    ASSERT_EQ(run({"topics"}), 0);
    auto p = kafka::Producer::create(servers());
    ASSERT_TRUE(p);
    producer_ = std::move(*p);
  }

  void produce_alert(const model::Alert& a) {
    ASSERT_TRUE(producer_->produce(model::topic::kStockAlerts, std::to_string(a.user_id.value()), model::encode(a)));
  }

  std::int64_t rows(const TestUser& user, const std::string& status = "") {
    return query_int(conn_,
                     "SELECT count(*) FROM notifications WHERE user_id = $1::bigint AND ($2 = '' OR status = $2)",
                     {user.text(), status});
  }

  /// Events of `user` on the notifications topic, by alert id.
  static void collect_event(const kafka::Message& m, const TestUser& user,
                            std::map<std::string, std::vector<model::NotificationEvent>>& out) {
    if (m.key() != user.text()) return;
    auto event = model::decode_notification(m.payload());
    ASSERT_TRUE(event) << event.error().message;
    out[event->alert_id].push_back(*event);
  }

  pg::Connection conn_ = db();
  std::unique_ptr<kafka::Producer> producer_;
};

TEST_F(Notify, DeliversEachAlertOnceInAppAndDeadLettersTheBadOnes) {
  const std::string tag = unique_tag();
  TestUser user(conn_, "notify-" + tag);
  // A zone of the right shape that PostgreSQL does not know (only the API
  // checks that a zone exists): read as UTC, and the batch goes through.
  TestUser lost(conn_, "notify-lost-" + tag, "Mars/Olympus_Mons");
  const std::string group = "itest-notify-" + tag;
  start_group_at_end(group, model::topic::kStockAlerts);
  auto events_reader = reader_from_now("itest-notify-events-" + tag, model::topic::kNotifications);
  auto dlq_reader = reader_from_now("itest-notify-dlq-" + tag, model::dlq_topic(model::topic::kStockAlerts));

  std::vector<model::Alert> alerts;
  for (int i = 0; i < 7; ++i) alerts.push_back(make_alert(user.id(), "it-" + tag + "-" + std::to_string(i), i));
  alerts[6].event_ts = 1764230400000;  // 08:00Z = 03:00 in New York: the user's quiet hours
  // Alert 5 as a crash would leave it: recorded pending, its event maybe
  // never produced. Its redelivery must publish that row, not a new one.
  auto pending = conn_.exec(
      "INSERT INTO notifications (user_id, alert_id, channel, status, attempts, title, payload) "
      "VALUES ($1::bigint, $2, 'in_app', 'pending', 1, 'Recorded before a crash', $3::jsonb) RETURNING id",
      {user.text(), alerts[5].alert_id, model::encode(alerts[5])});
  ASSERT_TRUE(pending) << pending.error().message;
  const std::int64_t pending_id = pending->get_int(0, 0);

  for (int i = 0; i < 6; ++i) produce_alert(alerts[i]);
  produce_alert(alerts[0]);  // a redelivery within one batch
  const model::Alert lost_alert = make_alert(lost.id(), "it-" + tag + "-lost", 7);
  produce_alert(lost_alert);
  const std::string malformed = R"({"v":1,"alert_id":"it-)" + tag + R"(-bad","user_id":)";
  ASSERT_TRUE(producer_->produce(model::topic::kStockAlerts, "bad-" + tag, malformed));
  const model::Alert ghost = make_alert(UserId(kNoSuchUser), "it-" + tag + "-ghost", 9);
  produce_alert(ghost);
  ASSERT_TRUE(producer_->flush(30s));

  Child notify({"notify", "--group", group}, {{"LOG_LEVEL", "debug"}});
  ASSERT_TRUE(eventually([&] { return rows(user, "sent") == 6 && rows(lost, "sent") == 1; }, 90s))
      << notify.log_tail();
  // A redelivery of an alert already sent, then alert 6: the same key, so
  // the same partition, so once 6 is sent the redelivery was handled.
  produce_alert(alerts[0]);
  produce_alert(alerts[6]);
  ASSERT_TRUE(producer_->flush(30s));
  ASSERT_TRUE(eventually([&] { return rows(user, "sent") == 7; }, 60s)) << notify.log_tail();

  // The bad ones, in the DLQ with their reasons.
  std::map<std::string, std::string> reasons;  // by key
  ASSERT_TRUE(read_until(
      *dlq_reader,
      [&](const kafka::Message& m) {
        const bool ours = m.key() == "bad-" + tag || m.payload() == model::encode(ghost);
        if (!ours) return;
        reasons[std::string(m.key())] = std::string(m.header("dlq.reason").value_or(""));
        EXPECT_EQ(m.header("dlq.service").value_or(""), "notify");
        EXPECT_EQ(m.header("dlq.source.topic").value_or(""), model::topic::kStockAlerts);
        if (m.key() == "bad-" + tag) {
          EXPECT_EQ(m.payload(), malformed);
        }
      },
      [&] { return reasons.size() == 2; }, 60s))
      << notify.log_tail();
  EXPECT_TRUE(reasons["bad-" + tag].starts_with("parse: ")) << reasons["bad-" + tag];
  EXPECT_EQ(reasons[std::to_string(kNoSuchUser)], "rejected: user_id: no user " + std::to_string(kNoSuchUser));

  // One event per alert, matching its row. Everything was flushed before
  // the rows were marked sent, so once the topic goes quiet it is all here.
  std::map<std::string, std::vector<model::NotificationEvent>> events;
  ASSERT_TRUE(read_until(
      *events_reader, [&](const kafka::Message& m) { collect_event(m, user, events); },
      [&] { return events.size() == alerts.size(); }, 60s))
      << notify.log_tail();
  while (true) {
    auto more = events_reader->poll_batch(1000, 1s);
    if (more.empty()) break;
    for (const auto& m : more) {
      if (!m.error()) collect_event(m, user, events);
    }
  }
  for (const auto& a : alerts) {
    ASSERT_EQ(events[a.alert_id].size(), 1u) << a.alert_id;
    const auto& e = events[a.alert_id].front();
    auto row = conn_.exec("SELECT id, title, body, status, sent_at IS NOT NULL, payload->>'alert_id' "
                          "FROM notifications WHERE alert_id = $1 AND channel = 'in_app'",
                          {a.alert_id});
    ASSERT_TRUE(row);
    ASSERT_EQ(row->size(), 1);
    EXPECT_EQ(e.notification_id.value(), row->get_int(0, 0));
    EXPECT_EQ(e.user_id, user.id());
    EXPECT_EQ(e.channel, model::Channel::kInApp);
    EXPECT_EQ(e.status, model::DeliveryStatus::kSent);
    EXPECT_EQ(e.title, row->get(0, 1));
    EXPECT_EQ(e.body, row->get(0, 2));
    EXPECT_EQ(row->get(0, 3), "sent");
    EXPECT_EQ(row->get(0, 4), "t");
    EXPECT_EQ(row->get(0, 5), a.alert_id);
  }
  EXPECT_TRUE(events.begin()->second.front().title.starts_with("Apple Inc. (AAPL) up "));
  EXPECT_EQ(events[alerts[5].alert_id].front().notification_id.value(), pending_id);
  EXPECT_EQ(events[alerts[5].alert_id].front().title, "Recorded before a crash");
  EXPECT_EQ(query_int(conn_, "SELECT attempts FROM notifications WHERE id = $1::bigint", {std::to_string(pending_id)}),
            2);

  notify.signal(SIGTERM);
  EXPECT_EQ(notify.wait(), 0) << notify.log_tail();
  const std::string log = read_file(notify.log_path());
  EXPECT_NE(log.find("\"msg\":\"notify stopped\""), std::string::npos) << notify.log_tail();
  // E-mail and push are chosen (but not configured here) at 10:00 in New York, held
  // back by the quiet hours at 03:00; in-app is delivered at both times.
  const auto decided = [&](const model::Alert& a, int minute, bool others) {
    return "\"alert_id\":\"" + a.alert_id + "\",\"user_id\":" + std::to_string(a.user_id.value()) +
           ",\"local_minute\":" +
           std::to_string(minute) + ",\"email\":" + (others ? "true" : "false") +
           ",\"sms\":false,\"push\":" + (others ? "true" : "false") + ",\"in_app\":true}";
  };
  EXPECT_NE(log.find(decided(alerts[1], 10 * 60 + 1, true)), std::string::npos) << log;
  EXPECT_NE(log.find(decided(alerts[6], 3 * 60, false)), std::string::npos) << log;
  EXPECT_NE(log.find(decided(lost_alert, 15 * 60 + 7, true)), std::string::npos) << log;
  EXPECT_NE(log.find("a user's time zone is unknown; reading it as UTC"), std::string::npos) << log;
  // In-app only: e-mail and push are chosen but not configured (no SMTP_HOST,
  // no VAPID_PRIVATE_KEY in this test), so no row.
  EXPECT_EQ(rows(user), 7);
  EXPECT_EQ(query_int(conn_, "SELECT count(DISTINCT alert_id) FROM notifications WHERE user_id = $1::bigint",
                      {user.text()}),
            7);
  EXPECT_EQ(query_int(conn_, "SELECT count(*) FROM notifications WHERE alert_id = $1", {ghost.alert_id}), 0);
}

TEST_F(Notify, ASigkillMidwayLosesAndDuplicatesNoNotification) {
  const std::string tag = unique_tag();
  TestUser user(conn_, "notify-kill-" + tag);
  const std::string group = "itest-notify-" + tag;
  start_group_at_end(group, model::topic::kStockAlerts);
  auto events_reader = reader_from_now("itest-notify-events-" + tag, model::topic::kNotifications);
  constexpr int kAlerts = 200;

  auto notify = std::make_unique<Child>(std::vector<std::string>{"notify", "--group", group});
  ASSERT_TRUE(eventually([&] { return notify->log_tail().find("partitions assigned") != std::string::npos; }, 60s))
      << notify->log_tail();
  // 50 alerts a second, so the kill lands while alerts are still arriving.
  std::jthread feeder([&] {
    for (int i = 0; i < kAlerts; ++i) {
      produce_alert(make_alert(user.id(), "it-" + tag + "-" + std::to_string(i), i));
      producer_->poll();
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(producer_->flush(30s));
  });
  ASSERT_TRUE(eventually([&] { return rows(user) >= 30; }, 60s)) << notify->log_tail();
  notify->signal(SIGKILL);
  EXPECT_EQ(notify->wait(), 128 + SIGKILL);
  const std::int64_t at_kill = rows(user);
  notify = std::make_unique<Child>(std::vector<std::string>{"notify", "--group", group});
  feeder.join();

  ASSERT_TRUE(eventually([&] { return rows(user, "sent") == kAlerts; }, 120s)) << notify->log_tail();
  notify->signal(SIGTERM);
  EXPECT_EQ(notify->wait(), 0) << notify->log_tail();

  EXPECT_GT(at_kill, 0);
  EXPECT_LT(at_kill, kAlerts);
  EXPECT_EQ(rows(user), kAlerts);  // none twice
  EXPECT_EQ(query_int(conn_, "SELECT count(DISTINCT alert_id) FROM notifications WHERE user_id = $1::bigint",
                      {user.text()}),
            kAlerts);

  // Every alert has its event (none lost); a duplicate, with the same
  // notification id, is possible only for a row the kill caught between
  // its produce and its `sent` mark.
  std::map<std::string, std::vector<model::NotificationEvent>> events;
  ASSERT_TRUE(read_until(
      *events_reader, [&](const kafka::Message& m) { collect_event(m, user, events); },
      [&] { return events.size() == static_cast<std::size_t>(kAlerts); }, 60s));
  std::size_t duplicates = 0;
  for (const auto& [alert_id, list] : events) {
    duplicates += list.size() - 1;
    for (const auto& e : list) EXPECT_EQ(e.notification_id, list.front().notification_id) << alert_id;
  }
  RecordProperty("rows_at_kill", static_cast<int>(at_kill));
  RecordProperty("duplicate_events", static_cast<int>(duplicates));
  std::printf("rows at kill: %lld of %d; duplicate events: %zu\n", static_cast<long long>(at_kill), kAlerts,
              duplicates);
}

}  // namespace
}  // namespace st::itest
