// ws_load: the WebSocket load client of the benchmark (bench/api_bench.sh),
// against `stocktracker api`'s /ws. Two modes, each printing one JSON
// object on stdout:
//
// --mode fanout (default): capacity. Opens N connections, connection i
//   following symbols i..i+S-1 of a universe of U, measures the server's
//   memory per idle connection (from /proc/<pid>/status), then produces
//   ticks of those symbols to Kafka in steps: --rate ticks/s for --seconds,
//   then the rate times --step-factor, and so on. A step is sustained when
//   at least --min-delivered of the expected messages arrived with p99 within
//   --p99-ms; the steps stop past capacity (messages missing, or two
//   unsustained steps in a row) or when the next rate passes --max-rate.
//   Each step
//   reports delivered messages/s, latency p50/p99/max and the server's CPU
//   seconds; "max_sustained_*" is the best sustained step. At a fixed rate
//   both servers deliver everything, which says nothing about capacity;
//   the steps find how much each can carry within the same p99 bound.
//
// --mode latency: tick -> WebSocket client latency against a raw Kafka
//   produce -> consume baseline in the same run. N connections follow S
//   disjoint symbols each (N*S symbols, each tick goes to one client);
//   ticks of those symbols are produced at --rate for --seconds, and a bare
//   librdkafka consumer of stock-prices (assigned at its end, no group, the
//   api reader's settings) times the same ticks. Both latencies are from
//   the produce call to arrival.
//
// Every tick carries its send time, in microseconds, in `volume`
// (step * 1e10 + epoch microseconds mod 1e10): the api forwards the tick
// unchanged, and `ts` has only millisecond resolution. The step number also
// lets a late arrival count for the step that sent it.
//
//   ws_load --port 8080 --token <access token> --connections 10000 --symbols 20
//           --universe 200 --rate 10 --step-factor 1.5 --max-rate 2000 --seconds 5 --server-pid <api pid>
//   ws_load --mode latency --port 8080 --token T --connections 20 --symbols 50 --rate 10000 --seconds 10
//
// --threads io threads share the clients (they only parse a few bytes per
// message); the default 1 leaves the other core to the server.
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr std::int64_t kClockWrap = 10'000'000'000;  // microseconds in the send-time part of `volume`
constexpr int kMaxSteps = 40;
constexpr int kWarmupStep = kMaxSteps;  // ticks of the warm-up are tagged with it and not counted

struct Options {
  bool latency_mode = false;
  std::uint16_t port = 8080;
  std::string token;
  int connections = 100;
  int symbols = 20;    // per connection
  int universe = 200;  // fanout: distinct symbols PREFIX0000..; connection i follows i, i+1, ... (mod universe)
  double rate = 1000;  // ticks produced per second, all symbols (the first step)
  double step_factor = 1;  // 1: one step only
  double max_rate = 0;     // 0: the first rate only
  int seconds = 10;        // per step
  double p99_bound_ms = 50;
  double min_delivered = 0.98;
  int threads = 1;
  int server_pid = 0;
  std::string bootstrap = "127.0.0.1:9092";
  std::string prefix = "WSB";
};

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "ws_load: %s\nusage: ws_load --token T [--mode fanout|latency] [--port P] [--connections N] [--symbols S]\n"
               "         [--universe U] [--rate TICKS_PER_S] [--step-factor F] [--max-rate R] [--seconds D]\n"
               "         [--p99-ms MS] [--min-delivered FRACTION] [--threads T] [--server-pid PID]\n"
               "         [--bootstrap HOST:PORT] [--prefix P]\n",
               msg);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  if (const char* t = std::getenv("ST_WS_TOKEN")) o.token = t;
  if (const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS")) o.bootstrap = b;
  bool universe_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--mode") {
      if (v != "fanout" && v != "latency") usage("--mode must be fanout or latency");
      o.latency_mode = v == "latency";
    } else if (a == "--port") o.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (a == "--token") o.token = v;
    else if (a == "--connections") o.connections = std::stoi(v);
    else if (a == "--symbols") o.symbols = std::stoi(v);
    else if (a == "--universe") { o.universe = std::stoi(v); universe_given = true; }
    else if (a == "--rate") o.rate = std::stod(v);
    else if (a == "--step-factor") o.step_factor = std::stod(v);
    else if (a == "--max-rate") o.max_rate = std::stod(v);
    else if (a == "--seconds") o.seconds = std::stoi(v);
    else if (a == "--p99-ms") o.p99_bound_ms = std::stod(v);
    else if (a == "--min-delivered") o.min_delivered = std::stod(v);
    else if (a == "--threads") o.threads = std::stoi(v);
    else if (a == "--server-pid") o.server_pid = std::stoi(v);
    else if (a == "--bootstrap") o.bootstrap = v;
    else if (a == "--prefix") o.prefix = v;
    else usage(("unknown option " + a).c_str());
  }
  if (o.token.empty()) usage("--token (or ST_WS_TOKEN) is required");
  if (o.latency_mode) {
    if (universe_given && o.universe != o.connections * o.symbols) usage("--mode latency: the universe is connections * symbols");
    o.universe = o.connections * o.symbols;
  }
  if (o.connections < 1 || o.symbols < 1 || o.universe < o.symbols || o.rate <= 0 || o.seconds < 1 ||
      o.step_factor < 1 || o.threads < 1 || o.universe > 10000) {
    usage("need connections >= 1, 1 <= symbols <= universe <= 10000, rate > 0, seconds >= 1, step-factor >= 1, threads >= 1");
  }
  return o;
}

std::string symbol_name(const Options& o, int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", i % o.universe);
  return o.prefix + buf;
}

/// The symbols connection `index` follows: overlapping windows (fanout,
/// N*S/U followers per symbol) or disjoint blocks (latency, one follower).
std::vector<std::string> symbols_of(const Options& o, int index) {
  std::vector<std::string> out;
  for (int s = 0; s < o.symbols; ++s) out.push_back(symbol_name(o, o.latency_mode ? index * o.symbols + s : index + s));
  return out;
}

std::int64_t epoch_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t send_tag(int step) { return static_cast<std::int64_t>(step) * kClockWrap + epoch_us() % kClockWrap; }

struct Arrival {
  int step = 0;
  double latency_ms = 0;
};

/// The step and the latency of a tick frame or message, from its `volume`.
std::optional<Arrival> arrival_of(std::string_view msg) {
  const auto p = msg.find(R"("volume":)");
  if (p == std::string_view::npos) return std::nullopt;
  std::int64_t tag = 0;
  if (std::from_chars(msg.data() + p + 9, msg.data() + msg.size(), tag).ec != std::errc{}) return std::nullopt;
  std::int64_t elapsed = epoch_us() % kClockWrap - tag % kClockWrap;
  if (elapsed < 0) elapsed += kClockWrap;
  return Arrival{static_cast<int>(tag / kClockWrap), static_cast<double>(elapsed) / 1000.0};
}

std::size_t rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6));
  }
  return 0;
}

/// CPU time (user + system) the process has used, from /proc/<pid>/stat:
/// delivered messages per server CPU-second compare servers fairly on a
/// machine whose cores the load clients and Kafka share.
double cpu_seconds(int pid) {
  if (pid <= 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto paren = line.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return 0;
  std::istringstream fields(line.substr(paren + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  double utime = 0;
  double stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// Latencies in 0.1 ms buckets up to 10 s.
class Histogram {
 public:
  void add(double ms) {
    const auto b = static_cast<std::size_t>(std::clamp(ms, 0.0, 9999.9) * 10);
    ++buckets_[b];
    ++count_;
  }
  void merge(const Histogram& other) {
    for (std::size_t b = 0; b < buckets_.size(); ++b) buckets_[b] += other.buckets_[b];
    count_ += other.count_;
  }
  [[nodiscard]] double quantile(double q) const {
    if (count_ == 0) return 0;
    const auto target = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
      seen += buckets_[b];
      if (seen >= target) return static_cast<double>(b) / 10;
    }
    return 10'000;
  }
  [[nodiscard]] std::uint64_t count() const { return count_; }

 private:
  std::vector<std::uint64_t> buckets_ = std::vector<std::uint64_t>(100'000);
  std::uint64_t count_ = 0;
};

/// Arrivals per step, of one io thread (its clients write, the main thread
/// reads between steps).
struct ThreadStats {
  std::mutex mutex;
  std::vector<std::unique_ptr<Histogram>> steps = std::vector<std::unique_ptr<Histogram>>(kMaxSteps);
  std::chrono::steady_clock::time_point last_arrival;

  void add(const Arrival& a) {
    if (a.step < 0 || a.step >= kMaxSteps) return;  // the warm-up
    std::lock_guard lock(mutex);
    auto& h = steps[static_cast<std::size_t>(a.step)];
    if (!h) h = std::make_unique<Histogram>();
    h->add(a.latency_ms);
    last_arrival = std::chrono::steady_clock::now();
  }
};

struct Connections {
  std::atomic<int> subscribed{0};
  std::atomic<int> failed{0};
};

/// One client connection: connect, handshake with the token, subscribe,
/// then read until the end, timing each tick.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& ioc, const Options& o, int index, Connections& conns, ThreadStats& stats)
      : ws_(ioc), options_(o), index_(index), conns_(conns), stats_(stats) {}

  void start() {
    ws_.next_layer().async_connect({asio::ip::make_address("127.0.0.1"), options_.port},
                                   [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

 private:
  void fail() {
    if (!counted_) ++conns_.failed;
    counted_ = true;
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail();
    ws_.next_layer().set_option(tcp::no_delay(true));
    const std::string protocols = "bearer, " + options_.token;
    ws_.set_option(websocket::stream_base::decorator(
        [protocols](websocket::request_type& req) { req.set(beast::http::field::sec_websocket_protocol, protocols); }));
    ws_.async_handshake("127.0.0.1", "/ws", [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail();
    subscribe_ = R"({"type":"subscribe","symbols":[)";
    const auto symbols = symbols_of(options_, index_);
    for (std::size_t s = 0; s < symbols.size(); ++s) {
      if (s > 0) subscribe_ += ',';
      subscribe_ += '"';
      subscribe_ += symbols[s];
      subscribe_ += '"';
    }
    subscribe_ += "]}";
    ws_.text(true);
    ws_.async_write(asio::buffer(subscribe_), [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (e) return self->fail();
      self->read();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail();
    const auto data = buffer_.cdata();
    const std::string_view msg(static_cast<const char*>(data.data()), data.size());
    if (msg.starts_with(R"({"type":"tick")")) {
      if (auto a = arrival_of(msg)) stats_.add(*a);
    } else if (msg.starts_with(R"({"type":"subscribed")") && !counted_) {
      counted_ = true;
      ++conns_.subscribed;
    }
    buffer_.consume(buffer_.size());
    read();
  }

  websocket::stream<tcp::socket> ws_;
  const Options& options_;
  int index_;
  Connections& conns_;
  ThreadStats& stats_;
  std::string subscribe_;
  beast::flat_buffer buffer_;
  bool counted_ = false;
};

void raise_fd_limit() {
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) == 0) {
    l.rlim_cur = l.rlim_max;
    setrlimit(RLIMIT_NOFILE, &l);
  }
}

/// The client connections on --threads io threads.
class ClientPool {
 public:
  explicit ClientPool(const Options& o) : options_(o) {
    for (int t = 0; t < o.threads; ++t) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      stats_.push_back(std::make_unique<ThreadStats>());
    }
    for (int i = 0; i < o.connections; ++i) {
      const auto t = static_cast<std::size_t>(i % o.threads);
      clients_.push_back(std::make_shared<Client>(*contexts_[t], o, i, conns_, *stats_[t]));
      clients_.back()->start();
    }
    for (auto& ioc : contexts_) {
      threads_.emplace_back([&ioc = *ioc] {
        auto guard = asio::make_work_guard(ioc);
        ioc.run();
      });
    }
  }
  ~ClientPool() {
    for (auto& ioc : contexts_) ioc->stop();
    for (auto& t : threads_) t.join();
  }
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  /// Until every connection is subscribed or failed (at most 120 s).
  void wait_connected() const {
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (conns_.subscribed.load() + conns_.failed.load() < options_.connections &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
  }
  [[nodiscard]] int subscribed() const { return conns_.subscribed.load(); }
  [[nodiscard]] int failed() const { return conns_.failed.load(); }

  /// The arrivals of `step` so far, merged over the threads.
  [[nodiscard]] Histogram step(int step) const {
    Histogram all;
    for (const auto& s : stats_) {
      std::lock_guard lock(s->mutex);
      if (const auto& h = s->steps[static_cast<std::size_t>(step)]) all.merge(*h);
    }
    return all;
  }
  [[nodiscard]] std::chrono::steady_clock::time_point last_arrival() const {
    std::chrono::steady_clock::time_point last{};
    for (const auto& s : stats_) {
      std::lock_guard lock(s->mutex);
      last = std::max(last, s->last_arrival);
    }
    return last;
  }

 private:
  const Options& options_;
  Connections conns_;
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<std::unique_ptr<ThreadStats>> stats_;
  std::vector<std::shared_ptr<Client>> clients_;
  std::vector<std::thread> threads_;
};

/// Produces ticks of the universe, round robin, at `rate` for `duration`,
/// each tagged with `step`; returns how many.
std::uint64_t produce(st::kafka::Producer& producer, const Options& o, double rate, std::chrono::milliseconds duration,
                      int step) {
  std::uint64_t produced = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + duration;
  // In slices of 1 ms: sleeping per tick cannot keep 10,000 ticks/s.
  for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
    const auto due = static_cast<std::uint64_t>(std::chrono::duration<double>(now - start).count() * rate);
    for (; produced < due; ++produced) {
      const std::string symbol = symbol_name(o, static_cast<int>(produced % static_cast<std::uint64_t>(o.universe)));
      const st::model::PriceTick tick{symbol, 100.0 + static_cast<double>(produced % 1000) / 100.0, send_tag(step),
                                      st::SystemClock::instance().now_ms(), "ws_load", "USD"};
      (void)producer.produce(st::model::topic::kStockPrices, symbol, st::model::encode(tick));
    }
    producer.poll();
    std::this_thread::sleep_for(1ms);
  }
  return produced;
}

/// Waits until arrivals stop (none for 300 ms), at most `cap` after `since`.
void drain(const ClientPool& pool, std::chrono::steady_clock::time_point since, std::chrono::milliseconds cap) {
  std::this_thread::sleep_for(300ms);
  while (std::chrono::steady_clock::now() < since + cap &&
         std::chrono::steady_clock::now() - pool.last_arrival() < 300ms) {
    std::this_thread::sleep_for(50ms);
  }
}

struct StepResult {
  double rate = 0;
  std::uint64_t produced = 0;
  double expected = 0;
  std::uint64_t delivered = 0;
  double delivered_per_s = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
  double server_cpu_s = 0;
  bool sustained = false;
};

std::unique_ptr<st::kafka::Producer> make_producer(const Options& o) {
  // linger.ms=0: the benchmark measures the path after the produce call;
  // the raw baseline of latency mode pays the same producer.
  auto producer = st::kafka::Producer::create(o.bootstrap, {{"linger.ms", "0"}});
  if (!producer) {
    std::fprintf(stderr, "ws_load: kafka: %s\n", producer.error().message.c_str());
    std::exit(1);
  }
  return std::move(*producer);
}

int run_fanout(const Options& o) {
  const std::size_t rss_before = o.server_pid > 0 ? rss_kib(o.server_pid) : 0;
  ClientPool pool(o);
  pool.wait_connected();
  std::this_thread::sleep_for(1s);  // let the server settle before reading its memory
  const std::size_t rss_idle = o.server_pid > 0 ? rss_kib(o.server_pid) : 0;

  auto producer = make_producer(o);
  // Warm-up (not counted): the producer's connections and the server's readers.
  produce(*producer, o, std::min(o.rate, 100.0), 1s, kWarmupStep);
  (void)producer->flush(10s);
  std::this_thread::sleep_for(500ms);

  // Every tick of a symbol goes to each connection following it; with
  // connection i following symbols i..i+S-1, each symbol has N*S/U followers.
  const double followers = static_cast<double>(o.connections) * o.symbols / o.universe;
  std::vector<StepResult> steps;
  double rate = o.rate;
  int unsustained_in_a_row = 0;
  for (int step = 0; step < kMaxSteps; ++step) {
    StepResult r;
    r.rate = rate;
    const double cpu_start = cpu_seconds(o.server_pid);
    const auto start = std::chrono::steady_clock::now();
    r.produced = produce(*producer, o, rate, std::chrono::seconds(o.seconds), step);
    (void)producer->flush(10s);
    drain(pool, start + std::chrono::seconds(o.seconds), 5s);
    r.server_cpu_s = cpu_seconds(o.server_pid) - cpu_start;
    const Histogram h = pool.step(step);
    r.expected = followers * static_cast<double>(r.produced);
    r.delivered = h.count();
    r.delivered_per_s = static_cast<double>(r.delivered) / o.seconds;
    r.p50 = h.quantile(0.5);
    r.p99 = h.quantile(0.99);
    r.max = h.quantile(1.0);
    r.sustained = static_cast<double>(r.delivered) >= o.min_delivered * r.expected && r.p99 <= o.p99_bound_ms;
    std::fprintf(stderr, "ws_load: step %d: %.0f ticks/s, %.0f delivered/s (%.1f%% of expected), p99 %.1f ms%s\n",
                 step, rate, r.delivered_per_s, r.expected > 0 ? 100.0 * static_cast<double>(r.delivered) / r.expected : 0.0,
                 r.p99, r.sustained ? "" : ": not sustained");
    steps.push_back(r);
    rate *= o.step_factor;
    // Past capacity: messages missing, or two steps in a row not sustained
    // (one p99 over the bound may be a neighbour's burst on a shared
    // machine; a server past its capacity stays over it).
    const bool saturated = static_cast<double>(r.delivered) < o.min_delivered * r.expected;
    unsustained_in_a_row = r.sustained ? 0 : unsustained_in_a_row + 1;
    if (saturated || unsustained_in_a_row >= 2 || o.step_factor <= 1 || rate > o.max_rate) break;
  }

  const StepResult* best = nullptr;
  for (const auto& s : steps) {
    if (s.sustained && (best == nullptr || s.delivered_per_s > best->delivered_per_s)) best = &s;
  }
  const StepResult& first = steps.front();
  std::string steps_json = "[";
  for (const auto& s : steps) {
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "%s{\"ticks_per_s\":%.0f,\"ticks_produced\":%llu,\"expected\":%.0f,\"delivered\":%llu,"
                  "\"delivered_per_s\":%.0f,\"latency_ms_p50\":%.1f,\"latency_ms_p99\":%.1f,\"latency_ms_max\":%.1f,"
                  "\"server_cpu_s\":%.2f,\"sustained\":%s}",
                  steps_json.size() > 1 ? "," : "", s.rate, static_cast<unsigned long long>(s.produced), s.expected,
                  static_cast<unsigned long long>(s.delivered), s.delivered_per_s, s.p50, s.p99, s.max, s.server_cpu_s,
                  s.sustained ? "true" : "false");
    steps_json += buf;
  }
  steps_json += "]";
  // The first step's figures keep the flat fields of a one-rate run.
  std::printf(
      "{\"mode\":\"fanout\",\"connections\":%d,\"connected\":%d,\"failed\":%d,\"symbols_per_connection\":%d,"
      "\"universe\":%d,\"seconds_per_step\":%d,\"p99_bound_ms\":%.1f,\"min_delivered\":%.2f,"
      "\"ticks_produced\":%llu,\"ticks_per_s\":%.0f,\"delivered\":%llu,\"expected\":%.0f,\"delivered_per_s\":%.0f,"
      "\"latency_ms_p50\":%.1f,\"latency_ms_p99\":%.1f,\"latency_ms_max\":%.1f,\"server_cpu_s\":%.2f,"
      "\"max_sustained_ticks_per_s\":%.0f,\"max_sustained_delivered_per_s\":%.0f,\"max_sustained_latency_ms_p99\":%.1f,"
      "\"max_sustained_server_cpu_s\":%.2f,"
      "\"server_rss_kib_before\":%zu,\"server_rss_kib_idle\":%zu,\"idle_kib_per_connection\":%.2f,\"steps\":%s}\n",
      o.connections, pool.subscribed(), pool.failed(), o.symbols, o.universe, o.seconds, o.p99_bound_ms,
      o.min_delivered, static_cast<unsigned long long>(first.produced), first.rate,
      static_cast<unsigned long long>(first.delivered), first.expected, first.delivered_per_s, first.p50, first.p99,
      first.max, first.server_cpu_s, best ? best->rate : 0.0, best ? best->delivered_per_s : 0.0, best ? best->p99 : 0.0,
      best ? best->server_cpu_s : 0.0, rss_before, rss_idle,
      o.server_pid > 0 ? static_cast<double>(rss_idle - std::min(rss_idle, rss_before)) / o.connections : 0.0,
      steps_json.c_str());
  return 0;
}

/// A bare librdkafka consumer of stock-prices from its end: no group, the
/// api reader's settings (read_committed, fetch.wait.max.ms=50), timing the
/// ticks whose key starts with the run's prefix.
class RawConsumer {
 public:
  RawConsumer(const Options& o, const std::vector<st::kafka::TopicPartition>& ends) : prefix_(o.prefix) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::pair<const char*, std::string> props[] = {{"bootstrap.servers", o.bootstrap},
                                                         {"group.id", "ws-load-raw"},
                                                         {"enable.auto.commit", "false"},
                                                         {"isolation.level", "read_committed"},
                                                         {"fetch.wait.max.ms", "50"},
                                                         {"enable.partition.eof", "false"}};
    for (const auto& [k, v] : props) {
      if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        std::fprintf(stderr, "ws_load: raw consumer: %s\n", err);
        std::exit(1);
      }
    }
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (rk_ == nullptr) {
      std::fprintf(stderr, "ws_load: raw consumer: %s\n", err);
      std::exit(1);
    }
    rd_kafka_poll_set_consumer(rk_);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(ends.size()));
    for (const auto& tp : ends) rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = tp.offset;
    rd_kafka_assign(rk_, list);  // assign: no group coordination, like the api's reader
    rd_kafka_topic_partition_list_destroy(list);
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  }
  ~RawConsumer() {
    stop();
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }
  RawConsumer(const RawConsumer&) = delete;
  RawConsumer& operator=(const RawConsumer&) = delete;

  void stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
  }
  /// The arrivals of `step`; call after stop().
  [[nodiscard]] Histogram step(int step) const {
    const auto& h = stats_.steps[static_cast<std::size_t>(step)];
    return h ? *h : Histogram{};
  }

 private:
  void run(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->key_len >= prefix_.size() &&
          std::string_view(static_cast<const char*>(m->key), prefix_.size()) == prefix_) {
        if (auto a = arrival_of(std::string_view(static_cast<const char*>(m->payload), m->len))) stats_.add(*a);
      }
      rd_kafka_message_destroy(m);
    }
  }

  std::string prefix_;
  rd_kafka_t* rk_ = nullptr;
  ThreadStats stats_;  // its thread writes; read after it stopped
  std::jthread thread_;
};

int run_latency(const Options& o) {
  auto admin = st::kafka::Admin::create(o.bootstrap);
  auto ends = admin ? (*admin)->end_offsets(std::string(st::model::topic::kStockPrices), 10s)
                    : st::Result<std::vector<st::kafka::TopicPartition>>(std::unexpected(admin.error()));
  if (!ends) {
    std::fprintf(stderr, "ws_load: kafka: %s\n", ends.error().message.c_str());
    return 1;
  }
  ClientPool pool(o);
  pool.wait_connected();
  std::optional<RawConsumer> raw;
  raw.emplace(o, *ends);
  auto producer = make_producer(o);
  // Warm-up (not counted): connections, fetch sessions, the api's readers.
  produce(*producer, o, o.rate, 2s, kWarmupStep);
  (void)producer->flush(10s);
  std::this_thread::sleep_for(500ms);

  const double cpu_start = cpu_seconds(o.server_pid);
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t produced = produce(*producer, o, o.rate, std::chrono::seconds(o.seconds), 0);
  (void)producer->flush(10s);
  drain(pool, start + std::chrono::seconds(o.seconds), 5s);
  const double server_cpu = cpu_seconds(o.server_pid) - cpu_start;
  const Histogram ws = pool.step(0);
  raw->stop();
  const Histogram kafka = raw->step(0);
  std::printf(
      "{\"mode\":\"latency\",\"connections\":%d,\"connected\":%d,\"failed\":%d,\"symbols_per_connection\":%d,"
      "\"universe\":%d,\"ticks_produced\":%llu,\"ticks_per_s\":%.0f,\"seconds\":%d,"
      "\"ws_delivered\":%llu,\"ws_latency_ms_p50\":%.2f,\"ws_latency_ms_p99\":%.2f,\"ws_latency_ms_max\":%.2f,"
      "\"kafka_delivered\":%llu,\"kafka_latency_ms_p50\":%.2f,\"kafka_latency_ms_p99\":%.2f,"
      "\"kafka_latency_ms_max\":%.2f,\"server_cpu_s\":%.2f}\n",
      o.connections, pool.subscribed(), pool.failed(), o.symbols, o.universe, static_cast<unsigned long long>(produced),
      static_cast<double>(produced) / o.seconds, o.seconds, static_cast<unsigned long long>(ws.count()),
      ws.quantile(0.5), ws.quantile(0.99), ws.quantile(1.0), static_cast<unsigned long long>(kafka.count()),
      kafka.quantile(0.5), kafka.quantile(0.99), kafka.quantile(1.0), server_cpu);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  raise_fd_limit();
  return o.latency_mode ? run_latency(o) : run_fanout(o);
}
