#include "notify_service.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "decide.hpp"
#include "email_sender.hpp"
#include "web_push.hpp"
#include "message_text.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/kafka/dead_letter.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/topics.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::notify {
namespace {

constexpr std::string_view kService = "notify";
constexpr std::chrono::seconds kFlushTimeout{30};
constexpr std::chrono::milliseconds kPollWait{100};
constexpr std::chrono::milliseconds kFirstBackoff{200};
constexpr std::chrono::milliseconds kMaxBackoff{10000};

// The batch's users that exist, locked against deletion until COMMIT, so
// the notifications' foreign key cannot fail between this check and the
// inserts.
constexpr std::string_view kLockUsers = "SELECT id FROM users WHERE id = ANY($1::bigint[]) FOR KEY SHARE";

// One row per alert, in batch order: the user's settings (NULLs when the
// user has no row) and, when the user has quiet hours, the alert's event
// time as a minute of the day in the user's zone. `zone` is the SQL of the
// zone to convert to.
std::string preferences_sql(std::string_view zone) {
  return R"(
SELECT p.user_id IS NOT NULL, p.email_enabled, p.sms_enabled, p.push_enabled, p.in_app_enabled,
       p.phone IS NOT NULL,
       (extract(hour FROM p.quiet_hours_start) * 60 + extract(minute FROM p.quiet_hours_start))::int,
       (extract(hour FROM p.quiet_hours_end) * 60 + extract(minute FROM p.quiet_hours_end))::int,
       CASE WHEN p.quiet_hours_start IS NOT NULL THEN
         (SELECT (extract(hour FROM l.t) * 60 + extract(minute FROM l.t))::int
            FROM (SELECT to_timestamp(a.ts / 1000.0) AT TIME ZONE )" +
         std::string(zone) + R"() AS l (t))
       END
  FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS a (user_id, ts, ord)
  LEFT JOIN user_notification_preferences p ON p.user_id = a.user_id
 ORDER BY a.ord)";
}

// Records the delivery as pending. It returns the row to publish when the
// row is new, or when an earlier attempt recorded it but crashed before
// marking it sent; an alert already sent returns nothing.
constexpr std::string_view kRecordInApp =
    "INSERT INTO notifications (user_id, alert_id, channel, status, attempts, title, body, payload) "
    "VALUES ($1::bigint, $2, 'in_app', 'pending', 1, $3, $4, $5::jsonb) "
    "ON CONFLICT (alert_id, channel) DO UPDATE SET attempts = notifications.attempts + 1 "
    "WHERE notifications.status = 'pending' "
    "RETURNING id, user_id, title, body, (extract(epoch FROM created_at) * 1000)::bigint";

// E-mail, SMS and push: recorded pending and due now; the delivery thread
// (outbound.hpp) sends them. Nothing returned means an earlier delivery of
// the alert recorded it already.
constexpr std::string_view kRecordOutside =
    "INSERT INTO notifications (user_id, alert_id, channel, status, attempts, title, body, payload, next_attempt_at) "
    "VALUES ($1::bigint, $2, $3, 'pending', 0, $4, $5, $6::jsonb, now()) "
    "ON CONFLICT (alert_id, channel) DO NOTHING RETURNING id";

// Alerts of each user of the batch that went out by e-mail, SMS or push in
// the rate-limit window (one alert on three channels counts once).
constexpr std::string_view kRecentOutside = R"(
SELECT u.id, (SELECT count(DISTINCT n.alert_id) FROM notifications n
               WHERE n.user_id = u.id AND n.channel <> 'in_app'
                 AND n.created_at > now() - $2::bigint * interval '1 millisecond')
  FROM (SELECT DISTINCT unnest($1::bigint[])) AS u (id))";

constexpr std::string_view kMarkSent =
    "UPDATE notifications SET status = 'sent', sent_at = now() "
    "WHERE id = ANY($1::bigint[]) AND status = 'pending'";

struct Incoming {
  model::Alert alert;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string payload;  // as received, for the DLQ
};

struct DeadLetter {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string payload;
  std::string reason;
};

/// One polled batch, decoded.
struct Batch {
  std::vector<Incoming> alerts;  // distinct alert ids, in arrival order
  std::vector<DeadLetter> dead;
  std::map<std::int32_t, std::int64_t> next_offsets;  // partition -> offset after its last message
  std::uint64_t repeated = 0;                          // alert ids seen earlier in the batch
};

/// What the database transaction of a batch decided.
struct Recorded {
  std::vector<model::NotificationEvent> to_publish;
  std::vector<DeadLetter> rejected;
  std::uint64_t duplicates = 0;
  std::uint64_t outside = 0;
  std::uint64_t unconfigured = 0;
  std::uint64_t rate_limited = 0;
};

std::string bigint_array(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string(values[i]);
  }
  out.push_back('}');
  return out;
}

Batch decode_batch(const std::vector<kafka::Message>& messages) {
  Batch batch;
  std::unordered_set<std::string> seen;
  for (const auto& m : messages) {
    if (auto err = m.error()) {
      log::warn("consumer error", {{"error", err->message}});
      continue;
    }
    batch.next_offsets[m.partition()] = m.offset() + 1;
    auto alert = model::decode_alert(m.payload());
    if (!alert) {
      batch.dead.push_back(
          {m.partition(), m.offset(), std::string(m.key()), std::string(m.payload()), alert.error().message});
    } else if (!seen.insert(alert->alert_id).second) {
      ++batch.repeated;
    } else {
      batch.alerts.push_back({std::move(*alert), m.partition(), m.offset(), std::string(m.key()),
                              std::string(m.payload())});
    }
  }
  return batch;
}

/// Row `i` of preferences_sql(): the user's settings and the local minute
/// of the alert's event time (0 when the user has no quiet hours).
std::pair<DeliveryPreferences, MinuteOfDay> preferences_at(const pg::Rows& rows, int i) {
  const auto flag = [&](int col) { return rows.get(i, col) == "t"; };
  if (!flag(0)) return {kDefaultPreferences, 0};
  DeliveryPreferences p;
  p.channels = {.email = flag(1), .sms = flag(2), .push = flag(3), .in_app = flag(4)};
  p.has_phone = flag(5);
  if (rows.is_null(i, 6)) return {p, 0};
  const auto minute = [&](int col) { return static_cast<MinuteOfDay>(rows.get_int(i, col)); };
  p.quiet_hours = QuietWindow{minute(6), minute(7)};
  return {p, minute(8)};
}

/// One notify instance: the consumer thread owns everything here.
class Notifier {
 public:
  Notifier(NotifyOptions options, pg::Connection db, std::unique_ptr<kafka::Producer> producer)
      : options_(std::move(options)), db_(std::move(db)), producer_(std::move(producer)),
        configured_{.email = options_.smtp.has_value(),
                    .sms = options_.twilio.has_value(),
                    .push = options_.vapid.has_value(),
                    .in_app = true} {}

  /// Delivers one polled batch and returns the offsets to commit: the rows
  /// are committed, the events and dead letters flushed and the rows marked
  /// sent by then.
  Result<std::vector<kafka::TopicPartition>> handle(const std::vector<kafka::Message>& messages) {
    Batch batch = decode_batch(messages);
    Result<Recorded> recorded = record(batch.alerts, false);
    if (!recorded && recorded.error().code == Errc::kInvalidInput) {
      // A row the database refuses for a reason the codec does not check:
      // go again alert by alert, so only the refused ones are dead-lettered.
      log::warn("batch refused, retrying alert by alert", {{"error", recorded.error().message}});
      recorded = record(batch.alerts, true);
    }
    if (!recorded) return std::unexpected(recorded.error());
    if (auto st = publish(batch.dead, *recorded); !st) return std::unexpected(st.error());
    if (auto st = mark_sent(recorded->to_publish); !st) return std::unexpected(st.error());

    report_.alerts += batch.alerts.size() + batch.repeated;
    report_.in_app += recorded->to_publish.size();
    report_.duplicates += batch.repeated + recorded->duplicates;
    report_.outside += recorded->outside;
    report_.unconfigured += recorded->unconfigured;
    report_.rate_limited += recorded->rate_limited;
    report_.dead_letters += batch.dead.size() + recorded->rejected.size();
    std::vector<kafka::TopicPartition> offsets;
    for (const auto& [partition, next] : batch.next_offsets) {
      offsets.push_back({std::string(model::topic::kStockAlerts), partition, next});
    }
    return offsets;
  }

  [[nodiscard]] const NotifyReport& report() const { return report_; }
  [[nodiscard]] bool db_ok() const { return db_.ok(); }

  /// After a failed batch: a new database connection if the old one broke,
  /// and always a new producer (a failed delivery poisons every later flush).
  Status recover() {
    if (!db_.ok()) {
      auto conn = pg::Connection::connect(options_.database_url);
      if (!conn) return std::unexpected(conn.error());
      db_ = std::move(*conn);
    }
    auto producer = kafka::Producer::create(options_.bootstrap_servers);
    if (!producer) return std::unexpected(producer.error());
    producer_ = std::move(*producer);
    return {};
  }

 private:
  /// The batch's database transaction: checks the users, decides the
  /// channels and records a pending row per alert and chosen channel.
  Result<Recorded> record(const std::vector<Incoming>& alerts, bool alert_by_alert) {
    if (alerts.empty()) return Recorded{};
    auto rollback = [&](Error e) {
      (void)db_.exec_script("ROLLBACK");
      return std::unexpected(std::move(e));
    };
    std::vector<std::int64_t> users;
    std::vector<std::int64_t> times;
    for (const auto& in : alerts) {
      users.push_back(in.alert.user_id.value());
      times.push_back(in.alert.event_ts);
    }
    const std::string user_array = bigint_array(users);
    auto preferences = load_preferences({user_array, bigint_array(times)});
    if (!preferences) return std::unexpected(preferences.error());
    auto recent = load_recent_outside(user_array);
    if (!recent) return std::unexpected(recent.error());

    if (auto st = db_.exec_script("BEGIN"); !st) return std::unexpected(st.error());
    auto locked = db_.exec(kLockUsers, {user_array});
    if (!locked) return rollback(locked.error());
    std::unordered_set<std::int64_t> existing;
    for (int i = 0; i < locked->size(); ++i) existing.insert(locked->get_int(i, 0));

    Recorded out;
    for (std::size_t i = 0; i < alerts.size(); ++i) {
      const Incoming& in = alerts[i];
      const model::Alert& alert = in.alert;
      if (!existing.contains(alert.user_id.value())) {
        out.rejected.push_back({in.partition, in.offset, in.key, in.payload,
                                "rejected: user_id: no user " + std::to_string(alert.user_id.value())});
        continue;
      }
      const auto [prefs, local_time] = preferences_at(*preferences, static_cast<int>(i));
      const model::EnabledChannels channels = channels_for(alert, prefs, local_time, *recent, out);
      if (!channels.in_app && !any_outside(channels)) continue;

      if (alert_by_alert) {
        if (auto st = db_.exec_script("SAVEPOINT alert"); !st) return rollback(st.error());
      }
      const std::size_t published_before = out.to_publish.size();
      const std::uint64_t outside_before = out.outside;
      auto recorded = record_alert(alert, channels, out);
      if (!recorded) {
        if (!alert_by_alert || recorded.error().code != Errc::kInvalidInput) return rollback(recorded.error());
        (void)db_.exec_script("ROLLBACK TO SAVEPOINT alert");
        // Its rows are gone with the savepoint: so is what they added here.
        out.to_publish.erase(out.to_publish.begin() + static_cast<std::ptrdiff_t>(published_before),
                             out.to_publish.end());
        out.outside = outside_before;
        out.rejected.push_back(
            {in.partition, in.offset, in.key, in.payload, "rejected: " + recorded.error().message});
        continue;
      }
      if (alert_by_alert) (void)db_.exec_script("RELEASE SAVEPOINT alert");
      if (!*recorded) ++out.duplicates;  // recorded before: a redelivery
    }
    if (auto st = db_.exec_script("COMMIT"); !st) return std::unexpected(st.error());
    return out;
  }

  /// Read outside the transaction: the settings need no lock. The table
  /// checks only a zone's format (the API checks that it exists), so a zone
  /// PostgreSQL does not know fails the query; the batch is then read again
  /// with unknown zones taken as UTC, a check too slow (about 40 ms) for
  /// every batch.
  Result<pg::Rows> load_preferences(const pg::Params& params) {
    static const std::string kTrustingZones = preferences_sql("p.time_zone");
    static const std::string kCheckingZones = preferences_sql(
        "CASE WHEN p.time_zone IN (SELECT name FROM pg_timezone_names) THEN p.time_zone ELSE 'UTC' END");
    auto rows = db_.exec(kTrustingZones, params);
    if (rows || rows.error().code != Errc::kInvalidInput) return rows;
    log::warn("a user's time zone is unknown; reading it as UTC", {{"error", rows.error().message}});
    return db_.exec(kCheckingZones, params);
  }

  /// The channels of one alert: the user's choice (decide_channels), less
  /// those not configured here, less e-mail/SMS/push past the user's rate
  /// limit. Counts what it held back in `out`.
  model::EnabledChannels channels_for(const model::Alert& alert, const DeliveryPreferences& prefs,
                                      MinuteOfDay local_time, const std::unordered_map<std::int64_t, std::int64_t>& recent,
                                      Recorded& out) {
    const model::EnabledChannels wanted = decide_channels(prefs, local_time);
    const model::EnabledChannels configured = only_configured(wanted, configured_);
    if (configured != wanted) {
      ++out.unconfigured;
      log_unconfigured_once(wanted, configured);
    }
    std::int64_t sent = 0;
    if (auto it = recent.find(alert.user_id.value()); it != recent.end()) sent = it->second;
    if (auto it = batch_outside_.find(alert.user_id.value()); it != batch_outside_.end()) sent += it->second;
    const model::EnabledChannels limited = apply_rate_limit(configured, sent, options_.user_rate_limit_count);
    if (limited != configured) ++out.rate_limited;
    // The user's choice, before configuration and rate limit: the counts
    // in the report say what those took away.
    log::debug("channels decided", {{"alert_id", alert.alert_id},
                                    {"user_id", alert.user_id.value()},
                                    {"local_minute", local_time},
                                    {"email", wanted.email},
                                    {"sms", wanted.sms},
                                    {"push", wanted.push},
                                    {"in_app", wanted.in_app}});
    return limited;
  }

  /// The alert's rows, one per channel; true when any was new. A new in-app
  /// row (or one left pending by a crash) is queued for publication.
  Result<bool> record_alert(const model::Alert& alert, const model::EnabledChannels& channels, Recorded& out) {
    const NotificationText text = compose(alert);
    const std::string user = std::to_string(alert.user_id.value());
    const std::string payload = model::encode(alert);
    bool fresh = false;
    if (channels.in_app) {
      auto row = db_.exec(kRecordInApp, {user, alert.alert_id, text.title, text.body, payload});
      if (!row) return std::unexpected(row.error());
      if (row->size() > 0) {
        fresh = true;
        out.to_publish.push_back({model::NotificationId(row->get_int(0, 0)), UserId(row->get_int(0, 1)),
                                  alert.alert_id, model::Channel::kInApp, model::DeliveryStatus::kSent,
                                  std::string(row->get(0, 2)), std::string(row->get(0, 3)), row->get_int(0, 4)});
      }
    }
    bool fresh_outside = false;
    for (const auto& [on, channel] : {std::pair{channels.email, model::Channel::kEmail},
                                      std::pair{channels.sms, model::Channel::kSms},
                                      std::pair{channels.push, model::Channel::kPush}}) {
      if (!on) continue;
      auto row = db_.exec(kRecordOutside, {user, alert.alert_id, std::string(model::to_string(channel)), text.title,
                                           text.body, payload});
      if (!row) return std::unexpected(row.error());
      if (row->size() > 0) {
        fresh_outside = true;
        ++out.outside;
      }
    }
    if (fresh_outside) ++batch_outside_[alert.user_id.value()];
    return fresh || fresh_outside;
  }

  /// Alerts sent outside per user within the rate-limit window, read before
  /// the batch's transaction; the batch's own are counted in batch_outside_.
  Result<std::unordered_map<std::int64_t, std::int64_t>> load_recent_outside(const std::string& user_array) {
    batch_outside_.clear();
    std::unordered_map<std::int64_t, std::int64_t> recent;
    if (!any_outside(configured_)) return recent;
    auto rows = db_.exec(kRecentOutside, {user_array, std::to_string(options_.user_rate_limit_window.count())});
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) recent[rows->get_int(i, 0)] = rows->get_int(i, 1);
    return recent;
  }

  /// A channel a user chose but this instance has no settings for: logged
  /// once per channel, since every alert of such a user would repeat it.
  void log_unconfigured_once(const model::EnabledChannels& wanted, const model::EnabledChannels& configured) {
    for (const auto& [chosen, kept, channel] :
         {std::tuple{wanted.email, configured.email, model::Channel::kEmail},
          std::tuple{wanted.sms, configured.sms, model::Channel::kSms},
          std::tuple{wanted.push, configured.push, model::Channel::kPush}}) {
      if (chosen && !kept && logged_unconfigured_.insert(channel).second) {
        log::warn("a user chose a channel that is not configured; nothing is recorded or sent on it",
                  {{"channel", model::to_string(channel)}});
      }
    }
  }

  /// Dead letters and events, flushed: after this every one is acknowledged.
  Status publish(const std::vector<DeadLetter>& malformed, const Recorded& recorded) {
    for (const auto* list : {&malformed, &recorded.rejected}) {
      for (const auto& d : *list) {
        const kafka::DeadLetterOrigin origin{model::topic::kStockAlerts, d.partition, d.offset, kService};
        if (auto st = kafka::send_to_dlq(*producer_, origin, d.key, d.payload, d.reason); !st) return st;
      }
    }
    for (const auto& event : recorded.to_publish) {
      if (auto st = producer_->produce(model::topic::kNotifications, std::to_string(event.user_id.value()),
                                       model::encode(event));
          !st) {
        return st;
      }
    }
    if (malformed.empty() && recorded.rejected.empty() && recorded.to_publish.empty()) return {};
    return producer_->flush(kFlushTimeout);
  }

  Status mark_sent(const std::vector<model::NotificationEvent>& published) {
    if (published.empty()) return {};
    std::vector<std::int64_t> ids;
    for (const auto& event : published) ids.push_back(event.notification_id.value());
    auto r = db_.exec(kMarkSent, {bigint_array(ids)});
    if (!r) return std::unexpected(r.error());
    return {};
  }

  NotifyOptions options_;
  pg::Connection db_;
  std::unique_ptr<kafka::Producer> producer_;  // events and dead letters
  model::EnabledChannels configured_;
  std::unordered_set<model::Channel> logged_unconfigured_;
  std::unordered_map<std::int64_t, std::int64_t> batch_outside_;  // user -> alerts recorded outside in this batch
  NotifyReport report_;
};

/// A sender for each configured outside channel.
Result<std::vector<std::unique_ptr<ChannelSender>>> make_senders(const NotifyOptions& o) {
  std::vector<std::unique_ptr<ChannelSender>> senders;
  if (o.smtp) senders.push_back(std::make_unique<SmtpEmailSender>(*o.smtp, o.smtp_from));
  if (o.twilio) {
    auto client = httpclient::Client::create();
    if (!client) return std::unexpected(client.error());
    senders.push_back(std::make_unique<TwilioSmsSender>(*o.twilio, std::move(*client)));
  }
  if (o.vapid) {
    auto identity = vapid_identity(o.vapid->private_key, o.vapid->public_key, o.vapid->subject);
    if (!identity) return std::unexpected(identity.error());
    auto client = httpclient::Client::create();
    if (!client) return std::unexpected(client.error());
    senders.push_back(std::make_unique<WebPushSender>(std::move(*identity), std::move(*client)));
  }
  for (const auto& sender : senders) log::info("notify channel on", {{"channel", model::to_string(sender->channel())}});
  return senders;
}

}  // namespace

Result<NotifyReport> run_notify(const NotifyOptions& options, std::stop_token stop) {
  auto senders = make_senders(options);
  if (!senders) return std::unexpected(senders.error());
  auto db = pg::Connection::connect(options.database_url);
  if (!db) return std::unexpected(db.error());
  auto producer = kafka::Producer::create(options.bootstrap_servers);
  if (!producer) return std::unexpected(producer.error());
  Notifier notifier(options, std::move(*db), std::move(*producer));

  // The delivery thread stops with this function, whichever way it returns.
  const OutboundOptions outbound_options{.database_url = options.database_url,
                                         .retry = options.retry,
                                         .lease = options.claim_lease};
  std::jthread outbound([&outbound_options, senders = std::move(*senders)](std::stop_token own) mutable {
    log::set_thread_service("notify");
    run_outbound(outbound_options, std::move(senders), own);
  });
  const std::stop_callback forward_stop(stop, [&outbound] { outbound.request_stop(); });

  auto backoff = kFirstBackoff;
  while (!stop.stop_requested()) {
    // No rebalance hooks: the group's committed offsets are where to resume.
    auto consumer = kafka::Consumer::create(options.bootstrap_servers, options.group_id, {});
    if (!consumer) return std::unexpected(consumer.error());
    if (auto st = (*consumer)->subscribe({std::string(model::topic::kStockAlerts)}); !st) {
      return std::unexpected(st.error());
    }
    log::info("notify consuming", {{"group", options.group_id},
                                   {"batch_size", static_cast<std::int64_t>(options.batch_size)}});
    bool rejoin = false;
    while (!stop.stop_requested() && !rejoin) {
      const auto messages = (*consumer)->poll_batch(options.batch_size, kPollWait);
      if (messages.empty()) continue;
      auto offsets = notifier.handle(messages);
      if (offsets) {
        backoff = kFirstBackoff;
        if (auto st = (*consumer)->commit(*offsets); !st) {
          // Harmless: the batch is read again later and gives nothing new.
          log::warn("offset commit failed", {{"error", st.error().message}});
        }
        continue;
      }
      log::error("notify batch failed",
                 {{"error", offsets.error().message}, {"code", to_string(offsets.error().code)}});
      if (!offsets.error().retryable() && notifier.db_ok()) return std::unexpected(offsets.error());
      // A server is down: back off, then rejoin so the batch is read again
      // from the committed offsets.
      sleep_unless_stopped(backoff, stop);
      backoff = std::min(backoff * 2, kMaxBackoff);
      if (auto st = notifier.recover(); !st) log::warn("notify reconnect failed", {{"error", st.error().message}});
      rejoin = true;
    }
    (*consumer)->close();  // waits for the last offset commit, then leaves the group
  }
  const NotifyReport& r = notifier.report();
  log::info("notify stopped", {{"alerts", r.alerts},
                               {"in_app", r.in_app},
                               {"duplicates", r.duplicates},
                               {"outside", r.outside},
                               {"unconfigured", r.unconfigured},
                               {"rate_limited", r.rate_limited},
                               {"dead_letters", r.dead_letters}});
  return r;
}

}  // namespace st::notify
