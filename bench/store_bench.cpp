// `make bench`: rows per second into PostgreSQL's stock_prices, three ways,
// on the same table, machine and run:
//   1. single-row INSERT, one statement per row (the naive baseline);
//   2. 1,000-row multi-VALUES INSERT, one statement per 1,000 rows;
//   3. the real `stocktracker store` draining a backlog of ticks from Kafka
//      (decode, COPY, offsets in the same transaction).
// Prints a Markdown section for docs/benchmarks.md.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <spawn.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_process.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/pg/connection.hpp"


namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kChildLog = "/tmp/store_bench_child.log";

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}

[[noreturn]] void die(const std::string& msg) { st::bench::die("store_bench", msg); }

std::int64_t scalar(st::pg::Connection& c, const std::string& sql, const st::pg::Params& p = {}) {
  auto r = c.exec(sql, p);
  if (!r) die(r.error().message);
  return r->size() == 0 || r->is_null(0, 0) ? 0 : r->get_int(0, 0);
}

struct Row {
  std::string symbol;
  std::int64_t ts;
  double price;
  std::int64_t volume;
  std::int64_t offset;
};

std::vector<Row> make_rows(const std::string& symbol_prefix, std::int64_t n) {
  std::vector<Row> rows;
  rows.reserve(static_cast<std::size_t>(n));
  const std::int64_t start = 1764000000000;  // 2025-11-24
  for (std::int64_t i = 0; i < n; ++i) {
    rows.push_back({symbol_prefix + static_cast<char>('A' + i % 20), start + i, 100.0 + static_cast<double>(i % 1000) / 100.0,
                    100 * (1 + i % 7), i});
  }
  return rows;
}

double bench_single_row(st::pg::Connection& c, const std::vector<Row>& rows) {
  const auto t0 = Clock::now();
  for (const auto& r : rows) {
    auto res = c.exec(
        "INSERT INTO stock_prices (symbol, ts, price, volume, source, currency, src_partition, src_offset) "
        "VALUES ($1, to_timestamp($2::bigint / 1000.0), $3::numeric, $4::bigint, 'bench', 'USD', 900, $5::bigint)",
        {r.symbol, std::to_string(r.ts), std::to_string(r.price), std::to_string(r.volume), std::to_string(r.offset)});
    if (!res) die(res.error().message);
  }
  return static_cast<double>(rows.size()) / std::chrono::duration<double>(Clock::now() - t0).count();
}

double bench_multi_values(st::pg::Connection& c, const std::vector<Row>& rows) {
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < rows.size(); i += 1000) {
    std::string sql =
        "INSERT INTO stock_prices (symbol, ts, price, volume, source, currency, src_partition, src_offset) VALUES ";
    st::pg::Params params;
    for (std::size_t j = i; j < std::min(rows.size(), i + 1000); ++j) {
      const auto k = static_cast<int>(params.size());
      if (j > i) sql += ",";
      sql += "($" + std::to_string(k + 1) + ", to_timestamp($" + std::to_string(k + 2) + "::bigint / 1000.0), $" +
             std::to_string(k + 3) + "::numeric, $" + std::to_string(k + 4) + "::bigint, 'bench', 'USD', 901, $" +
             std::to_string(k + 5) + "::bigint)";
      params.insert(params.end(), {rows[j].symbol, std::to_string(rows[j].ts), std::to_string(rows[j].price),
                                   std::to_string(rows[j].volume), std::to_string(rows[j].offset)});
    }
    if (auto res = c.exec(sql, params); !res) die(res.error().message);
  }
  return static_cast<double>(rows.size()) / std::chrono::duration<double>(Clock::now() - t0).count();
}

struct StoreResult {
  double steady_rows_per_s;
  double total_seconds;
};

StoreResult bench_store(st::pg::Connection& c, const std::string& bin, const std::string& symbols, std::int64_t n) {
  // The backlog: n ticks on stock-prices, produced before the store starts.
  if (st::bench::wait_exit(st::bench::spawn({bin, "ingest", "--count", std::to_string(n), "--symbols", symbols,
                                             "--sim-rate", "1000000", "--news-every", "0", "--indicators-every", "0"},
                                            kChildLog)) != 0) {
    die("ingest failed (see /tmp/store_bench_child.log)");
  }
  const std::string sum_sql =
      "SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE consumer_group = 'stocktracker-store' "
      "AND topic = 'stock-prices'";
  const std::int64_t end_offsets = [&] {
    // The store's target: every stock-prices message now in Kafka. We know
    // our n were produced after what the store already has, so wait for
    // the offsets sum to grow by at least n.
    return scalar(c, sum_sql) + n;
  }();
  const auto t_start = Clock::now();
  const pid_t pid = st::bench::spawn({bin, "store"}, kChildLog);
  const std::int64_t before = scalar(c, sum_sql);
  Clock::time_point t_first{};
  std::int64_t at_first = 0;
  for (;;) {
    const std::int64_t now = scalar(c, sum_sql);
    if (t_first == Clock::time_point{} && now > before) {
      t_first = Clock::now();
      at_first = now;
    }
    if (now >= end_offsets) break;
    if (Clock::now() - t_start > std::chrono::minutes(5)) die("store did not drain the backlog in 5 minutes");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto t_end = Clock::now();
  kill(pid, SIGTERM);
  st::bench::wait_exit(pid);
  return {static_cast<double>(end_offsets - at_first) / std::chrono::duration<double>(t_end - t_first).count(),
          std::chrono::duration<double>(t_end - t_start).count()};
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string bin = argc > 1 ? argv[1] : "build/release/app/stocktracker";
  const std::int64_t n_single = std::atoll(env_or("BENCH_SINGLE_ROWS", "20000").c_str());
  const std::int64_t n_multi = std::atoll(env_or("BENCH_MULTI_ROWS", "500000").c_str());
  const std::int64_t n_store = std::atoll(env_or("BENCH_STORE_ROWS", "1000000").c_str());
  auto conn = st::pg::Connection::connect(
      env_or("DATABASE_URL", "postgresql://stocktracker:stocktracker@127.0.0.1:5432/stocktracker"));
  if (!conn) die(conn.error().message);

  std::fprintf(stderr, "store_bench: single-row INSERT x %lld\n", static_cast<long long>(n_single));
  const double single = bench_single_row(*conn, make_rows("BNS", n_single));
  std::fprintf(stderr, "store_bench: 1,000-row multi-VALUES INSERT x %lld\n", static_cast<long long>(n_multi));
  const double multi = bench_multi_values(*conn, make_rows("BNM", n_multi));
  std::fprintf(stderr, "store_bench: stocktracker store draining %lld ticks\n", static_cast<long long>(n_store));
  const auto store = bench_store(*conn, bin, "BNKA,BNKB,BNKC,BNKD,BNKE,BNKF,BNKG,BNKH", n_store);

  std::fprintf(stderr, "store_bench: removing the benchmark rows\n");
  (void)conn->exec("DELETE FROM stock_prices WHERE symbol LIKE 'BN%'");

  std::ostringstream md;
  char line[512];
  md << "## store: ingest into PostgreSQL\n\n";
  md << "Measured " << st::format_iso8601(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count())
                           .substr(0, 10)
     << " on " << std::thread::hardware_concurrency() << " cores (" << cpu_model()
     << "), PostgreSQL 15 and Kafka 3.9 on loopback, by `make bench` (bench/store_bench.cpp).\n\n";
  md << "| method | rows | rows/s | store ÷ method |\n|---|---:|---:|---:|\n";
  std::snprintf(line, sizeof line, "| single-row INSERT (autocommit) | %lld | %.0f | %.1f× |\n",
                static_cast<long long>(n_single), single, store.steady_rows_per_s / single);
  md << line;
  std::snprintf(line, sizeof line, "| 1,000-row multi-VALUES INSERT | %lld | %.0f | %.2f× |\n",
                static_cast<long long>(n_multi), multi, store.steady_rows_per_s / multi);
  md << line;
  std::snprintf(line, sizeof line,
                "| `stocktracker store` from Kafka (COPY + offsets in one transaction) | %lld | %.0f | 1.00× |\n\n",
                static_cast<long long>(n_store), store.steady_rows_per_s);
  md << line;
  std::snprintf(line, sizeof line,
                "The store's figure is steady state, from its first committed batch to its last; with start-up "
                "and the consumer group join it drained the backlog in %.1f s.\n"
                "Targets (TARGETS.md): ≥ 50× single-row, ≥ 2× multi-VALUES, ≥ 250,000 rows/s.\n\n",
                store.total_seconds);
  md << line;
  std::cout << md.str();
  return 0;
}
