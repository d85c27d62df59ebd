#include "outbound.hpp"

#include <algorithm>
#include <random>

#include "message_text.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::notify {
namespace {

constexpr std::size_t kMaxErrorChars = 2000;  // notifications.last_error
constexpr std::chrono::milliseconds kFirstReconnect{200};
constexpr std::chrono::milliseconds kMaxReconnect{10'000};

// Claims due rows of the given channels. The recipient is read now, not
// when the alert came: a changed address or number is used from then on.
constexpr std::string_view kClaim = R"(
WITH due AS (
  SELECT id FROM notifications
   WHERE status IN ('pending', 'failed') AND next_attempt_at <= now() AND channel = ANY($1::text[])
   ORDER BY next_attempt_at
   LIMIT $2::int
   FOR UPDATE SKIP LOCKED)
UPDATE notifications n
   SET attempts = n.attempts + 1, next_attempt_at = now() + $3::bigint * interval '1 millisecond'
  FROM due
 WHERE n.id = due.id
RETURNING n.id, n.user_id, n.alert_id, n.channel, n.title, n.body, n.attempts,
          (extract(epoch FROM n.created_at) * 1000)::bigint,
          (SELECT u.email FROM users u WHERE u.id = n.user_id),
          (SELECT p.phone FROM user_notification_preferences p WHERE p.user_id = n.user_id))";

constexpr std::string_view kSubscriptions =
    "SELECT id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1::bigint ORDER BY id";

// Each mark checks the attempt it belongs to: a row whose lease ran out and
// that another instance claimed again is left to that instance.
constexpr std::string_view kMarkSent =
    "UPDATE notifications SET status = 'sent', sent_at = now(), next_attempt_at = NULL, last_error = NULL "
    "WHERE id = $1::bigint AND attempts = $2::int AND status IN ('pending', 'failed')";
constexpr std::string_view kMarkFailed =
    "UPDATE notifications SET status = 'failed', last_error = $3, "
    "       next_attempt_at = now() + $4::bigint * interval '1 millisecond' "
    "WHERE id = $1::bigint AND attempts = $2::int AND status IN ('pending', 'failed')";
constexpr std::string_view kMarkDead =
    "UPDATE notifications SET status = 'dead', last_error = $3, next_attempt_at = NULL "
    "WHERE id = $1::bigint AND attempts = $2::int AND status IN ('pending', 'failed')";
constexpr std::string_view kDeleteSubscription = "DELETE FROM push_subscriptions WHERE id = $1::bigint";

std::string channel_array(const std::vector<std::unique_ptr<ChannelSender>>& senders) {
  std::string out = "{";
  for (const auto& s : senders) {
    if (out.size() > 1) out.push_back(',');
    out += model::to_string(s->channel());
  }
  out.push_back('}');
  return out;
}

class Outbound {
 public:
  Outbound(const OutboundOptions& options, std::vector<std::unique_ptr<ChannelSender>> senders)
      : options_(options), senders_(std::move(senders)), channels_(channel_array(senders_)),
        rng_(std::random_device{}()) {}

  /// One claim and its sends; false when nothing was due.
  Result<bool> round(pg::Connection& db) {
    auto claimed = db.exec(kClaim, {channels_, std::to_string(options_.batch), std::to_string(options_.lease.count())});
    if (!claimed) return std::unexpected(claimed.error());
    for (int i = 0; i < claimed->size(); ++i) {
      auto message = message_at(db, *claimed, i);
      if (!message) return std::unexpected(message.error());
      if (auto st = deliver(db, *message); !st) return std::unexpected(st.error());
    }
    return claimed->size() > 0;
  }

  [[nodiscard]] const OutboundReport& report() const { return report_; }

 private:
  Result<OutboundMessage> message_at(pg::Connection& db, const pg::Rows& rows, int i) {
    OutboundMessage m;
    m.id = model::NotificationId(rows.get_int(i, 0));
    m.user_id = UserId(rows.get_int(i, 1));
    m.alert_id = std::string(rows.get(i, 2));
    auto channel = model::parse_enum<model::Channel>(rows.get(i, 3));
    m.channel = channel.value_or(model::Channel::kEmail);
    m.title = std::string(rows.get(i, 4));
    m.body = std::string(rows.get(i, 5));
    m.attempt = static_cast<int>(rows.get_int(i, 6));
    m.created_ts = rows.get_int(i, 7);
    if (!rows.is_null(i, 8)) m.email = std::string(rows.get(i, 8));
    if (!rows.is_null(i, 9)) m.phone = std::string(rows.get(i, 9));
    if (m.channel == model::Channel::kPush) {
      auto subs = db.exec(kSubscriptions, {std::to_string(m.user_id.value())});
      if (!subs) return std::unexpected(subs.error());
      for (int s = 0; s < subs->size(); ++s) {
        m.subscriptions.push_back({subs->get_int(s, 0), std::string(subs->get(s, 1)), std::string(subs->get(s, 2)),
                                   std::string(subs->get(s, 3))});
      }
    }
    return m;
  }

  Status deliver(pg::Connection& db, const OutboundMessage& m) {
    ChannelSender* sender = nullptr;
    for (const auto& s : senders_) {
      if (s->channel() == m.channel) sender = s.get();
    }
    if (sender == nullptr) return {};  // not claimable: the claim names the senders' channels only
    const Attempt attempt = sender->send(m);
    for (const std::int64_t gone : attempt.expired_subscriptions) {
      if (auto r = db.exec(kDeleteSubscription, {std::to_string(gone)}); !r) return std::unexpected(r.error());
      ++report_.expired_subscriptions;
      log::info("push subscription expired, deleted", {{"subscription_id", gone}, {"user_id", m.user_id.value()}});
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const Verdict verdict = after_attempt(options_.retry, attempt, m.attempt, unit(rng_));
    const std::string id = std::to_string(m.id.value());
    const std::string attempt_no = std::to_string(m.attempt);
    const std::string error = truncate_chars(attempt.detail.empty() ? "failed" : attempt.detail, kMaxErrorChars);
    Result<pg::Rows> r;
    switch (verdict.next) {
      case Verdict::Next::kSent:
        r = db.exec(kMarkSent, {id, attempt_no});
        ++report_.sent;
        break;
      case Verdict::Next::kRetry:
        r = db.exec(kMarkFailed, {id, attempt_no, error, std::to_string(verdict.delay.count())});
        ++report_.retried;
        log::info("delivery failed, retrying", {{"notification_id", m.id.value()},
                                                 {"channel", model::to_string(m.channel)},
                                                 {"attempt", m.attempt},
                                                 {"delay_ms", static_cast<std::int64_t>(verdict.delay.count())},
                                                 {"error", error}});
        break;
      case Verdict::Next::kDead:
        r = db.exec(kMarkDead, {id, attempt_no, error});
        ++report_.dead;
        log::warn("delivery dead", {{"notification_id", m.id.value()},
                                    {"channel", model::to_string(m.channel)},
                                    {"attempt", m.attempt},
                                    {"error", error}});
        break;
    }
    if (!r) return std::unexpected(r.error());
    return {};
  }

  OutboundOptions options_;
  std::vector<std::unique_ptr<ChannelSender>> senders_;
  std::string channels_;
  std::mt19937_64 rng_;
  OutboundReport report_;
};

}  // namespace

OutboundReport run_outbound(const OutboundOptions& options, std::vector<std::unique_ptr<ChannelSender>> senders,
                            std::stop_token stop) {
  if (senders.empty()) return {};
  Outbound outbound(options, std::move(senders));
  auto backoff = kFirstReconnect;
  while (!stop.stop_requested()) {
    auto db = pg::Connection::connect(options.database_url);
    if (!db) {
      log::warn("outbound: database unavailable", {{"error", db.error().message}});
      sleep_unless_stopped(backoff, stop);
      backoff = std::min(backoff * 2, kMaxReconnect);
      continue;
    }
    backoff = kFirstReconnect;
    while (!stop.stop_requested()) {
      auto busy = outbound.round(*db);
      if (!busy) {
        // A claimed row whose mark failed is claimed again after its lease.
        log::error("outbound round failed", {{"error", busy.error().message}});
        sleep_unless_stopped(backoff, stop);
        break;
      }
      if (!*busy) sleep_unless_stopped(options.idle_wait, stop);
    }
  }
  const OutboundReport& r = outbound.report();
  log::info("outbound stopped", {{"sent", r.sent}, {"retried", r.retried}, {"dead", r.dead}});
  return r;
}

}  // namespace st::notify
