// `notify`'s outside channels against local fakes that speak the real
// protocols: e-mail to an SMTP server (tests/fakes/smtp_server.py, aiosmtpd),
// SMS to a Twilio stand-in (twilio_server.py), web push to a push service
// that checks VAPID and decrypts like a browser (push_server.py). Checks what
// arrived, the retries with backoff into `sent` or `dead`, the expired push
// subscription, the per-user rate limit, and that SIGKILLs while e-mails go
// out lose none and duplicate at most one per kill (at full size in `make
// chaos`: CHAOS_ALERTS, CHAOS_KILLS, chaos_report.hpp).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <thread>

#include "chaos_report.hpp"
#include "harness.hpp"
#include "test_alerts.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::itest {
namespace {

using namespace std::chrono_literals;

// RFC 8291 Appendix A's sender key, reused as a VAPID key: any P-256 key does.
constexpr std::string_view kVapidPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view kVapidPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr std::string_view kTwilioSid = "ACitest0123456789abcdef0123456789";
constexpr std::string_view kTwilioToken = "itest-twilio-token-5c1e";
constexpr std::string_view kTwilioFrom = "+15005550006";

std::string servers() {
  const char* bootstrap = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  return bootstrap != nullptr ? bootstrap : "127.0.0.1:9092";
}

std::string fake(const std::string& name) { return std::string(std::getenv("ST_SOURCE_DIR")) + "/tests/fakes/" + name; }

boost::json::value get_json(std::uint16_t port, const std::string& target) {
  const auto r = http_get(port, target);
  if (!r || r->status != 200) throw std::runtime_error("fake on port " + std::to_string(port) + ": GET " + target);
  return boost::json::parse(r->body);
}

/// The three fakes, each on free ports, for the length of a test.
class Fakes {
 public:
  explicit Fakes(double smtp_delay = 0)
      : smtp_port_(free_port()), smtp_control_(free_port()), twilio_port_(free_port()), push_port_(free_port()),
        smtp_(Program{"/usr/bin/python3"},
              {fake("smtp_server.py"), "--port", std::to_string(smtp_port_), "--control-port",
               std::to_string(smtp_control_), "--delay", std::to_string(smtp_delay)}),
        twilio_(Program{"/usr/bin/python3"},
                {fake("twilio_server.py"), "--port", std::to_string(twilio_port_), "--sid", std::string(kTwilioSid),
                 "--token", std::string(kTwilioToken), "--from", std::string(kTwilioFrom)}),
        push_(Program{"/usr/bin/python3"}, {fake("push_server.py"), "--port", std::to_string(push_port_)}) {
    for (auto [port, path, child] : {std::tuple{smtp_control_, "/_messages", &smtp_},
                                     std::tuple{twilio_port_, "/_messages", &twilio_},
                                     std::tuple{push_port_, "/_messages", &push_}}) {
      if (!eventually([&] { return http_get(port, path).has_value(); }, 20s)) {
        throw std::runtime_error("fake did not start: " + child->log_tail());
      }
    }
  }

  /// The settings that point notify at the fakes.
  [[nodiscard]] std::map<std::string, std::string> env() const {
    return {{"SMTP_HOST", "127.0.0.1"},
            {"SMTP_PORT", std::to_string(smtp_port_)},
            {"SMTP_TLS", "none"},
            {"SMTP_USER", "itest"},
            {"SMTP_PASS", "itest-pass"},
            {"SMTP_FROM", "alerts@stocktracker.test"},
            {"TWILIO_SID", std::string(kTwilioSid)},
            {"TWILIO_TOKEN", std::string(kTwilioToken)},
            {"TWILIO_FROM", std::string(kTwilioFrom)},
            {"TWILIO_BASE_URL", "http://127.0.0.1:" + std::to_string(twilio_port_)},
            {"VAPID_PRIVATE_KEY", std::string(kVapidPrivate)},
            {"VAPID_PUBLIC_KEY", std::string(kVapidPublic)},
            {"VAPID_SUBJECT", "mailto:ops@stocktracker.test"},
            {"NOTIFY_RETRY_BASE_MS", "200"},
            {"NOTIFY_RETRY_MAX_MS", "1500"},
            {"NOTIFY_MAX_ATTEMPTS", "4"},
            {"LOG_LEVEL", "debug"}};
  }

  boost::json::array mails() { return get_json(smtp_control_, "/_messages").as_array(); }
  boost::json::array sms() { return get_json(twilio_port_, "/_messages").as_array(); }
  boost::json::array pushes() { return get_json(push_port_, "/_messages").as_array(); }
  boost::json::object subscribe(const std::string& name) {
    return get_json(push_port_, "/_subscribe?name=" + name).as_object();
  }
  void push_fault(const std::string& query) { (void)get_json(push_port_, "/_control?" + query); }
  void twilio_fault(const std::string& query) { (void)get_json(twilio_port_, "/_control?" + query); }

 private:
  std::uint16_t smtp_port_, smtp_control_, twilio_port_, push_port_;
  Child smtp_, twilio_, push_;
};

/// A user of this run; deleted with its rows when the test ends.
class ChannelUser {
 public:
  ChannelUser(pg::Connection& conn, const std::string& email, bool email_on, bool sms_on, bool push_on,
              const std::string& phone = "+14155550123")
      : conn_(conn) {
    auto r = conn_.exec(
        "INSERT INTO users (email, password_hash, display_name) VALUES ($1, $2, 'channels itest') RETURNING id",
        {email, "$2b$12$" + std::string(53, 'x')});
    if (!r) throw std::runtime_error(r.error().message);
    id_ = r->get_int(0, 0);
    auto p = conn_.exec(
        "INSERT INTO user_notification_preferences (user_id, email_enabled, sms_enabled, push_enabled, "
        "in_app_enabled, phone) VALUES ($1::bigint, $2::boolean, $3::boolean, $4::boolean, true, $5)",
        {text(), email_on ? "true" : "false", sms_on ? "true" : "false", push_on ? "true" : "false", phone});
    if (!p) throw std::runtime_error(p.error().message);
  }
  ChannelUser(const ChannelUser&) = delete;
  ChannelUser& operator=(const ChannelUser&) = delete;
  ~ChannelUser() { (void)conn_.exec("DELETE FROM users WHERE id = $1::bigint", {text()}); }

  void add_subscription(const boost::json::object& s) {
    auto r = conn_.exec("INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth) VALUES ($1::bigint, $2, $3, $4)",
                        {text(), std::string(s.at("endpoint").as_string()), std::string(s.at("p256dh").as_string()),
                         std::string(s.at("auth").as_string())});
    if (!r) throw std::runtime_error(r.error().message);
  }
  [[nodiscard]] UserId id() const { return UserId(id_); }
  [[nodiscard]] std::string text() const { return std::to_string(id_); }

 private:
  pg::Connection& conn_;
  std::int64_t id_ = 0;
};

model::Alert make_alert(UserId user, const std::string& alert_id, std::int64_t n) {
  return pct_move_alert(user, alert_id, n, "MSFT", "Microsoft Corporation", 400);
}

/// Base64 text decoded; characters outside the alphabet (CRLF, '=') skipped.
std::string decode_base64(std::string_view text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const auto v = kAlphabet.find(c);
    if (v == std::string::npos) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

/// The body of a MIME message with a base64 transfer encoding, decoded.
std::string decode_base64_body(const std::string& message) {
  const auto blank = message.find("\r\n\r\n");
  return blank == std::string::npos ? std::string() : decode_base64(std::string_view(message).substr(blank + 4));
}

/// A header's unfolded value, its RFC 2047 "=?UTF-8?B?...?=" words decoded.
std::string header_of(const std::string& message, const std::string& name) {
  const std::string head = message.substr(0, message.find("\r\n\r\n") + 2);
  std::size_t pos = head.starts_with(name + ": ") ? 0 : head.find("\r\n" + name + ": ");
  if (pos == std::string::npos) return {};
  pos = head.find(": ", pos) + 2;
  std::string value;
  while (true) {  // folded lines go on with a space or a tab
    const auto eol = head.find("\r\n", pos);
    value += head.substr(pos, eol - pos);
    if (eol + 2 >= head.size() || (head[eol + 2] != ' ' && head[eol + 2] != '\t')) break;
    pos = eol + 3;
  }
  std::string out;
  for (std::size_t i = 0; i < value.size();) {
    const auto start = value.find("=?UTF-8?B?", i);
    if (start == std::string::npos) {
      out += value.substr(i);
      break;
    }
    out += value.substr(i, start - i);
    const auto end = value.find("?=", start + 10);
    out += decode_base64(std::string_view(value).substr(start + 10, end - start - 10));
    i = end + 2;
  }
  return out;
}

class NotifyChannels : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    ASSERT_EQ(run({"topics"}), 0);
    auto p = kafka::Producer::create(servers());
    ASSERT_TRUE(p);
    producer_ = std::move(*p);
  }

  /// A fresh notify group that starts at the end of stock-alerts.
  std::string group_at_end(const std::string& tag) {
    const std::string group = "itest-channels-" + tag;
    auto admin = kafka::Admin::create(servers());
    auto ends = (*admin)->end_offsets(std::string(model::topic::kStockAlerts), 30s);
    if (!ends) throw std::runtime_error(ends.error().message);
    auto consumer = kafka::Consumer::create(servers(), group, {});
    if (!consumer) throw std::runtime_error(consumer.error().message);
    if (auto st = (*consumer)->commit(*ends); !st) throw std::runtime_error(st.error().message);
    (*consumer)->close();
    return group;
  }

  void produce(const model::Alert& a) {
    ASSERT_TRUE(producer_->produce(model::topic::kStockAlerts, std::to_string(a.user_id.value()), model::encode(a)));
  }

  std::int64_t count(const std::string& where, const pg::Params& params) {
    return query_int(conn_, "SELECT count(*) FROM notifications WHERE " + where, params);
  }

  /// status, attempts and last_error of an alert's row on a channel.
  std::tuple<std::string, std::int64_t, std::string> row_of(const std::string& alert_id, const std::string& channel) {
    auto r = conn_.exec("SELECT status, attempts, coalesce(last_error, '') FROM notifications "
                        "WHERE alert_id = $1 AND channel = $2",
                        {alert_id, channel});
    if (!r || r->size() != 1) return {"missing", 0, ""};
    return {std::string(r->get(0, 0)), r->get_int(0, 1), std::string(r->get(0, 2))};
  }

  pg::Connection conn_ = db();
  std::unique_ptr<kafka::Producer> producer_;
};

TEST_F(NotifyChannels, DeliversEmailSmsAndPushThatArriveIntact) {
  const std::string tag = unique_tag();
  Fakes fakes;
  ChannelUser user(conn_, "channels-" + tag + "@itest.example.com", true, true, true);
  user.add_subscription(fakes.subscribe("ok-" + tag));
  const std::string group = group_at_end(tag);
  const model::Alert a0 = make_alert(user.id(), "ch-" + tag + "-0", 0);
  const model::Alert a1 = make_alert(user.id(), "ch-" + tag + "-1", 1);
  produce(a0);
  produce(a1);
  ASSERT_TRUE(producer_->flush(30s));

  Child notify({"notify", "--group", group}, fakes.env());
  ASSERT_TRUE(eventually([&] { return count("user_id = $1::bigint AND status = 'sent'", {user.text()}) == 8; }, 90s))
      << notify.log_tail();

  // E-mail: one RFC 5322 message per alert, as the server received it.
  const auto mails = fakes.mails();
  std::map<std::string, boost::json::object> by_message_id;
  for (const auto& m : mails) {
    const auto& o = m.as_object();
    if (o.at("rcpt_tos").as_array().front().as_string() != "channels-" + tag + "@itest.example.com") continue;
    by_message_id[header_of(std::string(o.at("data").as_string()), "Message-ID")] = o;
  }
  ASSERT_EQ(by_message_id.size(), 2u);
  for (const auto& [id, o] : by_message_id) {
    const std::string data(o.at("data").as_string());
    EXPECT_EQ(o.at("mail_from").as_string(), "alerts@stocktracker.test");
    EXPECT_EQ(o.at("login").as_string(), "itest");  // SMTP AUTH with SMTP_USER/SMTP_PASS
    EXPECT_TRUE(id.ends_with(".alert@stocktracker.test>")) << id;
    EXPECT_EQ(header_of(data, "From"), "Stock Tracker <alerts@stocktracker.test>");
    EXPECT_EQ(header_of(data, "To"), "<channels-" + tag + "@itest.example.com>");
    EXPECT_TRUE(header_of(data, "Subject").starts_with("Microsoft Corporation (MSFT) up ")) << data;
    EXPECT_EQ(header_of(data, "Content-Type"), "text/plain; charset=UTF-8");
    EXPECT_EQ(header_of(data, "Content-Transfer-Encoding"), "base64");
    EXPECT_TRUE(data.starts_with("Date: ")) << data;
    EXPECT_EQ(header_of(data, "Auto-Submitted"), "auto-generated");
    EXPECT_NE(decode_base64_body(data).find("MSFT moved more than 5% since the previous close"), std::string::npos)
        << data;
  }

  // SMS: To, From and Body as Twilio received them.
  int texts = 0;
  for (const auto& m : fakes.sms()) {
    const auto& o = m.as_object();
    if (o.at("to").as_string() != "+14155550123" ||
        std::string(o.at("body").as_string()).find("MSFT moved") == std::string::npos) {
      continue;
    }
    EXPECT_EQ(o.at("from").as_string(), kTwilioFrom);
    EXPECT_TRUE(std::string(o.at("body").as_string()).starts_with("Microsoft Corporation (MSFT) up "));
    ++texts;
  }
  EXPECT_GE(texts, 2);

  // Push: decrypted by the fake with the subscription's private key, VAPID checked.
  std::set<std::string> pushed;
  for (const auto& m : fakes.pushes()) {
    const auto& o = m.as_object();
    if (o.at("name").as_string() != "ok-" + tag) continue;
    const auto payload = boost::json::parse(o.at("payload").as_string()).as_object();
    pushed.insert(std::string(payload.at("alert_id").as_string()));
    EXPECT_TRUE(std::string(payload.at("title").as_string()).starts_with("Microsoft Corporation (MSFT) up "));
    EXPECT_EQ(o.at("vapid_sub").as_string(), "mailto:ops@stocktracker.test");
    EXPECT_EQ(o.at("urgency").as_string(), "high");
  }
  EXPECT_EQ(pushed, (std::set<std::string>{a0.alert_id, a1.alert_id}));

  for (const auto* channel : {"email", "sms", "push"}) {
    EXPECT_EQ(std::get<1>(row_of(a0.alert_id, channel)), 1) << channel;  // first try
  }
  notify.signal(SIGTERM);
  EXPECT_EQ(notify.wait(), 0) << notify.log_tail();
}

TEST_F(NotifyChannels, RetriesTransientFailuresAndGivesUpOnPermanentOnes) {
  const std::string tag = unique_tag();
  Fakes fakes;
  // E-mail: 451 twice then accepted; 550 at once. SMS: two 429s then 201.
  // Push: 410 (gone) for one subscription, 500 for ever for another user.
  ChannelUser flaky(conn_, "flaky-" + tag + "@itest.example.com", true, true, false);
  ChannelUser rejected(conn_, "reject-" + tag + "@itest.example.com", true, false, true);
  ChannelUser broken(conn_, "broken-" + tag + "@itest.example.com", false, false, true);
  rejected.add_subscription(fakes.subscribe("gone-" + tag));
  broken.add_subscription(fakes.subscribe("down-" + tag));
  fakes.push_fault("name=gone-" + tag + "&status=410");
  fakes.push_fault("name=down-" + tag + "&status=500");
  fakes.twilio_fault("fault=429&times=2&retry_after=1");
  const std::string group = group_at_end(tag);
  const model::Alert af = make_alert(flaky.id(), "rt-" + tag + "-f", 0);
  const model::Alert ar = make_alert(rejected.id(), "rt-" + tag + "-r", 1);
  const model::Alert ab = make_alert(broken.id(), "rt-" + tag + "-b", 2);
  for (const auto& a : {af, ar, ab}) produce(a);
  ASSERT_TRUE(producer_->flush(30s));

  Child notify({"notify", "--group", group}, fakes.env());
  const auto final_state = [&] {
    return count("alert_id = ANY($1::text[]) AND channel <> 'in_app' AND status IN ('sent', 'dead')",
                 {"{" + af.alert_id + "," + ar.alert_id + "," + ab.alert_id + "}"}) == 5;
  };
  ASSERT_TRUE(eventually(final_state, 90s)) << notify.log_tail();

  const auto [fe_status, fe_attempts, fe_error] = row_of(af.alert_id, "email");
  EXPECT_EQ(fe_status, "sent");
  EXPECT_EQ(fe_attempts, 3);  // two 451s, then accepted
  const auto [fs_status, fs_attempts, fs_error] = row_of(af.alert_id, "sms");
  EXPECT_EQ(fs_status, "sent");
  EXPECT_EQ(fs_attempts, 3);  // two 429s, then 201
  const auto [re_status, re_attempts, re_error] = row_of(ar.alert_id, "email");
  EXPECT_EQ(re_status, "dead");
  EXPECT_EQ(re_attempts, 1);  // 550 is permanent: no retry
  EXPECT_NE(re_error.find("SMTP"), std::string::npos) << re_error;
  const auto [rp_status, rp_attempts, rp_error] = row_of(ar.alert_id, "push");
  EXPECT_EQ(rp_status, "dead");
  EXPECT_NE(rp_error.find("410"), std::string::npos) << rp_error;
  EXPECT_EQ(query_int(conn_, "SELECT count(*) FROM push_subscriptions WHERE user_id = $1::bigint", {rejected.text()}),
            0);  // deleted after 410
  const auto [bp_status, bp_attempts, bp_error] = row_of(ab.alert_id, "push");
  EXPECT_EQ(bp_status, "dead");
  EXPECT_EQ(bp_attempts, 4);  // NOTIFY_MAX_ATTEMPTS
  EXPECT_NE(bp_error.find("HTTP 500"), std::string::npos) << bp_error;
  EXPECT_EQ(query_int(conn_, "SELECT count(*) FROM push_subscriptions WHERE user_id = $1::bigint", {broken.text()}),
            1);  // a 500 does not expire it
  // Only the accepted e-mail reached the server's mailbox.
  int flaky_mails = 0;
  for (const auto& m : fakes.mails()) {
    if (m.as_object().at("rcpt_tos").as_array().front().as_string() == "flaky-" + tag + "@itest.example.com") {
      ++flaky_mails;
    }
  }
  EXPECT_EQ(flaky_mails, 1);
  notify.signal(SIGTERM);
  EXPECT_EQ(notify.wait(), 0) << notify.log_tail();
}

TEST_F(NotifyChannels, ThePerUserRateLimitKeepsOnlyInAppBeyondIt) {
  const std::string tag = unique_tag();
  Fakes fakes;
  ChannelUser user(conn_, "limited-" + tag + "@itest.example.com", true, false, false);
  const std::string group = group_at_end(tag);
  for (int i = 0; i < 5; ++i) produce(make_alert(user.id(), "rl-" + tag + "-" + std::to_string(i), i));
  ASSERT_TRUE(producer_->flush(30s));
  auto env = fakes.env();
  env["NOTIFY_USER_RATE_LIMIT"] = "3/hour";
  Child notify({"notify", "--group", group}, env);
  ASSERT_TRUE(eventually([&] { return count("user_id = $1::bigint AND status = 'sent'", {user.text()}) == 8; }, 90s))
      << notify.log_tail();
  EXPECT_EQ(count("user_id = $1::bigint AND channel = 'in_app'", {user.text()}), 5);
  EXPECT_EQ(count("user_id = $1::bigint AND channel = 'email'", {user.text()}), 3);
  notify.signal(SIGTERM);
  EXPECT_EQ(notify.wait(), 0) << notify.log_tail();
}

TEST_F(NotifyChannels, QuietHoursInTheUsersZoneHoldBackEverythingButInApp) {
  const std::string tag = unique_tag();
  Fakes fakes;
  ChannelUser user(conn_, "quiet-" + tag + "@itest.example.com", true, true, false);
  // 09:30-11:30 in Tokyo (UTC+9): 00:30-02:30Z.
  ASSERT_TRUE(conn_.exec("UPDATE user_notification_preferences SET quiet_hours_start = '09:30', "
                         "quiet_hours_end = '11:30', time_zone = 'Asia/Tokyo' WHERE user_id = $1::bigint",
                         {user.text()}));
  const std::string group = group_at_end(tag);
  model::Alert quiet = make_alert(user.id(), "qh-" + tag + "-quiet", 0);
  quiet.event_ts = 1764203400000;  // 2025-11-27T00:30Z = 09:30 in Tokyo
  model::Alert loud = make_alert(user.id(), "qh-" + tag + "-loud", 1);
  loud.event_ts = 1764210600000;  // 02:30Z = 11:30 in Tokyo: the window has ended
  produce(quiet);
  produce(loud);
  ASSERT_TRUE(producer_->flush(30s));
  Child notify({"notify", "--group", group}, fakes.env());
  ASSERT_TRUE(eventually([&] { return count("user_id = $1::bigint AND status = 'sent'", {user.text()}) == 4; }, 90s))
      << notify.log_tail();
  EXPECT_EQ(count("alert_id = $1", {quiet.alert_id}), 1);  // in-app only
  EXPECT_EQ(std::get<0>(row_of(quiet.alert_id, "in_app")), "sent");
  EXPECT_EQ(std::get<0>(row_of(loud.alert_id, "email")), "sent");
  EXPECT_EQ(std::get<0>(row_of(loud.alert_id, "sms")), "sent");
  notify.signal(SIGTERM);
  EXPECT_EQ(notify.wait(), 0) << notify.log_tail();
}

TEST_F(NotifyChannels, SigkillsWhileSendingLoseNoEmailAndDuplicateAtMostOnePerKill) {
  const std::string tag = unique_tag();
  Fakes fakes(0.05);  // 50 ms per message: the kills land mid-send
  ChannelUser user(conn_, "kill-" + tag + "@itest.example.com", true, false, false);
  const std::string group = group_at_end(tag);
  const auto kAlerts = static_cast<int>(chaos_size("CHAOS_ALERTS", 80));
  const auto kKills = static_cast<int>(chaos_size("CHAOS_KILLS", 3));
  // Each kill waits for 10 new e-mails: fewer alerts would run out first.
  ASSERT_GE(kAlerts, 10 * (kKills + 1)) << "CHAOS_ALERTS must be at least 10 per kill";
  for (int i = 0; i < kAlerts; ++i) produce(make_alert(user.id(), "k-" + tag + "-" + std::to_string(i), i));
  ASSERT_TRUE(producer_->flush(30s));

  auto env = fakes.env();
  // A killed instance's claimed row waits out its lease: keep it short here.
  env["NOTIFY_CLAIM_LEASE_MS"] = "1500";
  // The default (20/hour) would hold most back.
  env["NOTIFY_USER_RATE_LIMIT"] = std::to_string(std::max(1000, 2 * kAlerts)) + "/hour";
  const auto mails_of_user = [&] {
    std::map<std::string, int> by_id;
    for (const auto& m : fakes.mails()) {
      const auto& o = m.as_object();
      if (o.at("rcpt_tos").as_array().front().as_string() != "kill-" + tag + "@itest.example.com") continue;
      ++by_id[header_of(std::string(o.at("data").as_string()), "Message-ID")];
    }
    return by_id;
  };
  std::vector<std::size_t> at_kill;
  for (int k = 0; k < kKills; ++k) {
    Child notify({"notify", "--group", group}, env);
    const std::size_t before = mails_of_user().size();
    ASSERT_TRUE(eventually([&] { return mails_of_user().size() >= before + 10; }, 60s)) << notify.log_tail();
    notify.signal(SIGKILL);
    EXPECT_EQ(notify.wait(), 128 + SIGKILL);
    at_kill.push_back(mails_of_user().size());
  }
  Child notify({"notify", "--group", group}, env);
  ASSERT_TRUE(eventually([&] { return count("user_id = $1::bigint AND channel = 'email' AND status = 'sent'",
                                            {user.text()}) == kAlerts; },
                         120s + std::chrono::seconds(kAlerts / 10)))
      << notify.log_tail();
  notify.signal(SIGTERM);
  EXPECT_EQ(notify.wait(), 0) << notify.log_tail();

  const auto by_id = mails_of_user();
  EXPECT_EQ(by_id.size(), static_cast<std::size_t>(kAlerts));  // none lost
  int duplicates = 0;
  for (const auto& [id, n] : by_id) duplicates += n - 1;
  EXPECT_LE(duplicates, kKills);
  EXPECT_LT(at_kill.front(), static_cast<std::size_t>(kAlerts));
  std::printf("e-mails at each kill:");
  for (const auto n : at_kill) std::printf(" %zu", n);
  std::printf(" of %d; duplicate e-mails after %d kills: %d\n", kAlerts, kKills, duplicates);
  chaos_report("kill -9 of notify while sending",
               with_commas(kKills) + " kills, " + with_commas(kAlerts) + " e-mail alerts",
               kAlerts - static_cast<std::int64_t>(by_id.size()), duplicates,
               "duplicates allowed: " + std::to_string(kKills));
}

}  // namespace
}  // namespace st::itest
