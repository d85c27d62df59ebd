#include "decide.hpp"

namespace st::notify {

bool in_quiet_hours(const QuietWindow& window, MinuteOfDay local) {
  if (window.start <= window.end) return local >= window.start && local < window.end;
  return local >= window.start || local < window.end;  // spans midnight
}

model::EnabledChannels decide_channels(const DeliveryPreferences& preferences, MinuteOfDay local_event_time) {
  const bool quiet = preferences.quiet_hours && in_quiet_hours(*preferences.quiet_hours, local_event_time);
  const model::EnabledChannels& on = preferences.channels;
  return {.email = on.email && !quiet,
          .sms = on.sms && preferences.has_phone && !quiet,
          .push = on.push && !quiet,
          .in_app = on.in_app};
}

}  // namespace st::notify
