#include "ingest_service.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "simulator.hpp"
#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::ingest {

Result<IngestReport> run_ingest(const IngestOptions& options, std::stop_token stop) {
  auto producer = kafka::Producer::create(options.bootstrap_servers);
  if (!producer) return std::unexpected(producer.error());
  MarketSimulator sim(options.seed, options.symbols);
  log::info("ingest started", {{"source", "simulator"},
                               {"seed", static_cast<std::int64_t>(options.seed)},
                               {"rate", options.rate},
                               {"symbols", static_cast<std::int64_t>(sim.symbols().size())}});

  using SteadyClock = std::chrono::steady_clock;
  const auto start = SteadyClock::now();
  auto next_news = start + std::chrono::duration_cast<SteadyClock::duration>(
                               std::chrono::duration<double>(options.news_every_s));
  auto next_indicator = start + std::chrono::duration_cast<SteadyClock::duration>(
                                    std::chrono::duration<double>(options.indicators_every_s));
  IngestReport report;
  std::string buffer;
  buffer.reserve(256);
  auto last_report = start;

  while (!stop.stop_requested() && (options.count == 0 || report.ticks < options.count)) {
    const auto now = SteadyClock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    auto due = static_cast<std::uint64_t>(elapsed * options.rate) + 1;
    if (options.count != 0) due = std::min(due, options.count);
    const EpochMs now_ms = SystemClock::instance().now_ms();
    // At most 10,000 per round so stop requests and news stay responsive.
    for (std::uint64_t n = 0; report.ticks < due && n < 10000; ++n) {
      const EpochMs ts = options.start_ts != 0
                             ? options.start_ts + static_cast<EpochMs>(report.ticks) * options.step_ms
                             : now_ms;
      const model::PriceTick tick = sim.next_tick(ts);
      buffer.clear();
      model::encode_to(buffer, tick);
      if (auto st = (*producer)->produce(options.ticks_topic, tick.symbol, buffer); !st) {
        return std::unexpected(st.error());
      }
      ++report.ticks;
    }
    if (options.news_every_s > 0 && now >= next_news) {
      const auto article = sim.next_news(now_ms);
      if (auto st = (*producer)->produce(model::topic::kNewsArticles, article.id, model::encode(article)); !st) {
        return std::unexpected(st.error());
      }
      ++report.news;
      next_news += std::chrono::duration_cast<SteadyClock::duration>(
          std::chrono::duration<double>(options.news_every_s));
    }
    if (options.indicators_every_s > 0 && now >= next_indicator) {
      const auto release = sim.next_indicator(now_ms);
      if (auto st = (*producer)->produce(model::topic::kEconomicIndicators, release.id, model::encode(release));
          !st) {
        return std::unexpected(st.error());
      }
      ++report.indicators;
      next_indicator += std::chrono::duration_cast<SteadyClock::duration>(
          std::chrono::duration<double>(options.indicators_every_s));
    }
    (*producer)->poll();
    if (now - last_report >= std::chrono::seconds(10)) {
      last_report = now;
      log::info("ingest progress", {{"ticks", static_cast<std::int64_t>(report.ticks)},
                                    {"acked", static_cast<std::int64_t>((*producer)->delivered())}});
    }
    if (report.ticks >= due) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Graceful shutdown: everything produced is acknowledged before we return.
  if (auto st = (*producer)->flush(std::chrono::seconds(60)); !st) return std::unexpected(st.error());
  log::info("ingest stopped", {{"ticks", static_cast<std::int64_t>(report.ticks)},
                               {"news", static_cast<std::int64_t>(report.news)},
                               {"indicators", static_cast<std::int64_t>(report.indicators)}});
  return report;
}

}  // namespace st::ingest
