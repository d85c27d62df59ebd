#pragma once
// The outside channels (e-mail, SMS, web push) behind one small interface,
// so the delivery loop is the same for each and tests can give it fakes.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stocktracker/model/alert_messages.hpp"

namespace st::notify {

/// A Web Push subscription (RFC 8030 endpoint, RFC 8291 keys, base64url).
struct PushSubscription {
  std::int64_t id = 0;
  std::string endpoint;
  std::string p256dh;
  std::string auth;
};

/// One claimed notifications row and where it goes.
struct OutboundMessage {
  model::NotificationId id;
  UserId user_id;
  std::string alert_id;
  model::Channel channel = model::Channel::kEmail;
  std::string title;
  std::string body;
  int attempt = 1;       // 1 for the first try
  EpochMs created_ts = 0;
  std::string email;     // the user's address (e-mail)
  std::string phone;     // E.164, empty when the user has none (SMS)
  std::vector<PushSubscription> subscriptions;  // the user's (push)
};

enum class AttemptResult : std::uint8_t {
  kSent,
  kTransient,  // worth another try later: 5xx, 429, timeouts, 4yz SMTP replies
  kPermanent,  // will fail the same way again: 4xx, 5yz SMTP replies, no address
};

struct Attempt {
  AttemptResult result = AttemptResult::kSent;
  std::string detail;  // why it failed, for notifications.last_error
  std::optional<std::chrono::milliseconds> retry_after;  // asked for by the server
  std::vector<std::int64_t> expired_subscriptions;       // 404/410 from a push service: delete them
};

/// Sends one message on one channel. Called by the delivery thread only.
class ChannelSender {
 public:
  virtual ~ChannelSender() = default;
  [[nodiscard]] virtual model::Channel channel() const = 0;
  virtual Attempt send(const OutboundMessage& message) = 0;
};

/// An HTTP answer of Twilio or a push service as an Attempt: 2xx sent; 429,
/// 408 and 5xx transient (with the Retry-After asked for); other 4xx permanent.
Attempt classify_http_status(int status, std::optional<std::chrono::milliseconds> retry_after, std::string detail);

}  // namespace st::notify
