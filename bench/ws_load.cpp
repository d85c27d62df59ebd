// ws_load: the WebSocket load client of the benchmark. Opens N connections
// to `stocktracker api`'s /ws, each following S symbols, measures the
// server's memory per idle connection (from /proc/<pid>/status), then
// produces ticks of those symbols to Kafka at a fixed rate and reports the
// messages delivered per second and the tick -> client latency (arrival
// time minus the tick's event time `ts`, which is its produce time; ms
// resolution, so figures carry up to +1 ms of rounding), and the server's
// CPU seconds meanwhile (bench/api_bench.sh compares messages per server
// CPU-second with the Socket.io baseline's).
//
//   ws_load --port 8080 --token <access token> --connections 10000 --symbols 20
//           --universe 200 --rate 10000 --seconds 20 --server-pid <api pid>
//
// Prints one JSON object on stdout. One io_context thread does all the
// clients (they only parse a few bytes per message), so the client is not
// what limits the figures on a small machine.
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
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

struct Options {
  std::uint16_t port = 8080;
  std::string token;
  int connections = 100;
  int symbols = 20;    // per connection
  int universe = 200;  // distinct symbols, BENCH0000..; connection i follows i, i+1, ... (mod universe)
  double rate = 1000;  // ticks produced per second, all symbols
  int seconds = 10;
  int server_pid = 0;
  std::string bootstrap = "127.0.0.1:9092";
  std::string prefix = "WSB";
};

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "ws_load: %s\nusage: ws_load --token T [--port P] [--connections N] [--symbols S] [--universe U]\n"
               "         [--rate TICKS_PER_S] [--seconds D] [--server-pid PID] [--bootstrap HOST:PORT] [--prefix P]\n",
               msg);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  if (const char* t = std::getenv("ST_WS_TOKEN")) o.token = t;
  if (const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS")) o.bootstrap = b;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--port") o.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (a == "--token") o.token = v;
    else if (a == "--connections") o.connections = std::stoi(v);
    else if (a == "--symbols") o.symbols = std::stoi(v);
    else if (a == "--universe") o.universe = std::stoi(v);
    else if (a == "--rate") o.rate = std::stod(v);
    else if (a == "--seconds") o.seconds = std::stoi(v);
    else if (a == "--server-pid") o.server_pid = std::stoi(v);
    else if (a == "--bootstrap") o.bootstrap = v;
    else if (a == "--prefix") o.prefix = v;
    else usage(("unknown option " + a).c_str());
  }
  if (o.token.empty()) usage("--token (or ST_WS_TOKEN) is required");
  if (o.connections < 1 || o.symbols < 1 || o.universe < o.symbols || o.rate <= 0 || o.seconds < 1) {
    usage("need connections >= 1, 1 <= symbols <= universe, rate > 0, seconds >= 1");
  }
  return o;
}

std::string symbol_name(const Options& o, int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", i % o.universe);
  return o.prefix + buf;
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

struct Stats {
  std::atomic<int> subscribed{0};
  std::atomic<int> failed{0};
  std::atomic<bool> measuring{false};
  std::uint64_t delivered = 0;  // io thread only
  Histogram latency;            // io thread only
};

/// One client connection: connect, handshake with the token, subscribe,
/// then read forever, timing each tick against its event time.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& ioc, const Options& o, int index, Stats& stats)
      : ws_(ioc), options_(o), index_(index), stats_(stats) {}

  void start() {
    ws_.next_layer().async_connect({asio::ip::make_address("127.0.0.1"), options_.port},
                                   [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

 private:
  void fail() { ++stats_.failed; }

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
    for (int s = 0; s < options_.symbols; ++s) {
      if (s > 0) subscribe_ += ',';
      subscribe_ += '"' + symbol_name(options_, index_ + s) + '"';
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
      if (stats_.measuring.load(std::memory_order_relaxed)) {
        ++stats_.delivered;
        if (const auto p = msg.find(R"("ts":)"); p != std::string_view::npos) {
          std::int64_t ts = 0;
          std::from_chars(msg.data() + p + 5, msg.data() + msg.size(), ts);
          const double now_ms =
              static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()) /
              1000.0;
          stats_.latency.add(now_ms - static_cast<double>(ts));
        }
      }
    } else if (msg.starts_with(R"({"type":"subscribed")")) {
      ++stats_.subscribed;
    }
    buffer_.consume(buffer_.size());
    read();
  }

  websocket::stream<tcp::socket> ws_;
  const Options& options_;
  int index_;
  Stats& stats_;
  std::string subscribe_;
  beast::flat_buffer buffer_;
};

void raise_fd_limit() {
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) == 0) {
    l.rlim_cur = l.rlim_max;
    setrlimit(RLIMIT_NOFILE, &l);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  raise_fd_limit();
  asio::io_context ioc;
  Stats stats;
  const std::size_t rss_before = o.server_pid > 0 ? rss_kib(o.server_pid) : 0;
  std::vector<std::shared_ptr<Client>> clients;
  clients.reserve(static_cast<std::size_t>(o.connections));
  for (int i = 0; i < o.connections; ++i) {
    clients.push_back(std::make_shared<Client>(ioc, o, i, stats));
    clients.back()->start();
  }
  std::thread io([&ioc] {
    auto guard = asio::make_work_guard(ioc);
    ioc.run();
  });

  const auto connect_deadline = std::chrono::steady_clock::now() + 120s;
  while (stats.subscribed.load() + stats.failed.load() < o.connections &&
         std::chrono::steady_clock::now() < connect_deadline) {
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(1s);  // let the server settle before reading its memory
  const std::size_t rss_idle = o.server_pid > 0 ? rss_kib(o.server_pid) : 0;

  auto producer = st::kafka::Producer::create(o.bootstrap, {{"linger.ms", "1"}});
  if (!producer) {
    std::fprintf(stderr, "ws_load: kafka: %s\n", producer.error().message.c_str());
    return 1;
  }
  // Warm up: the api's readers must be at the end of stock-prices.
  stats.measuring = true;
  const double cpu_start = o.server_pid > 0 ? cpu_seconds(o.server_pid) : 0;
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  std::uint64_t produced = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::seconds(o.seconds);
  auto next = start;
  while (std::chrono::steady_clock::now() < end) {
    const std::string symbol = symbol_name(o, static_cast<int>(produced % static_cast<std::uint64_t>(o.universe)));
    const st::model::PriceTick tick{symbol, 100.0 + static_cast<double>(produced % 1000) / 100.0, 1,
                                    st::SystemClock::instance().now_ms(), "ws_load", "USD"};
    (void)(*producer)->produce(st::model::topic::kStockPrices, symbol, st::model::encode(tick));
    ++produced;
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
    if (next > std::chrono::steady_clock::now()) std::this_thread::sleep_until(next);
    (*producer)->poll();
  }
  (void)(*producer)->flush(10s);
  std::this_thread::sleep_for(1s);  // the last ticks in flight
  stats.measuring = false;
  const double server_cpu = o.server_pid > 0 ? cpu_seconds(o.server_pid) - cpu_start : 0;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ioc.stop();
  io.join();

  // Every tick of a symbol goes to each connection following it; with
  // connection i following symbols i..i+S-1, each symbol has N*S/U followers.
  const double expected_per_tick = static_cast<double>(o.connections) * o.symbols / o.universe;
  std::printf(
      "{\"connections\":%d,\"connected\":%d,\"failed\":%d,\"symbols_per_connection\":%d,\"universe\":%d,"
      "\"ticks_produced\":%llu,\"ticks_per_s\":%.0f,\"delivered\":%llu,\"expected\":%.0f,\"delivered_per_s\":%.0f,"
      "\"latency_ms_p50\":%.1f,\"latency_ms_p99\":%.1f,\"latency_ms_max\":%.1f,"
      "\"server_rss_kib_before\":%zu,\"server_rss_kib_idle\":%zu,\"idle_kib_per_connection\":%.2f,"
      "\"server_cpu_s\":%.2f}\n",
      o.connections, stats.subscribed.load(), stats.failed.load(), o.symbols, o.universe,
      static_cast<unsigned long long>(produced), static_cast<double>(produced) / elapsed,
      static_cast<unsigned long long>(stats.delivered), expected_per_tick * static_cast<double>(produced),
      static_cast<double>(stats.delivered) / elapsed, stats.latency.quantile(0.5), stats.latency.quantile(0.99),
      stats.latency.quantile(1.0), rss_before, rss_idle,
      o.server_pid > 0 ? static_cast<double>(rss_idle - std::min(rss_idle, rss_before)) / o.connections : 0.0,
      server_cpu);
  return 0;
}
