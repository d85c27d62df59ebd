#pragma once
// `stocktracker notify`: delivers stock-alerts to users. This slice delivers
// the in-app channel only: a notifications row per (alert, channel), then a
// NotificationEvent on the `notifications` topic for live display. E-mail,
// SMS and web push are decided but not built yet: nothing is recorded or
// sent for them.
//
// Delivery is at least once with dedup in PostgreSQL: a row is recorded
// `pending` (unique on alert_id + channel) and committed, its event is
// produced and flushed, the row is marked `sent`, and only then are the
// Kafka offsets committed. A crash anywhere re-reads the alerts but never
// records one twice; a row still `pending` is published again, so an event
// is never lost, and a duplicate event (same notification_id) is possible
// only when the crash falls between its produce and the `sent` mark.
#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>

#include "stocktracker/base/error.hpp"

namespace st::notify {

struct NotifyOptions {
  std::string bootstrap_servers;
  std::string database_url;
  std::string group_id = "stocktracker-notify";
  std::size_t batch_size = 500;  // alerts per database transaction, at most
};

struct NotifyReport {
  std::uint64_t alerts = 0;        // well-formed alerts read
  std::uint64_t in_app = 0;        // in-app notifications recorded and published
  std::uint64_t duplicates = 0;    // alerts already delivered (redelivered or repeated)
  std::uint64_t not_built = 0;     // e-mail/SMS/push deliveries chosen but skipped
  std::uint64_t dead_letters = 0;  // to stock-alerts.dlq: malformed, or for no such user
};

/// Runs until `stop` is requested, then finishes the batch in hand, commits
/// its offsets and leaves the group; returns early only on a fatal error.
/// One thread runs it; it owns its Kafka clients and database connection.
Result<NotifyReport> run_notify(const NotifyOptions& options, std::stop_token stop);

}  // namespace st::notify
