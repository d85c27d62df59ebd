// `make bench`: the processor's state per (symbol, rule), in memory and in
// the changelog (TARGETS.md: ≤ 1 KiB per (symbol, rule); 10,000 symbols ×
// 100,000 rules in 4 GiB).
//
// Builds the processor's state directly (no Kafka): BENCH_STATE_USERS users
// (10,000) with BENCH_STATE_RULES_PER_USER price_above rules each (10) on
// BENCH_STATE_SYMBOLS symbols (10,000), spread over 6 partitions as
// stock-prices is; then 20 ticks per symbol over 10 minutes of event time,
// so every rule has run and every symbol has open windows and hourly and
// daily buckets. Memory is the heap in use (glibc mallinfo2) after minus
// before; the changelog is the bytes (key + value) of the latest record of
// every key, i.e. what a compacted changelog holds and a restore reads.
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "processor.hpp"
#include "stocktracker/model/codec.hpp"

namespace {

std::int64_t env_int(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoll(v) : fallback;
}

std::size_t heap_in_use() { return mallinfo2().uordblks; }

constexpr int kPartitions = 6;
constexpr st::EpochMs kT0 = 1764000000000;

}  // namespace

int main() {
  const std::int64_t users = env_int("BENCH_STATE_USERS", 10'000);
  const std::int64_t per_user = env_int("BENCH_STATE_RULES_PER_USER", 10);
  const std::int64_t n_symbols = env_int("BENCH_STATE_SYMBOLS", 10'000);
  std::vector<std::string> symbols;
  for (std::int64_t i = 0; i < n_symbols; ++i) symbols.push_back(std::string("S").append(std::to_string(i)));
  auto partition_of = [](const std::string& s) {
    return static_cast<std::int32_t>(std::hash<std::string>{}(s) % kPartitions);
  };

  // The preferences messages exist before the processor (they are the
  // topic's records, not processor state).
  std::vector<st::model::UserPreferences> all;
  for (std::int64_t u = 0; u < users; ++u) {
    st::model::UserPreferences prefs;
    prefs.user_id = st::UserId(u + 1);
    for (std::int64_t j = 0; j < per_user; ++j) {
      st::model::AlertRuleSpec r;
      r.id = st::model::AlertRuleId(u * per_user + j + 1);
      r.symbol = symbols[static_cast<std::size_t>((u * per_user + j) % n_symbols)];
      r.kind = st::model::RuleKind::kPriceAbove;
      r.params = "{\"price\":" + std::to_string(100 + j) + "}";
      r.cooldown_seconds = 0;
      prefs.rules.push_back(r);
    }
    all.push_back(std::move(prefs));
  }
  std::vector<std::string> ticks;
  for (int k = 0; k < 20; ++k) {
    for (std::int64_t i = 0; i < n_symbols; ++i) {
      ticks.push_back(st::model::encode(st::model::PriceTick{symbols[static_cast<std::size_t>(i)],
                                                             95.0 + (k % 10) * 1.5, 10, kT0 + k * 30'000 + i % 1000,
                                                             "bench", "USD"}));
    }
  }
  const std::int64_t pairs = users * per_user;

  const std::size_t before = heap_in_use();
  auto processor = std::make_unique<st::process::Processor>(st::process::WindowConfig{});
  for (int p = 0; p < kPartitions; ++p) processor->assign(p);
  for (const auto& prefs : all) processor->set_preferences(prefs);
  const std::size_t with_rules = heap_in_use();
  std::vector<st::process::OutRecord> out;
  std::int64_t offset = 0;
  for (const auto& t : ticks) {
    auto tick = st::model::decode_tick(t);
    processor->on_tick_record(partition_of(tick->symbol), offset++, tick->symbol, t, out);
  }
  out.clear();
  out.shrink_to_fit();
  const std::size_t after = heap_in_use();
  std::vector<st::process::OutRecord> log;
  processor->flush_changelog("changelog", log);
  std::size_t changelog_bytes = 0;
  for (const auto& r : log) changelog_bytes += r.key.size() + r.value.size();

  const double per_pair = static_cast<double>(after - before) / static_cast<double>(pairs);
  std::printf("## process: state per (symbol, rule)\n\n");
  std::printf("%lld users × %lld price_above rules = %lld (symbol, rule) pairs on %lld symbols (%lld rules per "
              "symbol), %d partitions, after %zu ticks (bench/state_bench.cpp, no Kafka).\n\n",
              static_cast<long long>(users), static_cast<long long>(per_user), static_cast<long long>(pairs),
              static_cast<long long>(n_symbols), static_cast<long long>(pairs / n_symbols), kPartitions,
              ticks.size());
  std::printf("| state | bytes | per (symbol, rule) |\n|---|---:|---:|\n");
  std::printf("| heap: the preferences table and compiled rules | %zu | %.0f |\n", with_rules - before,
              static_cast<double>(with_rules - before) / static_cast<double>(pairs));
  std::printf("| heap: + market, rule runtimes, open windows and buckets after the ticks | %zu | %.0f |\n",
              after - before, per_pair);
  std::printf("| changelog: latest record per key (%zu records) | %zu | %.0f |\n\n", log.size(), changelog_bytes,
              static_cast<double>(changelog_bytes) / static_cast<double>(pairs));
  std::printf("The whole state of this run (%lld symbols, %lld rules) is %.3f GiB of heap.\n",
              static_cast<long long>(n_symbols), static_cast<long long>(pairs),
              static_cast<double>(after - before) / (1024.0 * 1024.0 * 1024.0));
  std::printf("Target (TARGETS.md): ≤ 1 KiB per (symbol, rule); 10,000 symbols × 100,000 rules in 4 GiB.\n\n");
  return 0;
}
