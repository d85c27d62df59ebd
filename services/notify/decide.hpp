#pragma once
// Which channels an alert is delivered on, as a pure function of the user's
// delivery settings and the local wall-clock time of the alert's event.
// The time-zone conversion itself is not done here: GCC 12's library has no
// time-zone database, so the adapter asks PostgreSQL (whose database the API
// validates zone names against) for the event's local minute of the day.
#include <cstdint>
#include <optional>

#include "stocktracker/model/alert_messages.hpp"

namespace st::notify {

/// Minutes since local midnight, 0 to 1439.
using MinuteOfDay = int;

/// Local times [start, end) during which only in-app notifications are
/// delivered. start > end spans midnight; start == end is an empty window.
struct QuietWindow {
  MinuteOfDay start = 0;
  MinuteOfDay end = 0;
  bool operator==(const QuietWindow&) const = default;
};

/// A user's delivery settings (a user_notification_preferences row).
struct DeliveryPreferences {
  model::EnabledChannels channels;
  bool has_phone = false;  // SMS needs a number
  std::optional<QuietWindow> quiet_hours;
  bool operator==(const DeliveryPreferences&) const = default;
};

/// The settings of a user who has no preferences row: in-app only, nothing
/// sent outside the application until the user opts in.
inline constexpr DeliveryPreferences kDefaultPreferences{
    .channels = {.email = false, .sms = false, .push = false, .in_app = true}, .has_phone = false,
    .quiet_hours = std::nullopt};

[[nodiscard]] bool in_quiet_hours(const QuietWindow& window, MinuteOfDay local);

/// The channels to deliver an alert on. `local_event_time` is the alert's
/// event time in the user's time zone; it matters only with quiet hours,
/// which hold back e-mail, SMS and push but never in-app.
[[nodiscard]] model::EnabledChannels decide_channels(const DeliveryPreferences& preferences,
                                                     MinuteOfDay local_event_time);

/// The per-user rate limit: once `recent` alerts of the user went out by
/// e-mail, SMS or push within the window, the next ones go in-app only.
[[nodiscard]] model::EnabledChannels apply_rate_limit(model::EnabledChannels channels, std::int64_t recent,
                                                      std::int64_t limit);

/// Only the channels this instance can send on (configured in its settings).
[[nodiscard]] model::EnabledChannels only_configured(model::EnabledChannels channels,
                                                     const model::EnabledChannels& configured);

[[nodiscard]] inline bool any_outside(const model::EnabledChannels& c) { return c.email || c.sms || c.push; }

}  // namespace st::notify
