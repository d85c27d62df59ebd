#pragma once
// The alerting messages (DESIGN.md §4): user-preferences (api -> process),
// stock-alerts (process -> notify) and notifications (notify -> api), as
// plain values. Field names match schemas/<topic>.schema.json exactly; a
// field the schema allows to be null is a std::optional.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/strong_id.hpp"
#include "stocktracker/model/named_enum.hpp"

namespace st::model {

using AlertRuleId = StrongId<struct AlertRuleIdTag>;        // alert_rules.id
using NotificationId = StrongId<struct NotificationIdTag>;  // notifications.id

enum class RuleKind {
  kPriceAbove,
  kPriceBelow,
  kPctChangePrevClose,
  kPctChangeWindow,
  kVolumeSpike,
  kMaCross,
  kNewsSentiment,
  kCompositeNewsDrop,
  kIndicatorThreshold,
};
template <>
struct EnumNames<RuleKind> {
  static constexpr std::array<std::string_view, 9> kNames{
      "price_above", "price_below",    "pct_change_prev_close", "pct_change_window",  "volume_spike",
      "ma_cross",    "news_sentiment", "composite_news_drop",   "indicator_threshold"};
};

enum class Channel { kEmail, kSms, kPush, kInApp };
template <>
struct EnumNames<Channel> {
  static constexpr std::array<std::string_view, 4> kNames{"email", "sms", "push", "in_app"};
};

/// pending -> sent, or failed (retried) -> dead after the last attempt.
enum class DeliveryStatus { kPending, kSent, kFailed, kDead };
template <>
struct EnumNames<DeliveryStatus> {
  static constexpr std::array<std::string_view, 4> kNames{"pending", "sent", "failed", "dead"};
};

/// once: the rule moves to fired after its first alert; repeat: it re-arms.
enum class RepeatMode { kOnce, kRepeat };
template <>
struct EnumNames<RepeatMode> {
  static constexpr std::array<std::string_view, 2> kNames{"once", "repeat"};
};

enum class RuleState { kActive, kPaused, kFired };
template <>
struct EnumNames<RuleState> {
  static constexpr std::array<std::string_view, 3> kNames{"active", "paused", "fired"};
};

/// A stock-alerts message: one alert for one user. The optional fields that
/// do not apply to `kind` are nullopt (e.g. symbol and price for
/// indicator_threshold).
struct Alert {
  std::string alert_id;  // deterministic: the idempotency key of notify
  UserId user_id;
  std::optional<AlertRuleId> rule_id;  // nullopt: the default rule (price_change_threshold)
  RuleKind kind = RuleKind::kPctChangePrevClose;
  std::optional<std::string> symbol;
  std::optional<std::string> company_name;
  std::optional<std::string> sector;
  std::optional<double> price;            // price that fired the alert
  std::optional<double> reference_price;  // previous close, window start, ...
  std::optional<double> change_pct;       // percent change of price against reference_price
  std::optional<double> threshold;        // a price, percent, multiple, sentiment or value, by kind
  EpochMs event_ts = 0;  // event time of the tick, article or indicator that fired it
  std::string message;
  std::optional<double> sentiment;  // -1 to 1
  bool operator==(const Alert&) const = default;
};

/// A notifications message: one delivery notify recorded, for live display.
struct NotificationEvent {
  NotificationId notification_id;
  UserId user_id;
  std::string alert_id;
  Channel channel = Channel::kInApp;
  DeliveryStatus status = DeliveryStatus::kPending;
  std::string title;
  std::string body;
  EpochMs created_ts = 0;
  bool operator==(const NotificationEvent&) const = default;
};

/// Which delivery channels a user has enabled.
struct EnabledChannels {
  bool email = true;
  bool sms = false;
  bool push = false;
  bool in_app = true;
  bool operator==(const EnabledChannels&) const = default;
};

/// Local times between which only in-app notifications are delivered;
/// start after end spans midnight.
struct QuietHours {
  std::string start;      // HH:MM, 24-hour
  std::string end;        // HH:MM, 24-hour
  std::string time_zone;  // IANA, e.g. America/New_York
  bool operator==(const QuietHours&) const = default;
};

/// One alert rule of a user (an alert_rules row).
struct AlertRuleSpec {
  AlertRuleId id;
  std::optional<std::string> symbol;  // nullopt only for indicator_threshold
  RuleKind kind = RuleKind::kPriceAbove;
  /// Kind-specific parameters: the text of a JSON object, kept as JSON
  /// because its shape depends on `kind`; decode gives it compact.
  std::string params = "{}";
  RepeatMode repeat_mode = RepeatMode::kRepeat;
  std::int64_t cooldown_seconds = 300;  // 0 to 30 days
  RuleState state = RuleState::kActive;
  bool operator==(const AlertRuleSpec&) const = default;
};

/// A user-preferences message: a user's complete alerting state. The topic
/// is compacted by user id, so the latest message per user is the state.
struct UserPreferences {
  UserId user_id;
  std::vector<std::string> tracked;  // symbols, unique
  EnabledChannels channels;
  double price_change_threshold = 5.0;  // percent move against the previous close
  std::optional<QuietHours> quiet_hours;
  std::vector<AlertRuleSpec> rules;
  bool deleted = false;  // true: consumers drop the user's state
  bool operator==(const UserPreferences&) const = default;
};

}  // namespace st::model
