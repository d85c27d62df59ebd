// The caller's alert rules: POST and GET /api/alerts/rules, GET, PUT and
// DELETE /api/alerts/rules/:id, POST /api/alerts/rules/:id/pause and
// /rearm. Every query is filtered by the caller's user id (another user's
// rule is a 404), and every change writes the user's whole state to the
// outbox in the same transaction (begin_user_change, enqueue_preferences).
#include <boost/json/serialize.hpp>

#include "context.hpp"
#include "outbox_relay.hpp"
#include "request_body.hpp"
#include "session.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/alert_messages.hpp"
#include "stocktracker/model/json.hpp"
#include "stocktracker/model/rule_params.hpp"
#include "stocktracker/pg/transaction.hpp"
#include "user_store.hpp"

namespace st::api {
namespace {

constexpr std::int64_t kMaxCooldownSeconds = 2'592'000;  // 30 days, the table's check
constexpr std::size_t kMaxParamsBytes = 8192;             // the table's check

constexpr std::string_view kRuleFields[] = {"symbol", "company_id", "kind", "params", "repeat_mode",
                                            "cooldown_seconds"};

constexpr std::string_view kRuleColumns =
    "r.id, r.company_id, c.symbol, r.kind, r.params::text, r.repeat_mode, r.cooldown_seconds, r.state, "
    "(extract(epoch FROM r.created_at) * 1000)::bigint, (extract(epoch FROM r.updated_at) * 1000)::bigint";

/// A rule as a request builds it: the current row (PUT) or the defaults
/// (POST), changed by the body's fields.
struct RuleDraft {
  std::optional<CompanyRef> company;
  std::optional<model::RuleKind> kind;
  boost::json::object params;
  model::RepeatMode repeat_mode = model::RepeatMode::kRepeat;
  std::int64_t cooldown_seconds = 300;
};

std::string rule_json(const pg::Rows& rows, int r) {
  std::string out = "{\"id\":";
  out += rows.get(r, 0);
  out += ",\"company_id\":";
  out += rows.is_null(r, 1) ? std::string_view("null") : rows.get(r, 1);
  out += ",\"symbol\":";
  if (rows.is_null(r, 2)) {
    out += "null";
  } else {
    append_json_string(out, rows.get(r, 2));
  }
  out += ",\"kind\":";
  append_json_string(out, rows.get(r, 3));
  out += ",\"params\":";
  out += rows.get(r, 4);  // jsonb text is JSON
  out += ",\"repeat_mode\":";
  append_json_string(out, rows.get(r, 5));
  out += ",\"cooldown_seconds\":";
  out += rows.get(r, 6);
  out += ",\"state\":";
  append_json_string(out, rows.get(r, 7));
  out += ",\"created_at\":";
  append_json_string(out, format_iso8601(rows.get_int(r, 8)));
  out += ",\"updated_at\":";
  append_json_string(out, format_iso8601(rows.get_int(r, 9)));
  out += "}";
  return out;
}

/// The caller's rule `id`, or no rows (not theirs, or no such rule).
Result<pg::Rows> select_rule(pg::Connection& conn, UserId user, const std::string& id) {
  return conn.exec("SELECT " + std::string(kRuleColumns) +
                       " FROM alert_rules r LEFT JOIN companies c ON c.id = r.company_id "
                       "WHERE r.user_id = $1::bigint AND r.id = $2::bigint",
                   {std::to_string(user.value()), id});
}

/// The :id of the path as a positive integer, or a 404 (no rule can have it).
std::expected<std::string, http::Response> rule_id(const http::Request& req) {
  const std::string& id = req.params.at("id");
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
    return std::unexpected(http::problem(404, "Not Found", "no alert rule " + id, "id"));
  }
  return id;
}

http::Response rule_not_found(const std::string& id) {
  return http::problem(404, "Not Found", "no alert rule " + id, "id");
}

/// The kind-specific rules of `params`, shared with process
/// (model::parse_rule_params): a rule the API accepts is a rule process
/// evaluates.
std::optional<http::Response> validate_params(model::RuleKind kind, const boost::json::object& params) {
  auto parsed = model::parse_rule_params(kind, boost::json::serialize(params));
  if (parsed) return std::nullopt;
  return invalid_field(parsed.error().field, parsed.error().message);
}

/// `draft` changed by the fields of `body` (already checked for unknown
/// keys), then validated as a whole.
std::optional<http::Response> apply_rule_body(pg::Connection& conn, RuleDraft& draft,
                                              const boost::json::object& body) {
  const auto* symbol = body.if_contains("symbol");
  const auto* company_id = body.if_contains("company_id");
  if (symbol != nullptr && company_id != nullptr) {
    return invalid_field("company_id", "give symbol or company_id, not both");
  }
  std::optional<std::pair<std::string, std::string_view>> company;  // (id or symbol, field)
  if (symbol != nullptr) {
    if (!symbol->is_string()) return invalid_field("symbol", "must be a string");
    company.emplace(std::string(symbol->as_string()), "symbol");
  } else if (company_id != nullptr) {
    if (!company_id->is_int64() || company_id->as_int64() <= 0) {
      return invalid_field("company_id", "must be a positive integer");
    }
    company.emplace(std::to_string(company_id->as_int64()), "company_id");
  }
  if (company) {
    auto found = find_company(conn, company->first, company->second);
    if (!found) {
      if (found.error().status == 404) return invalid_field(company->second, "is not a known company");
      return found.error();
    }
    draft.company = *found;
  }
  if (const auto* kind = body.if_contains("kind")) {
    const auto parsed = kind->is_string() ? model::parse_enum<model::RuleKind>(kind->as_string()) : std::nullopt;
    if (!parsed) {
      return invalid_field("kind",
                           "must be one of price_above, price_below, pct_change_prev_close, pct_change_window, "
                           "volume_spike, ma_cross, news_sentiment, composite_news_drop, indicator_threshold");
    }
    draft.kind = *parsed;
  }
  if (const auto* params = body.if_contains("params")) {
    if (!params->is_object()) return invalid_field("params", "must be an object");
    draft.params = params->as_object();
  }
  if (const auto* mode = body.if_contains("repeat_mode")) {
    const auto parsed = mode->is_string() ? model::parse_enum<model::RepeatMode>(mode->as_string()) : std::nullopt;
    if (!parsed) return invalid_field("repeat_mode", "must be once or repeat");
    draft.repeat_mode = *parsed;
  }
  if (const auto* cooldown = body.if_contains("cooldown_seconds")) {
    if (!cooldown->is_int64() || cooldown->as_int64() < 0 || cooldown->as_int64() > kMaxCooldownSeconds) {
      return invalid_field("cooldown_seconds", "must be an integer from 0 to 2592000");
    }
    draft.cooldown_seconds = cooldown->as_int64();
  }
  if (!draft.kind) return invalid_field("kind", "is required");
  if (auto p = validate_params(*draft.kind, draft.params)) return p;
  // Only economic-indicator rules are about no company (the table's check).
  const bool indicator = *draft.kind == model::RuleKind::kIndicatorThreshold;
  if (indicator && draft.company) return invalid_field("symbol", "must be absent for indicator_threshold");
  if (!indicator && !draft.company) return invalid_field("symbol", "is required (or company_id)");
  if (boost::json::serialize(draft.params).size() > kMaxParamsBytes) {
    return invalid_field("params", "must be at most 8192 bytes as JSON");
  }
  return std::nullopt;
}

std::optional<http::Response> load_draft(pg::Connection& conn, UserId user, const std::string& id,
                                         RuleDraft& draft) {
  auto rows = select_rule(conn, user, id);
  if (!rows) return database_problem(rows.error());
  if (rows->size() == 0) return rule_not_found(id);
  if (!rows->is_null(0, 1)) draft.company = CompanyRef{std::string(rows->get(0, 1)), std::string(rows->get(0, 2))};
  draft.kind = model::parse_enum<model::RuleKind>(rows->get(0, 3));
  boost::system::error_code ec;
  auto params = model::parse_json(rows->get(0, 4), ec);
  if (!ec && params.is_object()) draft.params = std::move(params.as_object());
  draft.repeat_mode = model::parse_enum<model::RepeatMode>(rows->get(0, 5)).value_or(model::RepeatMode::kRepeat);
  draft.cooldown_seconds = rows->get_int(0, 6);
  return std::nullopt;
}

}  // namespace

void add_alert_rule_routes(http::Router& router, Context& ctx) {
  router.add("GET", "/api/alerts/rules", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    auto rows = (*db)->exec("SELECT " + std::string(kRuleColumns) +
                                " FROM alert_rules r LEFT JOIN companies c ON c.id = r.company_id "
                                "WHERE r.user_id = $1::bigint ORDER BY r.id",
                            {std::to_string(caller->user_id.value())});
    if (!rows) return database_problem(rows.error());
    std::string body = "{\"items\":[";
    for (int i = 0; i < rows->size(); ++i) {
      if (i > 0) body.push_back(',');
      body += rule_json(*rows, i);
    }
    body += "],\"total\":" + std::to_string(rows->size()) + "}";
    return http::json(200, std::move(body));
  });

  router.add("GET", "/api/alerts/rules/:id", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto id = rule_id(req);
    if (!id) return id.error();
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    auto rows = select_rule(**db, caller->user_id, *id);
    if (!rows) return database_problem(rows.error());
    if (rows->size() == 0) return rule_not_found(*id);
    return http::json(200, "{\"rule\":" + rule_json(*rows, 0) + "}");
  });

  // Create (no :id) or update (:id): the user row is locked first, so the
  // outbox row holds the state this change left.
  const auto write_rule = [&ctx](const http::Request& req, bool create) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    std::string id;
    if (!create) {
      auto parsed = rule_id(req);
      if (!parsed) return parsed.error();
      id = *parsed;
    }
    auto body = parse_body(req, {kRuleFields[0], kRuleFields[1], kRuleFields[2], kRuleFields[3], kRuleFields[4],
                                 kRuleFields[5]});
    if (!body) return body.error();
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    pg::Transaction tx(**db);
    if (auto problem = begin_user_change(tx, **db, caller->user_id)) return *problem;
    RuleDraft draft;
    if (!create) {
      if (auto problem = load_draft(**db, caller->user_id, id, draft)) return *problem;
    }
    if (auto problem = apply_rule_body(**db, draft, *body)) return *problem;
    const std::string user = std::to_string(caller->user_id.value());
    const pg::Params params{user,
                            draft.company ? draft.company->id : std::string(),  // '' -> NULL below
                            std::string(model::to_string(*draft.kind)),
                            boost::json::serialize(draft.params),
                            std::string(model::to_string(draft.repeat_mode)),
                            std::to_string(draft.cooldown_seconds),
                            id};
    auto written = (*db)->exec(
        create ? "INSERT INTO alert_rules (user_id, company_id, kind, params, repeat_mode, cooldown_seconds) "
                 "VALUES ($1::bigint, NULLIF($2, '')::bigint, $3, $4::jsonb, $5, $6::int) RETURNING id"
               : "UPDATE alert_rules SET company_id = NULLIF($2, '')::bigint, kind = $3, params = $4::jsonb, "
                 "    repeat_mode = $5, "
                 "    cooldown_seconds = $6::int "
                 "WHERE user_id = $1::bigint AND id = $7::bigint RETURNING id",
        create ? pg::Params(params.begin(), params.end() - 1) : params);
    if (!written) return database_problem(written.error());
    if (written->size() == 0) return rule_not_found(id);
    const std::string rule = std::string(written->get(0, 0));
    if (auto st = enqueue_preferences(**db, caller->user_id); !st) return database_problem(st.error());
    auto rows = select_rule(**db, caller->user_id, rule);
    if (!rows) return database_problem(rows.error());
    if (auto st = tx.commit(); !st) return database_problem(st.error());
    ctx.outbox.wake();
    return http::json(create ? 201 : 200, "{\"rule\":" + rule_json(*rows, 0) + "}");
  };
  router.add("POST", "/api/alerts/rules", [write_rule](const http::Request& req) { return write_rule(req, true); });
  router.add("PUT", "/api/alerts/rules/:id",
             [write_rule](const http::Request& req) { return write_rule(req, false); });

  // Pause, re-arm and delete: a rule already in the asked state is
  // answered without a change (and without an outbox row).
  const auto change_rule = [&ctx](const http::Request& req, std::string_view action) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    auto id = rule_id(req);
    if (!id) return id.error();
    if (auto body = parse_body(req, {}, false); !body) return body.error();
    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    pg::Transaction tx(**db);
    if (auto problem = begin_user_change(tx, **db, caller->user_id)) return *problem;
    const std::string user = std::to_string(caller->user_id.value());
    auto exists = (*db)->exec("SELECT state FROM alert_rules WHERE user_id = $1::bigint AND id = $2::bigint",
                              {user, *id});
    if (!exists) return database_problem(exists.error());
    if (exists->size() == 0) return rule_not_found(*id);
    const bool remove = action == "delete";
    const std::string target = action == "pause" ? "paused" : "active";
    const bool changed = remove || exists->get(0, 0) != target;
    if (changed) {
      auto done = remove ? (*db)->exec("DELETE FROM alert_rules WHERE user_id = $1::bigint AND id = $2::bigint",
                                       {user, *id})
                         : (*db)->exec("UPDATE alert_rules SET state = $3 WHERE user_id = $1::bigint "
                                       "AND id = $2::bigint",
                                       {user, *id, target});
      if (!done) return database_problem(done.error());
      if (auto st = enqueue_preferences(**db, caller->user_id); !st) return database_problem(st.error());
    }
    std::string answer;
    if (!remove) {
      auto rows = select_rule(**db, caller->user_id, *id);
      if (!rows) return database_problem(rows.error());
      answer = "{\"rule\":" + rule_json(*rows, 0) + "}";
    }
    if (auto st = tx.commit(); !st) return database_problem(st.error());
    if (changed) ctx.outbox.wake();
    if (remove) return http::Response{204, "application/json", "", {}};
    return http::json(200, std::move(answer));
  };
  router.add("POST", "/api/alerts/rules/:id/pause",
             [change_rule](const http::Request& req) { return change_rule(req, "pause"); });
  router.add("POST", "/api/alerts/rules/:id/rearm",
             [change_rule](const http::Request& req) { return change_rule(req, "rearm"); });
  router.add("DELETE", "/api/alerts/rules/:id",
             [change_rule](const http::Request& req) { return change_rule(req, "delete"); });
}

}  // namespace st::api
