#pragma once
// The delivery thread of the outside channels (e-mail, SMS, web push). The
// consumer loop records each such delivery as a `pending` notifications row
// with next_attempt_at = now; this thread claims due rows, sends them and
// records what came of it:
//
//   claim   one short transaction: attempts + 1 and next_attempt_at pushed a
//           lease ahead (FOR UPDATE SKIP LOCKED), so another instance skips
//           the row while it is being sent
//   send    outside any transaction
//   record  sent (sent_at), failed (next_attempt_at = backoff with jitter)
//           or dead (permanent failure, or the last attempt failed)
//
// A row is marked sent only after its channel took the message, so a crash
// never loses one (the lease runs out and the row is claimed again); a crash
// between the send and the mark sends that one again: at most one duplicate
// per crash and row.
#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "channel.hpp"
#include "retry.hpp"
#include "stocktracker/base/error.hpp"

namespace st::notify {

struct OutboundOptions {
  std::string database_url;
  RetryPolicy retry;
  /// How long a claimed row is left alone: longer than the slowest send
  /// (the SMTP session timeout is 30 s), so no two instances send one row.
  std::chrono::milliseconds lease{90'000};
  int batch = 20;  // rows claimed at once
  std::chrono::milliseconds idle_wait{200};
};

struct OutboundReport {
  std::uint64_t sent = 0;
  std::uint64_t retried = 0;  // transient failures scheduled again
  std::uint64_t dead = 0;
  std::uint64_t expired_subscriptions = 0;  // deleted after 404/410
};

/// Runs until `stop` is requested; a database that is down is waited for.
/// One thread runs it and owns the senders.
OutboundReport run_outbound(const OutboundOptions& options, std::vector<std::unique_ptr<ChannelSender>> senders,
                            std::stop_token stop);

}  // namespace st::notify
