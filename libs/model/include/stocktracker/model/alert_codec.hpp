#pragma once
// Codecs of the alerting topics: user-preferences, stock-alerts and
// notifications. Same contract as codec.hpp: decode = parse + validate
// against schemas/<topic>.schema.json, failing with "<code>: <field>:
// <what>" where a field inside an object or array is named by its path
// ("channels.email", "rules[2].kind"); encoding a value that decode accepted
// gives a message decode accepts again.
#include <string>
#include <string_view>

#include "stocktracker/base/error.hpp"
#include "stocktracker/model/alert_messages.hpp"

namespace st::model {

Result<Alert> decode_alert(std::string_view json);
std::string encode(const Alert& alert);

Result<NotificationEvent> decode_notification(std::string_view json);
std::string encode(const NotificationEvent& notification);

/// A deleted user's tombstone (a null Kafka value) is not a message: the
/// consumer recognises it before decoding.
Result<UserPreferences> decode_preferences(std::string_view json);
/// Each rule's `params` must be the text of a JSON object; it is written as is.
std::string encode(const UserPreferences& preferences);

}  // namespace st::model
