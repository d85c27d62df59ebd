// `make bench`: the stream processor through the real Kafka, against a bare
// librdkafka consume loop over the same records in the same run.
//   baseline: a consumer reads the N records (no decoding, no output);
//   process:  `stocktracker process` in a fresh consumer group consumes the
//             same N records exactly once (decode, windows, rules, outputs,
//             changelog, offsets in transactions) until its committed
//             offsets reach the end.
// Reports records/s of both, the ratio, and ticks per CPU-second of the
// processor (its utime + stime from /proc), and what each run cost in CPU,
// the broker's included, with the rate two cores allow at that cost.
// BENCH_PROCESS_TICKS (2,000,000: with fewer, the steady state is too short
// to time well). Prints a Markdown section.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <spawn.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_process.hpp"
#include "stocktracker/kafka/kafka.hpp"


namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

[[noreturn]] void die(const std::string& msg) { st::bench::die("process_bench", msg); }

constexpr const char* kChildLog = "/tmp/process_bench_child.log";

pid_t spawn(std::vector<std::string> args) { return st::bench::spawn(std::move(args), kChildLog); }
int wait_exit(pid_t pid) { return st::bench::wait_exit(pid); }

/// The broker's pid (its CPU is part of what a run costs on these 2 cores):
/// KAFKA_PID, or the pid file scripts/services.sh writes; 0 when unknown.
pid_t broker_pid() {
  if (const char* e = std::getenv("KAFKA_PID"); e != nullptr) return static_cast<pid_t>(std::atol(e));
  std::ifstream in("var/kafka/kafka.pid");
  long pid = 0;
  return in >> pid ? static_cast<pid_t>(pid) : 0;
}

std::vector<st::kafka::TopicPartition> ends(st::kafka::Admin& admin) {
  auto e = admin.end_offsets("stock-prices", 10s);
  if (!e) die(e.error().message);
  return *e;
}

/// "p:o,p:o,...": offsets as the Flink baseline takes them.
std::string offsets_arg(const std::vector<st::kafka::TopicPartition>& tps) {
  std::string out;
  for (const auto& tp : tps) {
    if (!out.empty()) out += ',';
    out += std::to_string(tp.partition);
    out += ':';
    out += std::to_string(tp.offset);
  }
  return out;
}

struct FlinkResult {
  long long records = 0;
  double wall_s = 0, cpu_s = 0;
  int parallelism = 0;
};

/// The Flink 2.x baseline (bench/baselines/flink) over the same records,
/// when scripts/bench.sh built it and set FLINK_BASELINE_CLASSPATH. Its one
/// JSON line of figures comes on stdout; its logs go to a file.
std::optional<FlinkResult> run_flink(const std::string& bootstrap, const std::vector<st::kafka::TopicPartition>& from,
                                     const std::vector<st::kafka::TopicPartition>& to) {
  const char* cp = std::getenv("FLINK_BASELINE_CLASSPATH");
  if (cp == nullptr || *cp == '\0') return std::nullopt;
  const std::string cmd = "java -cp '" + std::string(cp) + "' stocktracker.bench.FlinkBaseline '" + bootstrap + "' " +
                          offsets_arg(from) + " " + offsets_arg(to) + " bench-flink-" + std::to_string(::getpid()) +
                          " 2 2>>/tmp/process_bench_flink.log";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return std::nullopt;
  std::optional<FlinkResult> result;
  char line[512];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    FlinkResult r;
    if (std::sscanf(line, "{\"records\":%lld,\"wall_s\":%lf,\"cpu_s\":%lf,\"parallelism\":%d}", &r.records,
                    &r.wall_s, &r.cpu_s, &r.parallelism) == 4) {
      result = r;
    }
  }
  const int rc = pclose(p);
  if (rc != 0) std::fprintf(stderr, "process_bench: the Flink baseline failed (see /tmp/process_bench_flink.log)\n");
  return rc == 0 ? result : std::nullopt;
}

std::int64_t total(const std::vector<st::kafka::TopicPartition>& tps) {
  std::int64_t n = 0;
  for (const auto& tp : tps) n += tp.offset;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string bin = argc > 1 ? argv[1] : "build/release/app/stocktracker";
  const char* env_n = std::getenv("BENCH_PROCESS_TICKS");
  const std::int64_t n = env_n != nullptr ? std::atoll(env_n) : 2'000'000;
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  const std::string bootstrap = b != nullptr ? b : "127.0.0.1:9092";
  auto admin = st::kafka::Admin::create(bootstrap);
  if (!admin) die(admin.error().message);

  // The records: n simulator ticks after everything already there.
  const auto before = ends(**admin);
  std::fprintf(stderr, "process_bench: producing %lld ticks\n", static_cast<long long>(n));
  if (wait_exit(spawn({bin, "ingest", "--count", std::to_string(n), "--sim-rate", "1000000", "--news-every", "0",
                       "--indicators-every", "0"})) != 0) {
    die("ingest failed (see /tmp/process_bench_child.log)");
  }
  const auto after = ends(**admin);
  const std::int64_t records = total(after) - total(before);

  // Baseline: a bare consume loop from `before` to `after`.
  std::fprintf(stderr, "process_bench: bare librdkafka consume loop\n");
  double bare_rate = 0;
  const pid_t broker = broker_pid();
  double bare_cpu = 0, bare_broker_cpu = 0;  // CPU-seconds during the bare loop: its own, the broker's
  {
    auto c = st::kafka::Consumer::create(bootstrap, "bench-bare", {}, {{"enable.partition.eof", "true"}});
    if (!c) die(c.error().message);
    if (!(*c)->assign(before)) die("assign failed");
    std::int64_t seen = 0;
    bare_cpu = st::bench::cpu_seconds(::getpid());
    bare_broker_cpu = st::bench::cpu_seconds(broker);
    const auto t0 = Clock::now();
    while (seen < records) {
      for (auto& m : (*c)->poll_batch(10000, 100ms)) {
        if (!m.error()) ++seen;
      }
      if (Clock::now() - t0 > 5min) die("bare loop did not finish");
    }
    bare_rate = static_cast<double>(seen) / std::chrono::duration<double>(Clock::now() - t0).count();
    bare_cpu = st::bench::cpu_seconds(::getpid()) - bare_cpu;
    bare_broker_cpu = st::bench::cpu_seconds(broker) - bare_broker_cpu;
    (*c)->close();
  }

  // The processor in a fresh group, starting at `before`.
  const std::string group = "bench-process-" + std::to_string(::getpid());
  {
    auto c = st::kafka::Consumer::create(bootstrap, group, {});
    if (!c) die(c.error().message);
    if (!(*c)->commit(before)) die("cannot set the start offsets");
    std::this_thread::sleep_for(1s);  // the commit above is asynchronous
    (*c)->close();
  }
  std::fprintf(stderr, "process_bench: stocktracker process (group %s)\n", group.c_str());
  const auto t0 = Clock::now();
  const double broker_cpu_at_start = st::bench::cpu_seconds(broker);
  const pid_t pid = spawn({bin, "process", "--group", group, "--instance-id", "bench"});
  auto watcher = st::kafka::Consumer::create(bootstrap, group, {});
  if (!watcher) die(watcher.error().message);
  Clock::time_point first{};
  std::int64_t at_first = 0;
  double cpu = 0, broker_cpu = 0;
  for (;;) {
    auto committed = (*watcher)->committed_stable(after, 30s);
    std::int64_t done = 0;
    if (committed) {
      for (const auto& tp : *committed) {
        for (const auto& b0 : before) {
          if (b0.partition == tp.partition && tp.offset > b0.offset) done += tp.offset - b0.offset;
        }
      }
    }
    if (first == Clock::time_point{} && done > 0) {
      first = Clock::now();
      at_first = done;
    }
    if (done >= records) {
      cpu = st::bench::cpu_seconds(pid);
      broker_cpu = st::bench::cpu_seconds(broker) - broker_cpu_at_start;
      break;
    }
    if (Clock::now() - t0 > 10min) die("process did not finish in 10 minutes");
    std::this_thread::sleep_for(50ms);
  }
  const auto t_end = Clock::now();
  kill(pid, SIGTERM);
  wait_exit(pid);
  const double steady = static_cast<double>(records - at_first) / std::chrono::duration<double>(t_end - first).count();
  const double overall = static_cast<double>(records) / std::chrono::duration<double>(t_end - t0).count();

  std::printf("## process: throughput through Kafka\n\n");
  std::printf("%lld simulator ticks on `stock-prices` (50 symbols, 6 partitions), by `make bench` "
              "(bench/process_bench.cpp).\n\n",
              static_cast<long long>(records));
  std::printf("| what | records/s | ÷ bare loop |\n|---|---:|---:|\n");
  std::printf("| bare librdkafka consume loop (no decoding) | %.0f | 1.00× |\n", bare_rate);
  std::printf("| `stocktracker process`, exactly once, steady state | %.0f | %.2f× |\n", steady, steady / bare_rate);
  std::printf("| `stocktracker process`, including start-up and group join | %.0f | %.2f× |\n\n", overall,
              overall / bare_rate);
  std::printf("The processor used %.2f CPU-seconds: %.0f ticks per CPU-second (its own process, Kafka's "
              "broker not counted).\n\n",
              cpu, static_cast<double>(records) / cpu);
  // What the two cores allow: every record costs the consumer, the broker
  // and, for the processor, its work. With the CPU per record measured above
  // the rate cannot pass 2 cores / (CPU per record), whatever the code does.
  const double rec = static_cast<double>(records);
  std::printf("Where the CPU goes, per million records (CPU-seconds; the broker's over the processor's whole run, "
              "start-up included):\n\n");
  std::printf("| run | consumer or processor | broker | both | at most, on 2 cores |\n|---|---:|---:|---:|---:|\n");
  std::printf("| bare consume loop | %.2f | %.2f | %.2f | %.0f records/s |\n", bare_cpu / rec * 1e6,
              bare_broker_cpu / rec * 1e6, (bare_cpu + bare_broker_cpu) / rec * 1e6,
              2 * rec / (bare_cpu + bare_broker_cpu));
  std::printf("| `stocktracker process` | %.2f | %.2f | %.2f | %.0f records/s |\n", cpu / rec * 1e6,
              broker_cpu / rec * 1e6, (cpu + broker_cpu) / rec * 1e6, 2 * rec / (cpu + broker_cpu));
  if (const char* core = std::getenv("CORE_TICKS_PER_S"); core != nullptr && std::atof(core) > 0) {
    // The least any exactly-once processor can cost: the bare loop's consumer
    // and broker CPU plus the core's own work (processor_bench), nothing for
    // producing outputs or the transactions.
    const double floor_s = (bare_cpu + bare_broker_cpu) / rec + 1 / std::atof(core);
    std::printf("\nA lower bound for any processor here: the bare loop's consumer and broker CPU plus the core's "
                "work alone (processor_bench, %.2f M ticks/s), with outputs and transactions free: %.2f "
                "CPU-seconds per million records, so at most %.0f records/s on 2 cores, %.2f× the bare loop.\n",
                std::atof(core) / 1e6, floor_s * 1e6, 2 / floor_s, 2 / floor_s / bare_rate);
  }
  std::printf("\n");
  std::printf("Targets (TARGETS.md): ≥ 0.8× the bare loop, ≥ 1,000,000 ticks per CPU-second.\n\n");
  if (const char* skipped = std::getenv("FLINK_BASELINE_SKIPPED"); skipped != nullptr && *skipped != '\0') {
    std::printf("The Flink 2.x baseline was skipped: %s.\n\n", skipped);
  } else if (std::getenv("FLINK_BASELINE_CLASSPATH") != nullptr) {
    std::fprintf(stderr, "process_bench: the Flink 2.x baseline over the same records\n");
    if (auto f = run_flink(bootstrap, before, after)) {
      std::printf("**Flink 2.2 baseline** (bench/baselines/flink: the same 5-minute windows with allowed lateness "
                  "and late side output, and the default price-change rule, as a Flink job on a local MiniCluster "
                  "with parallelism %d, exactly once: checkpoints every second and transactional Kafka sinks), "
                  "over the same %lld records in the same run:\n\n",
                  f->parallelism, f->records);
      std::printf("| what | records/s | ticks per CPU-second |\n|---|---:|---:|\n");
      std::printf("| `stocktracker process`, including start-up and group join | %.0f | %.0f |\n", overall,
                  static_cast<double>(records) / cpu);
      std::printf("| Flink job, including MiniCluster start-up | %.0f | %.0f |\n\n",
                  static_cast<double>(f->records) / f->wall_s, static_cast<double>(f->records) / f->cpu_s);
      std::printf("Flink's CPU is its whole JVM (MiniCluster, JIT, Kafka clients); the processor's is its own "
                  "process. `stocktracker process` ÷ Flink: %.1f× records/s, %.1f× ticks per CPU-second.\n\n",
                  overall / (static_cast<double>(f->records) / f->wall_s),
                  (static_cast<double>(records) / cpu) / (static_cast<double>(f->records) / f->cpu_s));
    } else {
      std::printf("The Flink 2.x baseline was built but its run failed (its log: /tmp/process_bench_flink.log "
                  "on the machine that ran `make bench`).\n\n");
    }
  }
  return 0;
}
