#pragma once
// A user's notification settings as the API reads and writes them (the
// user_notification_preferences row), and the pure rules of
// PUT /api/users/preferences: which fields exist, what values they take,
// and how a body changes the current settings.
#include <boost/json/object.hpp>

#include <expected>
#include <optional>
#include <string>

#include "stocktracker/model/alert_messages.hpp"

namespace st::api {

struct NotificationSettings {
  model::EnabledChannels channels;
  double price_change_threshold = 5.0;  // percent, 0.001 to 999.999
  std::optional<std::string> phone;     // E.164
  std::optional<model::QuietHours> quiet_hours;
  /// The row's time zone, kept when quiet hours are switched off.
  std::string time_zone = "UTC";
  bool operator==(const NotificationSettings&) const = default;
};

struct FieldError {
  std::string field;   // "channels.sms", "quiet_hours.start"
  std::string detail;  // "must be a boolean"
};

/// `current` changed by a PUT body: fields the body leaves out keep their
/// value; `quiet_hours: null` switches quiet hours off. Keys outside the
/// schema, at any depth, are errors naming the key. Whether the time zone
/// exists is for the database to say (pg_timezone_names).
std::expected<NotificationSettings, FieldError> apply_preferences(NotificationSettings current,
                                                                  const boost::json::object& body);

/// {"channels":{...},"price_change_threshold":5,"phone":null,"quiet_hours":null}
std::string preferences_json(const NotificationSettings& settings);

/// E.164: '+', a country code not starting with 0, 8 to 15 digits in all.
bool valid_e164(std::string_view phone);
/// "HH:MM", 24-hour.
bool valid_hhmm(std::string_view text);
/// The shape of an IANA zone name ("UTC", "America/New_York").
bool valid_time_zone_name(std::string_view zone);

}  // namespace st::api
