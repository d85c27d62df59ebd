#include "backfill_service.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "coverage.hpp"
#include "progress.hpp"
#include "providers/alpha_vantage.hpp"
#include "providers/failover.hpp"
#include "providers/new_york_time.hpp"
#include "providers/yahoo_finance.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/httpclient/client.hpp"
#include "stocktracker/kafka/dead_letter.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/market_time.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::ingest::backfill {
namespace {

using namespace std::chrono_literals;
using namespace providers;

constexpr std::string_view kProgressTopic = "backfill-progress";
constexpr std::int64_t kOffsetBeginning = -2;  // RD_KAFKA_OFFSET_BEGINNING
constexpr std::int32_t kByKey = -1;            // RD_KAFKA_PARTITION_UA
/// As `ingest --source providers`: Yahoo answers 429 to anonymous clients.
constexpr const char* kUserAgent = "Mozilla/5.0 (compatible; stocktracker/0.1)";

std::vector<ProviderGate> build_gates(const BackfillOptions& o, std::uint64_t seed, EpochMs now) {
  std::vector<ProviderGate> gates;
  for (const auto& name : o.providers) {
    const auto id = model::parse_enum<ProviderId>(name);
    if (!id) continue;
    switch (*id) {
      case ProviderId::kAlphaVantage:
        if (o.alpha_vantage_api_key.empty()) {
          log::warn("provider left out: ALPHA_VANTAGE_API_KEY is not set", {{"provider", name}});
          continue;
        }
        gates.emplace_back(*id, GateOptions{.limits = o.alpha_vantage_limits}, seed + gates.size(), now);
        break;
      case ProviderId::kYahoo:
        gates.emplace_back(*id, GateOptions{.limits = o.yahoo_limits}, seed + gates.size(), now);
        break;
      case ProviderId::kNewsApi:
      case ProviderId::kFred:
        log::warn("provider left out: it has no price history", {{"provider", name}});
        break;
    }
  }
  return gates;
}

/// Yahoo's `range` that reaches back to `first_day` from `today`.
std::string_view yahoo_range(std::int64_t first_day, std::int64_t today) {
  const std::int64_t days = today - first_day + 7;  // a week of slack for weekends and holidays
  if (days <= 28) return "1mo";
  if (days <= 89) return "3mo";
  if (days <= 180) return "6mo";
  if (days <= 364) return "1y";
  if (days <= 729) return "2y";
  if (days <= 1825) return "5y";
  if (days <= 3650) return "10y";
  return "max";
}

httpclient::Request daily_request(ProviderId provider, const BackfillOptions& o, const std::string& symbol,
                                  std::int64_t first_day, std::int64_t today) {
  httpclient::Request r;
  switch (provider) {
    case ProviderId::kAlphaVantage:
      // compact holds the last 100 sessions (about 140 days).
      r = alpha_vantage::daily_request(o.alpha_vantage_base_url, o.alpha_vantage_api_key, symbol,
                                       today - first_day > 130);
      break;
    case ProviderId::kYahoo:
      r = yahoo::chart_request(o.yahoo_base_url, symbol, "1d", yahoo_range(first_day, today));
      break;
    case ProviderId::kNewsApi:
    case ProviderId::kFred:
      break;  // never in the chain (build_gates)
  }
  r.timeout = o.http_timeout;
  return r;
}

FetchResult read_daily(ProviderId provider, const Result<httpclient::Response>& answer, const std::string& symbol,
                       EpochMs now) {
  if (!answer) return transport_failure(provider, answer.error());
  switch (provider) {
    case ProviderId::kAlphaVantage:
      return alpha_vantage::read_daily(*answer, symbol, now);
    case ProviderId::kYahoo:
      return yahoo::read_chart(*answer, symbol, now);
    case ProviderId::kNewsApi:
    case ProviderId::kFred:
      break;
  }
  return transport_failure(provider, Error{Errc::kInternal, "not a market-data provider"});
}

/// The progress records of every symbol, read to the end of the topic.
/// Called after the transactional producer's init(), which waits until the
/// killed run's open transaction is aborted: the committed end is then the
/// end, and end-of-partition (read_committed) is enough.
Result<std::map<std::string, ProgressRecord>> read_progress(const std::string& bootstrap) {
  std::map<std::string, ProgressRecord> out;
  auto reader = kafka::Consumer::create(bootstrap, "stocktracker-backfill-reader", {},
                                        {{"enable.partition.eof", "true"}});
  if (!reader) return std::unexpected(reader.error());
  if (auto st = (*reader)->assign({{std::string(kProgressTopic), 0, kOffsetBeginning}}); !st) {
    return std::unexpected(st.error());
  }
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  bool eof = false;
  while (!eof) {
    if (std::chrono::steady_clock::now() > deadline) return fail(Errc::kTimeout, "backfill-progress: end not reached");
    for (auto& m : (*reader)->poll_batch(10000, 200ms)) {
      if (m.is_partition_eof()) {
        eof = true;
      } else if (auto err = m.error()) {
        log::warn("backfill-progress read error", {{"error", err->message}});
      } else if (auto record = decode_progress(m.payload())) {
        out[record->symbol] = std::move(*record);
      } else {
        log::warn("backfill-progress record ignored", {{"error", record.error().message}});
      }
    }
  }
  (*reader)->close();
  return out;
}

/// One symbol's ticks (the days of `wanted` only), dead letters and progress
/// record, in one transaction. Returns the ticks published.
Result<std::uint64_t> publish_symbol(kafka::TransactionalProducer& producer, const std::string& symbol,
                                     const FetchResult& result, const std::vector<DayRange>& wanted,
                                     ProgressRecord& progress, ProviderId provider, BackfillReport& report) {
  static constexpr kafka::DeadLetterOrigin kOrigin{.topic = model::topic::kStockPrices, .service = "backfill"};
  if (auto st = producer.begin(); !st) return std::unexpected(st.error());
  std::uint64_t published = 0;
  std::string payload;
  for (const auto& tick : result.ticks) {
    if (!contains(wanted, model::new_york_day(tick.ts))) continue;
    payload.clear();
    model::encode_to(payload, tick);
    if (auto st = producer.produce(model::topic::kStockPrices, kByKey, tick.symbol, payload); !st) {
      return std::unexpected(st.error());
    }
    ++published;
  }
  for (const auto& rejection : result.rejected) {
    log::warn("provider row rejected", {{"symbol", symbol}, {"reason", rejection.reason}});
    if (auto st = kafka::send_to_dlq(producer, kOrigin, symbol, rejection.payload, rejection.reason); !st) {
      return std::unexpected(st.error());
    }
  }
  ProgressRecord next = progress;
  next.symbol = symbol;
  for (const auto& r : wanted) next.covered = add_range(std::move(next.covered), r);
  next.rows += published;
  next.source = std::string(model::to_string(provider));
  if (auto st = producer.produce(kProgressTopic, 0, symbol, encode(next)); !st) return std::unexpected(st.error());
  if (auto st = producer.commit(60s); !st) return std::unexpected(st.error());
  progress = std::move(next);
  report.dead_letters += result.rejected.size();
  return published;
}

}  // namespace

Result<BackfillReport> run_backfill(const BackfillOptions& o, std::stop_token stop) {
  const Clock& clock = SystemClock::instance();
  const EpochMs started_at = clock.now_ms();
  // The last completed New York session: today once its close has passed.
  const std::int64_t today = model::new_york_day(started_at);
  const std::int64_t last_complete = started_at >= new_york_close_utc(today) ? today : today - 1;
  const auto from = parse_day(o.from);
  if (!from) return fail(Errc::kInvalidInput, "--from: must be a date like 2024-01-01");
  std::int64_t to = last_complete;
  if (!o.to.empty()) {
    const auto t = parse_day(o.to);
    if (!t) return fail(Errc::kInvalidInput, "--to: must be a date like 2024-06-30");
    to = std::min(*t, last_complete);
  }
  if (*from > to) return fail(Errc::kInvalidInput, "--from: must not be after --to or the last completed session");
  if (o.symbols.empty()) return fail(Errc::kInvalidInput, "--symbols: at least one symbol");

  const std::uint64_t seed = o.seed != 0 ? o.seed : std::random_device{}();
  FailoverChain chain(build_gates(o, seed, started_at));
  if (chain.size() == 0) return fail(Errc::kInvalidInput, "--provider: no usable provider (alphavantage needs ALPHA_VANTAGE_API_KEY)");

  auto admin = kafka::Admin::create(o.bootstrap_servers);
  if (!admin) return std::unexpected(admin.error());
  if (auto created = (*admin)->create_topics({{std::string(kProgressTopic), 1, true, -1}}, 30s); !created) {
    return std::unexpected(created.error());
  }
  auto producer = kafka::TransactionalProducer::create(o.bootstrap_servers, "stocktracker-backfill-" + o.job);
  if (!producer) return std::unexpected(producer.error());
  if (auto st = (*producer)->init(60s); !st) return std::unexpected(st.error());
  auto progress_records = read_progress(o.bootstrap_servers);
  if (!progress_records) return std::unexpected(progress_records.error());
  auto client = httpclient::Client::create({.max_in_flight = 1, .user_agent = kUserAgent});
  if (!client) return std::unexpected(client.error());

  log::info("backfill started", {{"symbols", o.symbols.size()},
                                 {"from", format_day(*from)},
                                 {"to", format_day(to)},
                                 {"job", o.job}});
  BackfillReport report;
  ProgressReporter bar("backfill", "symbols", o.symbols.size(), o.progress_bar);
  bar.set_rate_unit("rows");
  std::string extra;
  const auto show = [&](std::uint64_t done, bool last) {
    extra = group_thousands(report.rows) + " rows";
    if (last) {
      bar.finish(done, report.rows, extra);
    } else {
      bar.update(done, report.rows, extra);
    }
  };

  std::uint64_t done = 0;
  for (const auto& symbol : o.symbols) {
    if (stop.stop_requested()) break;
    ProgressRecord& progress = (*progress_records)[symbol];
    const auto wanted = missing(progress.covered, {*from, to});
    if (wanted.empty()) {
      ++report.symbols_skipped;
      log::info("backfill symbol already loaded", {{"symbol", symbol}, {"rows_before", progress.rows}});
      show(++done, false);
      continue;
    }
    ProviderMask tried = 0;
    bool loaded = false;
    while (!stop.stop_requested()) {
      EpochMs now = clock.now_ms();
      const auto index = chain.acquire(now, tried);
      if (!index) {
        if ((tried | ~chain.all()) == ~ProviderMask{0}) break;  // every provider failed for this symbol
        // Quotas or backoff: wait for the first provider that may be asked.
        const EpochMs wait = std::clamp<EpochMs>(chain.available_at(now, tried) - now, 1, 1000);
        sleep_unless_stopped(std::chrono::milliseconds(wait), stop);
        show(done, false);
        continue;
      }
      const ProviderId provider = chain.gate(*index).provider();
      const auto answer = (*client)->get(daily_request(provider, o, symbol, wanted.front().first, today));
      now = clock.now_ms();
      const FetchResult result = read_daily(provider, answer, symbol, now);
      chain.record(*index, result, now);
      if (result.outcome != Outcome::kOk) {
        log::info("provider request failed", {{"provider", model::to_string(provider)},
                                              {"symbol", symbol},
                                              {"outcome", model::to_string(result.outcome)},
                                              {"detail", result.detail}});
        // A rate limit says nothing against asking this provider again once
        // its quota allows; anything else sends the symbol to the next one.
        if (result.outcome != Outcome::kRateLimited) tried |= ProviderMask{1} << *index;
        continue;
      }
      auto published = publish_symbol(**producer, symbol, result, wanted, progress, provider, report);
      if (!published) {
        // An aborted transaction leaves nothing visible; the progress record
        // was not written either, so a rerun loads the symbol again.
        if (published.error().code == Errc::kAborted) (void)(*producer)->abort(30s);
        return std::unexpected(published.error());
      }
      report.rows += *published;
      ++report.symbols_loaded;
      loaded = true;
      log::info("backfill symbol done", {{"symbol", symbol},
                                         {"provider", model::to_string(provider)},
                                         {"rows", *published},
                                         {"from", format_day(wanted.front().first)},
                                         {"to", format_day(wanted.back().last)}});
      break;
    }
    if (stop.stop_requested()) break;
    if (!loaded) {
      ++report.symbols_failed;
      log::error("backfill symbol failed: no provider could give it", {{"symbol", symbol}});
    }
    show(++done, false);
  }
  show(done, true);
  log::info("backfill stopped", {{"loaded", report.symbols_loaded},
                                 {"skipped", report.symbols_skipped},
                                 {"failed", report.symbols_failed},
                                 {"rows", report.rows},
                                 {"dead_letters", report.dead_letters},
                                 {"complete", done == o.symbols.size()}});
  return report;
}

}  // namespace st::ingest::backfill
