#include "stocktracker/model/alert_codec.hpp"

#include <algorithm>

#include "json_reader.hpp"
#include "json_writer.hpp"

namespace st::model {
namespace {

using detail::ObjectReader;
using detail::ObjectWriter;

constexpr std::size_t kMaxIdLength = 200;  // alert_id, in both schemas
constexpr std::size_t kMaxTracked = 1000;
constexpr std::size_t kMaxRules = 1000;
constexpr std::int64_t kMaxCooldownSeconds = 30 * 24 * 3600;
/// price_change_threshold: a percent above 0, at most 999.999 (numeric(6,3)).
constexpr detail::NumberBounds kThresholdPercentBounds{0, 999.999, true, false};

bool is_visible_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '\x21' && c <= '\x7e'; });
}

/// HH:MM, 24-hour: 00:00 to 23:59.
bool is_time_of_day(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (std::size_t i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return (s[0] - '0') * 10 + (s[1] - '0') <= 23 && s[3] <= '5';
}

void read_alert(ObjectReader& r, Alert& a) {
  r.string("alert_id", a.alert_id, 1, kMaxIdLength);
  r.id("user_id", a.user_id);
  r.id("rule_id", a.rule_id);
  r.enumeration("kind", a.kind);
  r.symbol("symbol", a.symbol);
  r.string("company_name", a.company_name, 0, 200);
  r.string("sector", a.sector, 0, 100);
  r.number("price", a.price, detail::kPriceBounds);
  r.number("reference_price", a.reference_price, detail::kPriceBounds);
  r.number("change_pct", a.change_pct);
  r.number("threshold", a.threshold);
  r.timestamp("event_ts", a.event_ts);
  r.string("message", a.message, 1, 2000);
  r.number("sentiment", a.sentiment, detail::kSentimentBounds);
  if (!is_visible_ascii(a.alert_id)) r.reject("alert_id", "must be printable ASCII without spaces");
}

void write_alert(ObjectWriter& w, const Alert& a) {
  w.field("alert_id", a.alert_id);
  w.field("user_id", a.user_id);
  w.field("rule_id", a.rule_id);
  w.field("kind", a.kind);
  w.field("symbol", a.symbol);
  w.field("company_name", a.company_name);
  w.field("sector", a.sector);
  w.field("price", a.price);
  w.field("reference_price", a.reference_price);
  w.field("change_pct", a.change_pct);
  w.field("threshold", a.threshold);
  w.field("event_ts", a.event_ts);
  w.field("message", a.message);
  w.field("sentiment", a.sentiment);
}

void read_notification(ObjectReader& r, NotificationEvent& n) {
  r.id("notification_id", n.notification_id);
  r.id("user_id", n.user_id);
  r.string("alert_id", n.alert_id, 1, kMaxIdLength);
  r.enumeration("channel", n.channel);
  r.enumeration("status", n.status);
  r.string("title", n.title, 1, 500);
  r.string("body", n.body, 0, 10000);
  r.timestamp("created_ts", n.created_ts);
}

void write_notification(ObjectWriter& w, const NotificationEvent& n) {
  w.field("notification_id", n.notification_id);
  w.field("user_id", n.user_id);
  w.field("alert_id", n.alert_id);
  w.field("channel", n.channel);
  w.field("status", n.status);
  w.field("title", n.title);
  w.field("body", n.body);
  w.field("created_ts", n.created_ts);
}

void read_channels(ObjectReader& r, EnabledChannels& c) {
  r.boolean("email", c.email);
  r.boolean("sms", c.sms);
  r.boolean("push", c.push);
  r.boolean("in_app", c.in_app);
}

void write_channels(ObjectWriter& w, const EnabledChannels& c) {
  w.field("email", c.email);
  w.field("sms", c.sms);
  w.field("push", c.push);
  w.field("in_app", c.in_app);
}

void read_quiet_hours(ObjectReader& r, QuietHours& q) {
  r.string("start", q.start, 5, 5);
  r.string("end", q.end, 5, 5);
  r.string("time_zone", q.time_zone, 1, 64);
  if (!is_time_of_day(q.start)) r.reject("start", "must be a time HH:MM from 00:00 to 23:59");
  if (!is_time_of_day(q.end)) r.reject("end", "must be a time HH:MM from 00:00 to 23:59");
}

void write_quiet_hours(ObjectWriter& w, const QuietHours& q) {
  w.field("start", q.start);
  w.field("end", q.end);
  w.field("time_zone", q.time_zone);
}

void read_rule(ObjectReader& r, AlertRuleSpec& rule) {
  r.id("id", rule.id);
  r.symbol("symbol", rule.symbol);
  r.enumeration("kind", rule.kind);
  r.object_text("params", rule.params);
  r.enumeration("repeat_mode", rule.repeat_mode);
  r.integer("cooldown_seconds", rule.cooldown_seconds, 0, kMaxCooldownSeconds);
  r.enumeration("state", rule.state);
  // The schema's if/then: a rule about no symbol watches an economic indicator.
  if (!rule.symbol && rule.kind != RuleKind::kIndicatorThreshold) {
    r.reject("symbol", "may be null only for indicator_threshold rules");
  }
}

void write_rule(ObjectWriter& w, const AlertRuleSpec& rule) {
  w.field("id", rule.id);
  w.field("symbol", rule.symbol);
  w.field("kind", rule.kind);
  w.raw("params", rule.params);
  w.field("repeat_mode", rule.repeat_mode);
  w.field("cooldown_seconds", rule.cooldown_seconds);
  w.field("state", rule.state);
}

void read_preferences(ObjectReader& r, UserPreferences& p) {
  r.id("user_id", p.user_id);
  r.symbols("tracked", p.tracked, kMaxTracked);
  r.object("channels", p.channels, read_channels);
  r.number("price_change_threshold", p.price_change_threshold, kThresholdPercentBounds);
  r.object("quiet_hours", p.quiet_hours, read_quiet_hours);
  r.objects("rules", p.rules, kMaxRules, read_rule);
  r.boolean("deleted", p.deleted);
}

void write_preferences(ObjectWriter& w, const UserPreferences& p) {
  w.field("user_id", p.user_id);
  w.field("tracked", p.tracked);
  w.object("channels", p.channels, write_channels);
  w.field("price_change_threshold", p.price_change_threshold);
  w.object("quiet_hours", p.quiet_hours, write_quiet_hours);
  w.objects("rules", p.rules, write_rule);
  w.field("deleted", p.deleted);
}

}  // namespace

Result<Alert> decode_alert(std::string_view json) { return detail::decode_message<Alert>(json, read_alert); }

std::string encode(const Alert& alert) { return detail::encode_message(alert, write_alert); }

Result<NotificationEvent> decode_notification(std::string_view json) {
  return detail::decode_message<NotificationEvent>(json, read_notification);
}

std::string encode(const NotificationEvent& notification) {
  return detail::encode_message(notification, write_notification);
}

Result<UserPreferences> decode_preferences(std::string_view json) {
  return detail::decode_message<UserPreferences>(json, read_preferences);
}

std::string encode(const UserPreferences& preferences) {
  return detail::encode_message(preferences, write_preferences);
}

}  // namespace st::model
