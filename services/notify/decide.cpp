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

model::EnabledChannels apply_rate_limit(model::EnabledChannels channels, std::int64_t recent, std::int64_t limit) {
  if (recent < limit) return channels;
  return {.email = false, .sms = false, .push = false, .in_app = channels.in_app};
}

model::EnabledChannels only_configured(model::EnabledChannels channels, const model::EnabledChannels& configured) {
  return {.email = channels.email && configured.email,
          .sms = channels.sms && configured.sms,
          .push = channels.push && configured.push,
          .in_app = channels.in_app && configured.in_app};
}

}  // namespace st::notify
