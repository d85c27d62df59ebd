// POST /api/alerts/rules/:id/backtest?days=N: when the caller's rule would
// have fired over the last N days of stored history, by the processor's
// own rule engine (backtest.hpp). Another user's rule is a 404, like every
// rule route. Read-only: nothing is written, no alert is sent.
#include <fmt/format.h>

#include "backtest.hpp"
#include "context.hpp"
#include "request_body.hpp"
#include "session.hpp"
#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/base/time_format.hpp"

namespace st::api {
namespace {

constexpr std::int64_t kMaxDays = 30;
constexpr std::int64_t kDefaultDays = 7;
constexpr EpochMs kDayMs = 86'400'000;
/// History before the window that is evaluated but not reported, so the
/// previous close (the last price of the previous New York trading day,
/// across a weekend and a holiday) is known on the window's first day.
constexpr EpochMs kWarmUpMs = 4 * kDayMs;
constexpr int kPageRows = 20'000;
/// At most this many ticks per request (about two seconds of work); a
/// longer history is cut at its end and the answer says so.
constexpr std::int64_t kMaxTicks = 2'000'000;

std::string ms_param(EpochMs ms) { return std::to_string(ms); }

/// Feeds the 5-minute candles of [from, to) to `backtest`.
Status feed_candles(pg::Connection& conn, const std::string& symbol, EpochMs from, EpochMs to, Backtest& backtest) {
  auto rows = conn.exec(
      "SELECT (extract(epoch FROM bucket_start) * 1000)::bigint, open::float8, high::float8, low::float8, "
      "       close::float8, volume, vwap::float8, ticks "
      "FROM price_candles WHERE symbol = $1 AND interval = '5m' "
      "  AND bucket_start >= to_timestamp($2::bigint / 1000.0) AND bucket_start < to_timestamp($3::bigint / 1000.0) "
      "ORDER BY bucket_start",
      {symbol, ms_param(from), ms_param(to)});
  if (!rows) return std::unexpected(rows.error());
  for (int i = 0; i < rows->size(); ++i) {
    model::Candle c;
    c.symbol = symbol;
    c.start_ts = rows->get_int(i, 0);
    c.end_ts = c.start_ts + 300'000;
    c.open = std::stod(std::string(rows->get(i, 1)));
    c.high = std::stod(std::string(rows->get(i, 2)));
    c.low = std::stod(std::string(rows->get(i, 3)));
    c.close = std::stod(std::string(rows->get(i, 4)));
    c.volume = rows->get_int(i, 5);
    if (!rows->is_null(i, 6)) c.vwap = std::stod(std::string(rows->get(i, 6)));
    c.ticks = rows->get_int(i, 7);
    c.final = true;
    backtest.on_candle(c);
  }
  return {};
}

/// Feeds the ticks of [from, to) to `backtest` in pages, oldest first, in
/// the order the processor saw them; false when kMaxTicks cut it short.
Result<bool> feed_ticks(pg::Connection& conn, const std::string& symbol, EpochMs from, EpochMs to,
                        Backtest& backtest) {
  // Keyset pagination on the primary key's order; the timestamp goes back
  // in as PostgreSQL printed it, so no precision is lost between pages.
  pg::Param after_ts;
  pg::Param after_partition;
  pg::Param after_offset;
  for (;;) {
    auto rows = conn.exec(
        "SELECT ts::text, (extract(epoch FROM ts) * 1000)::bigint, price::float8, volume, source, src_partition, "
        "       src_offset "
        "FROM stock_prices WHERE symbol = $1 "
        "  AND ts >= to_timestamp($2::bigint / 1000.0) AND ts < to_timestamp($3::bigint / 1000.0) "
        "  AND ($4::timestamptz IS NULL OR (ts, src_partition, src_offset) > ($4::timestamptz, $5::int, $6::bigint)) "
        "ORDER BY ts, src_partition, src_offset LIMIT $7::int",
        {symbol, ms_param(from), ms_param(to), after_ts, after_partition, after_offset, std::to_string(kPageRows)});
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
      if (backtest.ticks() >= kMaxTicks) return false;
      model::PriceTick t;
      t.symbol = symbol;
      t.ts = rows->get_int(i, 1);
      t.price = std::stod(std::string(rows->get(i, 2)));
      t.volume = rows->get_int(i, 3);
      t.source = std::string(rows->get(i, 4));
      backtest.on_tick(t, static_cast<std::int32_t>(rows->get_int(i, 5)), rows->get_int(i, 6));
    }
    if (rows->size() < kPageRows) return true;
    const int last = rows->size() - 1;
    after_ts = std::string(rows->get(last, 0));
    after_partition = std::string(rows->get(last, 5));
    after_offset = std::string(rows->get(last, 6));
  }
}

}  // namespace

void add_backtest_routes(http::Router& router, Context& ctx) {
  router.add("POST", "/api/alerts/rules/:id/backtest", [&ctx](const http::Request& req) -> http::Response {
    auto caller = authenticate(ctx, req);
    if (!caller) return caller.error();
    const std::string& id = req.params.at("id");
    const auto not_found = [&id] { return http::problem(404, "Not Found", "no alert rule " + id, "id"); };
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) return not_found();
    std::int64_t days = kDefaultDays;
    if (auto p = int_param(req, "days", 1, kMaxDays, days)) return *p;
    if (auto body = parse_body(req, {}, false); !body) return body.error();

    auto db = ctx.db.acquire();
    if (!db) return database_problem(db.error());
    // Filtered by the caller: another user's rule is not found.
    auto rows = (*db)->exec(
        "SELECT r.kind, r.params::text, r.repeat_mode, r.cooldown_seconds, c.symbol "
        "FROM alert_rules r LEFT JOIN companies c ON c.id = r.company_id "
        "WHERE r.user_id = $1::bigint AND r.id = $2::bigint",
        {std::to_string(caller->user_id.value()), id});
    if (!rows) return database_problem(rows.error());
    if (rows->size() == 0) return not_found();
    model::AlertRuleSpec spec;
    spec.id = model::AlertRuleId(std::stoll(id));
    const auto kind = model::parse_enum<model::RuleKind>(rows->get(0, 0));
    if (!kind || rows->is_null(0, 4)) {
      return http::problem(422, "Unprocessable Content", "this rule has no company price history to replay", "kind");
    }
    spec.kind = *kind;
    spec.params = std::string(rows->get(0, 1));
    spec.repeat_mode = model::parse_enum<model::RepeatMode>(rows->get(0, 2)).value_or(model::RepeatMode::kRepeat);
    spec.cooldown_seconds = rows->get_int(0, 3);
    const std::string symbol(rows->get(0, 4));
    spec.symbol = symbol;

    const EpochMs to = ctx.clock.now_ms();
    const EpochMs from = to - days * kDayMs;
    auto backtest = Backtest::create(caller->user_id, spec, from);
    if (!backtest) return http::problem(422, "Unprocessable Content", backtest.error(), "kind");
    bool complete = true;
    if (backtest->uses_candles()) {
      if (auto st = feed_candles(**db, symbol, from - kWarmUpMs, to, *backtest); !st) {
        return database_problem(st.error());
      }
    } else {
      auto fed = feed_ticks(**db, symbol, from - kWarmUpMs, to, *backtest);
      if (!fed) return database_problem(fed.error());
      complete = *fed;
    }

    std::string body = "{\"rule\":{\"id\":" + id + ",\"symbol\":";
    append_json_string(body, symbol);
    body += ",\"kind\":";
    append_json_string(body, model::to_string(spec.kind));
    body += fmt::format("}},\"days\":{},\"from\":\"{}\",\"to\":\"{}\",\"ticks\":{},\"candles\":{},\"truncated\":{},",
                        days, format_iso8601(from), format_iso8601(to), backtest->ticks(), backtest->candles(),
                        complete ? "false" : "true");
    body += "\"fired\":[";
    for (std::size_t i = 0; i < backtest->fired().size(); ++i) {
      if (i > 0) body.push_back(',');
      body += backtest_alert_json(backtest->fired()[i]);
    }
    body += "]}";
    return http::json(200, std::move(body));
  });
}

}  // namespace st::api
