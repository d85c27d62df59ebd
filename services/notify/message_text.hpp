#pragma once
// The words of a notification: a one-line title and a short body made from
// an alert, the same for every channel. Pure and deterministic, so a
// redelivered alert gets the same text.
#include <cstddef>
#include <string>
#include <string_view>

#include "stocktracker/model/alert_messages.hpp"

namespace st::notify {

/// Limits of the notifications table (and topic schema), in characters.
inline constexpr std::size_t kMaxTitleChars = 500;
inline constexpr std::size_t kMaxBodyChars = 10000;

struct NotificationText {
  std::string title;  // 1 to kMaxTitleChars characters
  std::string body;   // at most kMaxBodyChars characters
  bool operator==(const NotificationText&) const = default;
};

/// E.g. title "Apple Inc. (AAPL) up 5.20% since the previous close", body
/// the alert's message and a line of the figures that fired it.
[[nodiscard]] NotificationText compose(const model::Alert& alert);

/// At most `max_chars` UTF-8 characters of `text` (never splitting one),
/// ending in "..." when something was cut. `max_chars` must be at least 3.
[[nodiscard]] std::string truncate_chars(std::string_view text, std::size_t max_chars);

}  // namespace st::notify
