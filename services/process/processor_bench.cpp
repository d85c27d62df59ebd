// The processor's core alone (no Kafka): decode + windows + rules per tick,
// and the changelog records once per transaction, on one core. TARGETS.md:
// >= 3,000,000 ticks/s.
#include <benchmark/benchmark.h>

#include "processor.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::process {
namespace {

constexpr EpochMs kT0 = 1764000000000;

std::string symbol_name(std::size_t i) {
  std::string s = "S";  // built in two steps: GCC 12 warns falsely on "S" + to_string
  s += std::to_string(i);
  return s;
}

std::vector<std::string> make_ticks(std::size_t n, int symbols, EpochMs t0 = kT0) {
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    model::PriceTick t{symbol_name(i % static_cast<std::size_t>(symbols)),
                       100.0 + static_cast<double>(i % 97) * 0.01, 100, t0 + static_cast<EpochMs>(i) * 5,
                       "simulator", "USD"};
    out.push_back(model::encode(t));
  }
  return out;
}

model::UserPreferences prefs(std::int64_t user, int symbols) {
  model::UserPreferences p;
  p.user_id = UserId(user);
  p.price_change_threshold = 5;
  for (int s = 0; s < symbols; ++s) p.tracked.push_back(symbol_name(static_cast<std::size_t>(s)));
  return p;
}

// Records per Kafka transaction in the real loop (process_service.cpp): up
// to 50,000 or what 100 ms brings. The changelog is written once per
// transaction, so its cost per tick falls as batches grow; 10,000 is on the
// small side, so the figure does not flatter the processor.
constexpr std::int64_t kTicksPerTransaction = 10'000;

void BM_ProcessorTicks(benchmark::State& state) {
  const int symbols = static_cast<int>(state.range(0));
  const int users = static_cast<int>(state.range(1));
  constexpr std::size_t kBatch = 1 << 16;
  auto ticks = make_ticks(kBatch, symbols);
  Processor p({.out_of_orderness_ms = 2000, .allowed_lateness_ms = 60000});
  p.assign(0);
  for (int u = 0; u < users; ++u) p.set_preferences(prefs(u + 1, symbols));
  std::vector<OutRecord> out;
  std::int64_t offset = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    p.on_tick_record(0, offset++, "k", ticks[i], out);
    if (++i == ticks.size()) {
      // Event time keeps moving forward, as in a live stream: replaying the
      // same timestamps would make almost every tick a late update.
      state.PauseTiming();
      ticks = make_ticks(kBatch, symbols, kT0 + static_cast<EpochMs>(offset) * 5);
      i = 0;
      state.ResumeTiming();
    }
    if (offset % kTicksPerTransaction == 0) {
      // The end of a transaction: the changed state goes to the changelog
      // and the batch's output is sent (dropped here).
      p.flush_changelog("changelog", out);
      out.clear();
    }
  }
  state.SetItemsProcessed(state.iterations());
}
// symbols x users with the default rule on every symbol
BENCHMARK(BM_ProcessorTicks)->Args({50, 0})->Args({50, 10})->Args({1000, 10});

void BM_DecodeTick(benchmark::State& state) {
  const auto ticks = make_ticks(1024, 50);
  std::size_t i = 0;
  for (auto _ : state) {
    auto t = model::decode_tick(ticks[i++ & 1023]);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeTick);

}  // namespace
}  // namespace st::process

BENCHMARK_MAIN();
