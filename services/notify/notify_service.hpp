#pragma once
// `stocktracker notify`: delivers stock-alerts to users, in-app and by
// e-mail, SMS and web push as each user's preferences choose (decide.hpp).
//
// In-app: a notifications row per (alert, channel), then a NotificationEvent
// on the `notifications` topic for live display. Delivery is at least once
// with dedup in PostgreSQL: a row is recorded `pending` (unique on alert_id +
// channel) and committed, its event is produced and flushed, the row is
// marked `sent`, and only then are the Kafka offsets committed. A crash
// anywhere re-reads the alerts but never records one twice; a row still
// `pending` is published again, so an event is never lost, and a duplicate
// event (same notification_id) is possible only when the crash falls between
// its produce and the `sent` mark.
//
// E-mail, SMS and push: the same transaction records their rows `pending`
// and due; a second thread (outbound.hpp) sends them, retries transient
// failures with backoff and gives up into `dead`. A channel whose settings
// are missing is not recorded at all.
#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>

#include "outbound.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/httpclient/smtp.hpp"
#include "twilio_sms.hpp"

namespace st::notify {

struct NotifyOptions {
  std::string bootstrap_servers;
  std::string database_url;
  std::string group_id = "stocktracker-notify";
  std::size_t batch_size = 500;  // alerts per database transaction, at most

  /// E-mail: set when SMTP_HOST is; `smtp_from` is the sender address.
  std::optional<httpclient::SmtpServer> smtp;
  std::string smtp_from;
  /// SMS: set when TWILIO_SID is.
  std::optional<TwilioAccount> twilio;
  /// Web push: set when VAPID_PRIVATE_KEY is (base64url keys, subject).
  struct Vapid {
    std::string private_key;
    std::string public_key;
    std::string subject;
  };
  std::optional<Vapid> vapid;
  RetryPolicy retry;
  /// At most `user_rate_limit_count` alerts per user by e-mail/SMS/push
  /// within `user_rate_limit_window`.
  std::int64_t user_rate_limit_count = 20;
  std::chrono::milliseconds user_rate_limit_window{3'600'000};
  std::chrono::milliseconds claim_lease{90'000};
};

struct NotifyReport {
  std::uint64_t alerts = 0;        // well-formed alerts read
  std::uint64_t in_app = 0;        // in-app notifications recorded and published
  std::uint64_t duplicates = 0;    // alerts already delivered (redelivered or repeated)
  std::uint64_t outside = 0;       // e-mail/SMS/push deliveries recorded for the delivery thread
  std::uint64_t unconfigured = 0;  // e-mail/SMS/push chosen by a user but not configured here
  std::uint64_t rate_limited = 0;  // alerts held back from e-mail/SMS/push by the per-user limit
  std::uint64_t dead_letters = 0;  // to stock-alerts.dlq: malformed, or for no such user
};

/// Runs until `stop` is requested, then finishes the batch in hand, commits
/// its offsets and leaves the group; returns early only on a fatal error.
/// One thread consumes (it owns its Kafka clients and database connection)
/// and, when a channel is configured, a second one delivers (outbound.hpp).
/// A malformed VAPID key stops it at start with kInvalidInput.
Result<NotifyReport> run_notify(const NotifyOptions& options, std::stop_token stop);

}  // namespace st::notify
