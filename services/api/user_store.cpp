#include "user_store.hpp"

#include <fmt/format.h>

#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::api {
namespace {

pg::Param id_param(UserId user) { return std::to_string(user.value()); }

template <model::NamedEnum E>
Result<E> column_enum(const pg::Rows& rows, int r, int c) {
  if (auto e = model::parse_enum<E>(rows.get(r, c))) return *e;
  return fail(Errc::kInternal, "unexpected value in the database: " + std::string(rows.get(r, c)));
}

}  // namespace

Status lock_user(pg::Connection& conn, UserId user) {
  auto rows = conn.exec("SELECT 1 FROM users WHERE id = $1::bigint FOR UPDATE", {id_param(user)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return fail(Errc::kNotFound, "no user " + std::to_string(user.value()));
  return {};
}

Result<NotificationSettings> load_settings(pg::Connection& conn, UserId user) {
  auto rows = conn.exec(
      "SELECT email_enabled, sms_enabled, push_enabled, in_app_enabled, price_change_threshold::float8, phone, "
      "       to_char(quiet_hours_start, 'HH24:MI'), to_char(quiet_hours_end, 'HH24:MI'), time_zone "
      "FROM user_notification_preferences WHERE user_id = $1::bigint",
      {id_param(user)});
  if (!rows) return std::unexpected(rows.error());
  NotificationSettings s;
  if (rows->size() == 0) return s;
  s.channels = {rows->get(0, 0) == "t", rows->get(0, 1) == "t", rows->get(0, 2) == "t", rows->get(0, 3) == "t"};
  s.price_change_threshold = rows->get_double(0, 4);
  if (!rows->is_null(0, 5)) s.phone = std::string(rows->get(0, 5));
  s.time_zone = std::string(rows->get(0, 8));
  if (!rows->is_null(0, 6)) {
    s.quiet_hours = model::QuietHours{std::string(rows->get(0, 6)), std::string(rows->get(0, 7)), s.time_zone};
  }
  return s;
}

Status save_settings(pg::Connection& conn, UserId user, const NotificationSettings& s) {
  const auto flag = [](bool b) -> pg::Param { return b ? "true" : "false"; };
  const pg::Param start = s.quiet_hours ? pg::Param(s.quiet_hours->start) : std::nullopt;
  const pg::Param end = s.quiet_hours ? pg::Param(s.quiet_hours->end) : std::nullopt;
  auto rows = conn.exec(
      "INSERT INTO user_notification_preferences (user_id, email_enabled, sms_enabled, push_enabled, "
      "    in_app_enabled, price_change_threshold, phone, quiet_hours_start, quiet_hours_end, time_zone) "
      "VALUES ($1::bigint, $2::boolean, $3::boolean, $4::boolean, $5::boolean, $6::numeric, $7, $8::time, $9::time, "
      "    $10) "
      "ON CONFLICT (user_id) DO UPDATE SET email_enabled = EXCLUDED.email_enabled, "
      "    sms_enabled = EXCLUDED.sms_enabled, push_enabled = EXCLUDED.push_enabled, "
      "    in_app_enabled = EXCLUDED.in_app_enabled, price_change_threshold = EXCLUDED.price_change_threshold, "
      "    phone = EXCLUDED.phone, quiet_hours_start = EXCLUDED.quiet_hours_start, "
      "    quiet_hours_end = EXCLUDED.quiet_hours_end, time_zone = EXCLUDED.time_zone",
      {id_param(user), flag(s.channels.email), flag(s.channels.sms), flag(s.channels.push), flag(s.channels.in_app),
       fmt::format("{}", s.price_change_threshold), s.phone, start, end, s.time_zone});
  if (!rows) return std::unexpected(rows.error());
  return {};
}

Result<model::UserPreferences> load_user_preferences(pg::Connection& conn, UserId user) {
  model::UserPreferences prefs;
  prefs.user_id = user;
  auto settings = load_settings(conn, user);
  if (!settings) return std::unexpected(settings.error());
  prefs.channels = settings->channels;
  prefs.price_change_threshold = settings->price_change_threshold;
  prefs.quiet_hours = settings->quiet_hours;

  auto tracked = conn.exec(
      "SELECT c.symbol FROM user_companies uc JOIN companies c ON c.id = uc.company_id "
      "WHERE uc.user_id = $1::bigint ORDER BY c.symbol",
      {id_param(user)});
  if (!tracked) return std::unexpected(tracked.error());
  for (int i = 0; i < tracked->size(); ++i) prefs.tracked.emplace_back(tracked->get(i, 0));

  auto rules = conn.exec(
      "SELECT r.id, c.symbol, r.kind, r.params::text, r.repeat_mode, r.cooldown_seconds, r.state "
      "FROM alert_rules r LEFT JOIN companies c ON c.id = r.company_id "
      "WHERE r.user_id = $1::bigint ORDER BY r.id",
      {id_param(user)});
  if (!rules) return std::unexpected(rules.error());
  for (int i = 0; i < rules->size(); ++i) {
    model::AlertRuleSpec rule;
    rule.id = model::AlertRuleId(rules->get_int(i, 0));
    if (!rules->is_null(i, 1)) rule.symbol = std::string(rules->get(i, 1));
    auto kind = column_enum<model::RuleKind>(*rules, i, 2);
    auto repeat = column_enum<model::RepeatMode>(*rules, i, 4);
    auto state = column_enum<model::RuleState>(*rules, i, 6);
    if (!kind || !repeat || !state) return fail(Errc::kInternal, "alert_rules row with an unknown kind, mode or state");
    rule.kind = *kind;
    rule.params = std::string(rules->get(i, 3));
    rule.repeat_mode = *repeat;
    rule.cooldown_seconds = rules->get_int(i, 5);
    rule.state = *state;
    prefs.rules.push_back(std::move(rule));
  }
  return prefs;
}

Status enqueue_preferences(pg::Connection& conn, UserId user) {
  auto prefs = load_user_preferences(conn, user);
  if (!prefs) return std::unexpected(prefs.error());
  auto rows = conn.exec("INSERT INTO outbox (topic, key, payload) VALUES ($1, $2, $3::jsonb)",
                        {std::string(model::topic::kUserPreferences), id_param(user), model::encode(*prefs)});
  if (!rows) return std::unexpected(rows.error());
  return {};
}

std::string user_json(const pg::Rows& rows, int r) {
  std::string out = "{\"id\":";
  out += rows.get(r, 0);
  out += ",\"email\":";
  append_json_string(out, rows.get(r, 1));
  out += ",\"display_name\":";
  if (rows.is_null(r, 2)) {
    out += "null";
  } else {
    append_json_string(out, rows.get(r, 2));
  }
  out += ",\"role\":";
  append_json_string(out, rows.get(r, 3));
  out += ",\"email_verified\":";
  out += rows.get(r, 4) == "t" ? "true" : "false";
  out += ",\"created_at\":";
  append_json_string(out, format_iso8601(rows.get_int(r, 5)));
  out += "}";
  return out;
}

Result<std::optional<std::string>> find_user_json(pg::Connection& conn, UserId user) {
  auto rows = conn.exec("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1::bigint", {id_param(user)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return std::optional<std::string>{};
  return std::optional<std::string>(user_json(*rows, 0));
}

}  // namespace st::api
