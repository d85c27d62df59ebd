#include "preferences.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "stocktracker/base/json_escape.hpp"

namespace st::api {
namespace {

using Outcome = std::expected<void, FieldError>;

std::unexpected<FieldError> bad(std::string field, std::string detail) {
  return std::unexpected(FieldError{std::move(field), std::move(detail)});
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Outcome apply_channels(model::EnabledChannels& channels, const boost::json::value& value) {
  if (!value.is_object()) return bad("channels", "must be an object");
  const std::array<std::pair<std::string_view, bool*>, 4> fields{{{"email", &channels.email},
                                                                   {"sms", &channels.sms},
                                                                   {"push", &channels.push},
                                                                   {"in_app", &channels.in_app}}};
  for (const auto& kv : value.as_object()) {
    const auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == kv.key(); });
    const std::string field = "channels." + std::string(kv.key());
    if (it == fields.end()) return bad(field, "is not a channel (email, sms, push, in_app)");
    if (!kv.value().is_bool()) return bad(field, "must be a boolean");
    *it->second = kv.value().as_bool();
  }
  return {};
}

Outcome apply_threshold(double& threshold, const boost::json::value& value) {
  if (!value.is_number()) return bad("price_change_threshold", "must be a number");
  const double v = value.to_number<double>();
  if (!std::isfinite(v) || v < 0.001 || v > 999.999) {
    return bad("price_change_threshold", "must be from 0.001 to 999.999 (percent)");
  }
  threshold = v;
  return {};
}

Outcome apply_phone(std::optional<std::string>& phone, const boost::json::value& value) {
  if (value.is_null()) {
    phone.reset();
    return {};
  }
  if (!value.is_string() || !valid_e164(value.as_string())) {
    return bad("phone", "must be an E.164 number such as +14155550123, or null");
  }
  phone = std::string(value.as_string());
  return {};
}

Outcome apply_quiet_hours(NotificationSettings& s, const boost::json::value& value) {
  if (value.is_null()) {
    s.quiet_hours.reset();
    return {};
  }
  if (!value.is_object()) return bad("quiet_hours", "must be an object {start, end, time_zone} or null");
  const auto& o = value.as_object();
  for (const auto& kv : o) {
    if (kv.key() != "start" && kv.key() != "end" && kv.key() != "time_zone") {
      return bad("quiet_hours." + std::string(kv.key()), "is not a field of quiet_hours (start, end, time_zone)");
    }
  }
  model::QuietHours q;
  for (auto [name, out] : {std::pair{"start", &q.start}, std::pair{"end", &q.end}}) {
    const auto* v = o.if_contains(name);
    if (v == nullptr || !v->is_string() || !valid_hhmm(v->as_string())) {
      return bad(std::string("quiet_hours.") + name, "must be a 24-hour time HH:MM");
    }
    *out = std::string(v->as_string());
  }
  if (q.start == q.end) return bad("quiet_hours.end", "must differ from start");
  const auto* zone = o.if_contains("time_zone");
  if (zone == nullptr || !zone->is_string() || !valid_time_zone_name(zone->as_string())) {
    return bad("quiet_hours.time_zone", "must be an IANA time zone such as America/New_York");
  }
  q.time_zone = std::string(zone->as_string());
  s.time_zone = q.time_zone;
  s.quiet_hours = std::move(q);
  return {};
}

}  // namespace

bool valid_e164(std::string_view phone) {
  if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+' || phone[1] < '1' || phone[1] > '9') return false;
  return std::all_of(phone.begin() + 1, phone.end(), is_digit);
}

bool valid_hhmm(std::string_view t) {
  if (t.size() != 5 || t[2] != ':' || !is_digit(t[0]) || !is_digit(t[1]) || !is_digit(t[3]) || !is_digit(t[4])) {
    return false;
  }
  return (t[0] - '0') * 10 + (t[1] - '0') < 24 && t[3] < '6';
}

bool valid_time_zone_name(std::string_view zone) {
  if (zone.empty() || zone.size() > 64) return false;
  const auto word_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '+' || c == '-';
  };
  if (!((zone[0] >= 'A' && zone[0] <= 'Z') || (zone[0] >= 'a' && zone[0] <= 'z'))) return false;
  char prev = zone[0];
  for (const char c : zone.substr(1)) {
    if (c == '/' ? prev == '/' : !word_char(c)) return false;
    prev = c;
  }
  return prev != '/';
}

std::expected<NotificationSettings, FieldError> apply_preferences(NotificationSettings s,
                                                                  const boost::json::object& body) {
  for (const auto& kv : body) {
    const std::string_view key = kv.key();
    Outcome r;
    if (key == "channels") {
      r = apply_channels(s.channels, kv.value());
    } else if (key == "price_change_threshold") {
      r = apply_threshold(s.price_change_threshold, kv.value());
    } else if (key == "phone") {
      r = apply_phone(s.phone, kv.value());
    } else if (key == "quiet_hours") {
      r = apply_quiet_hours(s, kv.value());
    } else {
      r = bad(std::string(key), "is not a field of preferences");
    }
    if (!r) return std::unexpected(r.error());
  }
  if (s.channels.sms && !s.phone) return bad("channels.sms", "needs a phone number (phone) to be enabled");
  return s;
}

std::string preferences_json(const NotificationSettings& s) {
  const auto flag = [](bool b) { return b ? "true" : "false"; };
  std::string out = fmt::format(R"({{"channels":{{"email":{},"sms":{},"push":{},"in_app":{}}},)"
                                R"("price_change_threshold":{},"phone":)",
                                flag(s.channels.email), flag(s.channels.sms), flag(s.channels.push),
                                flag(s.channels.in_app), s.price_change_threshold);
  if (s.phone) {
    append_json_string(out, *s.phone);
  } else {
    out += "null";
  }
  out += ",\"quiet_hours\":";
  if (s.quiet_hours) {
    out += "{\"start\":";
    append_json_string(out, s.quiet_hours->start);
    out += ",\"end\":";
    append_json_string(out, s.quiet_hours->end);
    out += ",\"time_zone\":";
    append_json_string(out, s.quiet_hours->time_zone);
    out += "}";
  } else {
    out += "null";
  }
  out += "}";
  return out;
}

}  // namespace st::api
