// ws_ceiling: the leanest WebSocket fan-out server we can write, for the
// "bare fan-out ceiling" row of the WebSocket capacity benchmark
// (bench/api_bench.sh, docs/benchmarks.md). It answers the question "what
// does this machine allow at all?" for the same load the api and Socket.io
// carry: the same loopback connections, the same subscribe message, the
// same tick frames (the api's JSON, byte for byte in shape and size), read
// by the same client (bench/ws_load.cpp `--source server`) under the same
// sustained rule. What it leaves out is everything that is not the
// fan-out itself: no Kafka (ticks are generated in-process at the rate the
// client asks for), no authentication, no JSON parsing beyond the symbols,
// no per-connection queue or conflation, no rate limits, no keep-alive.
//
// One thread per core (--threads), each with its own SO_REUSEPORT listener
// and epoll set, owning the connections it accepted; no locks on the data
// path. Every thread generates the same tick sequence from the shared
// schedule (tick i is symbol i mod U, its send time in `volume` like
// ws_load's producer), encodes each tick's WebSocket frame once and writes
// it to each of its followers with one send() per connection per tick. A
// socket that is full keeps the rest in a buffer written on EPOLLOUT.
//
// Control (plain TCP on the same port, one line each way):
//   "RUN <step> <ticks/s> <seconds> <universe> <prefix>\n" -> "DONE <ticks>\n"
// once the step's ticks are generated.
//
//   ws_ceiling --port 18183 [--threads 2]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/websocket/detail/hybi13.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/codec.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kClockWrap = 10'000'000'000;  // as in ws_load: step * 1e10 + epoch µs mod 1e10
constexpr int kMaxUniverse = 10000;
// A client this far behind is dropped: the ceiling does not queue without
// bound either (ws_load reads everything it is sent, so it never is).
constexpr std::size_t kMaxPendingBytes = 4 << 20;

/// The step every thread generates ticks for; `seq` changes with each RUN.
struct Schedule {
  std::mutex mutex;
  std::atomic<std::uint64_t> seq{0};
  int step = 0;
  double rate = 0;
  Clock::time_point start;
  std::uint64_t total = 0;
  int universe = 1;
  std::string prefix;
};

std::int64_t epoch_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A server-to-client text frame: FIN, opcode, no mask.
void append_frame(std::string& out, std::string_view payload, unsigned char opcode = 0x1) {
  out += static_cast<char>(0x80 | opcode);
  const std::size_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  }
  out += payload;
}

std::string header_value(std::string_view request, std::string_view name) {
  // Case-insensitive "\r\n<name>:" search; enough for the load client's request.
  for (std::size_t p = request.find("\r\n"); p != std::string_view::npos; p = request.find("\r\n", p + 2)) {
    const auto line = request.substr(p + 2, request.find("\r\n", p + 2) - (p + 2));
    if (line.size() > name.size() && line[name.size()] == ':' &&
        std::equal(name.begin(), name.end(), line.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); })) {
      auto v = line.substr(name.size() + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return std::string(v);
    }
  }
  return {};
}

struct Conn {
  int fd = -1;
  enum class State : std::uint8_t { kNew, kOpen, kControl } state = State::kNew;
  bool dead = false;
  bool want_out = false;
  std::string in;
  std::string out;  // what the socket did not take yet
  std::vector<int> symbols;
};

class Worker {
 public:
  Worker(int port, Schedule& schedule) : schedule_(schedule) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 4096) != 0) {
      std::fprintf(stderr, "ws_ceiling: cannot listen on port %d: %s\n", port, std::strerror(errno));
      std::exit(1);
    }
    epoll_ = ::epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the listener
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listen_fd_, &ev);
    by_symbol_.resize(kMaxUniverse);
  }

  void run() {
    std::vector<epoll_event> events(1024);
    for (;;) {
      sync_schedule();
      const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), active_ ? 1 : 5);  // idle: a new step starts within 5 ms
      for (int i = 0; i < n; ++i) {
        auto* c = static_cast<Conn*>(events[static_cast<std::size_t>(i)].data.ptr);
        if (c == nullptr) {
          accept_all();
          continue;
        }
        if ((events[static_cast<std::size_t>(i)].events & EPOLLOUT) != 0) write_pending(*c);
        if ((events[static_cast<std::size_t>(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) read_from(*c);
      }
      if (active_) generate();
      reap();
    }
  }

 private:
  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK);
      if (fd < 0) return;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = c.get();
      ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
      conns_.push_back(std::move(c));
    }
  }

  void read_from(Conn& c) {
    char buf[16384];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) c.dead = true;
      break;
    }
    if (!c.dead) handle_input(c);
  }

  void handle_input(Conn& c) {
    if (c.state == Conn::State::kNew) {
      if (c.in.starts_with("RUN ")) {
        c.state = Conn::State::kControl;
      } else {
        const auto end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) return;
        const std::string request = c.in.substr(0, end + 2);
        c.in.erase(0, end + 4);
        boost::beast::websocket::detail::sec_ws_accept_type accept;
        boost::beast::websocket::detail::make_sec_ws_accept(accept, header_value(request, "Sec-WebSocket-Key"));
        std::string answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: ";
        answer.append(accept.data(), accept.size());
        answer += "\r\n";
        if (!header_value(request, "Sec-WebSocket-Protocol").empty()) answer += "Sec-WebSocket-Protocol: bearer\r\n";
        answer += "\r\n";
        send(c, answer);
        c.state = Conn::State::kOpen;
      }
    }
    if (c.state == Conn::State::kControl) return control(c);
    while (c.state == Conn::State::kOpen && !c.dead && read_frame(c)) {
    }
  }

  /// One client frame (masked, as RFC 6455 requires of clients), if whole.
  bool read_frame(Conn& c) {
    const auto* p = reinterpret_cast<const unsigned char*>(c.in.data());
    const std::size_t have = c.in.size();
    if (have < 2) return false;
    const unsigned opcode = p[0] & 0x0F;
    std::size_t len = p[1] & 0x7F;
    std::size_t h = 2;
    if (len == 126) {
      if (have < 4) return false;
      len = (std::size_t{p[2]} << 8) | p[3];
      h = 4;
    } else if (len == 127) {
      if (have < 10) return false;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      h = 10;
    }
    const bool masked = (p[1] & 0x80) != 0;
    const std::size_t mask_at = h;
    if (masked) h += 4;
    if (have < h + len) return false;
    std::string payload(c.in, h, len);
    if (masked) {
      for (std::size_t i = 0; i < len; ++i) payload[i] = static_cast<char>(payload[i] ^ c.in[mask_at + i % 4]);
    }
    c.in.erase(0, h + len);
    if (opcode == 0x1) {
      subscribe(c, payload);
    } else if (opcode == 0x9) {
      std::string pong;
      append_frame(pong, payload, 0xA);
      send(c, pong);
    } else if (opcode == 0x8) {
      std::string close;
      append_frame(close, payload.substr(0, 2), 0x8);
      send(c, close);
      c.dead = true;
    }
    return true;
  }

  /// {"type":"subscribe","symbols":["WSB0001",...]}: the symbols are the
  /// quoted strings after "symbols", each PREFIX followed by its index.
  void subscribe(Conn& c, const std::string& message) {
    const auto list = message.find(R"("symbols")");
    if (list == std::string::npos) return;
    std::string answer = R"({"type":"subscribed","symbols":[)";
    bool first = true;
    for (std::size_t q = message.find('"', list + 9); q != std::string::npos; q = message.find('"', q + 1)) {
      const std::size_t e = message.find('"', q + 1);
      if (e == std::string::npos) break;
      const std::string_view symbol(message.data() + q + 1, e - q - 1);
      q = e;
      std::size_t d = symbol.size();
      while (d > 0 && std::isdigit(static_cast<unsigned char>(symbol[d - 1])) != 0) --d;
      int index = 0;
      if (std::from_chars(symbol.data() + d, symbol.data() + symbol.size(), index).ec != std::errc{} || index < 0 ||
          index >= kMaxUniverse) {
        continue;
      }
      if (std::find(c.symbols.begin(), c.symbols.end(), index) == c.symbols.end()) {
        c.symbols.push_back(index);
        by_symbol_[static_cast<std::size_t>(index)].push_back(&c);
      }
      if (!first) answer += ',';
      first = false;
      answer += '"';
      answer += symbol;
      answer += '"';
    }
    answer += "]}";
    std::string frame;
    append_frame(frame, answer);
    send(c, frame);
  }

  void control(Conn& c) {
    const auto nl = c.in.find('\n');
    if (nl == std::string::npos) return;
    char prefix[32] = {};
    int step = 0;
    double rate = 0;
    double seconds = 0;
    int universe = 0;
    if (std::sscanf(c.in.c_str(), "RUN %d %lf %lf %d %31s", &step, &rate, &seconds, &universe, prefix) != 5 ||
        rate <= 0 || seconds <= 0 || universe < 1 || universe > kMaxUniverse) {
      send(c, "ERROR\n");
      c.dead = true;
      return;
    }
    c.in.erase(0, nl + 1);
    {
      std::lock_guard lock(schedule_.mutex);
      schedule_.step = step;
      schedule_.rate = rate;
      schedule_.start = Clock::now();
      schedule_.total = static_cast<std::uint64_t>(std::llround(rate * seconds));
      schedule_.universe = universe;
      schedule_.prefix = prefix;
      schedule_.seq.fetch_add(1);
    }
    control_ = &c;
    control_seq_ = schedule_.seq.load();
  }

  void sync_schedule() {
    const auto seq = schedule_.seq.load(std::memory_order_acquire);
    if (seq == seen_seq_) return;
    std::lock_guard lock(schedule_.mutex);
    seen_seq_ = schedule_.seq.load();
    step_ = schedule_.step;
    rate_ = schedule_.rate;
    start_ = schedule_.start;
    total_ = schedule_.total;
    universe_ = schedule_.universe;
    prefix_ = schedule_.prefix;
    produced_ = 0;
    active_ = true;
  }

  /// The ticks due by now: each encoded once, then one send per follower.
  void generate() {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const auto due = std::min(total_, static_cast<std::uint64_t>(elapsed * rate_));
    std::string frame;
    char symbol[32];
    for (; produced_ < due; ++produced_) {
      const int index = static_cast<int>(produced_ % static_cast<std::uint64_t>(universe_));
      std::snprintf(symbol, sizeof symbol, "%s%04d", prefix_.c_str(), index);
      const st::model::PriceTick tick{symbol, 100.0 + static_cast<double>(produced_ % 1000) / 100.0,
                                      static_cast<std::int64_t>(step_) * kClockWrap + epoch_us() % kClockWrap,
                                      st::SystemClock::instance().now_ms(), "ws_load", "USD"};
      std::string json = R"({"type":"tick","data":)";
      json += st::model::encode(tick);
      json += '}';
      frame.clear();
      append_frame(frame, json);
      for (Conn* c : by_symbol_[static_cast<std::size_t>(index)]) {
        if (!c->dead) send(*c, frame);
      }
    }
    if (produced_ >= total_) {
      active_ = false;
      if (control_ != nullptr && control_seq_ == seen_seq_ && !control_->dead) {
        send(*control_, "DONE " + std::to_string(total_) + "\n");
      }
    }
  }

  void send(Conn& c, std::string_view bytes) {
    if (c.dead) return;
    if (!c.out.empty()) {
      if (c.out.size() + bytes.size() > kMaxPendingBytes) {
        c.dead = true;
        return;
      }
      c.out += bytes;
      return;
    }
    const ssize_t n = ::send(c.fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      c.dead = true;
      return;
    }
    const auto sent = static_cast<std::size_t>(std::max<ssize_t>(n, 0));
    if (sent == bytes.size()) return;
    c.out.assign(bytes.substr(sent));
    watch_out(c, true);
  }

  void write_pending(Conn& c) {
    while (!c.out.empty() && !c.dead) {
      const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.dead = true;
        return;
      }
      c.out.erase(0, static_cast<std::size_t>(n));
    }
    if (c.out.empty()) {
      std::string().swap(c.out);
      watch_out(c, false);
    }
  }

  void watch_out(Conn& c, bool on) {
    if (c.want_out == on) return;
    c.want_out = on;
    epoll_event ev{};
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0U);
    ev.data.ptr = &c;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void reap() {
    if (std::none_of(conns_.begin(), conns_.end(), [](const auto& c) { return c->dead; })) return;
    for (auto& c : conns_) {
      if (!c->dead) continue;
      for (const int s : c->symbols) std::erase(by_symbol_[static_cast<std::size_t>(s)], c.get());
      if (control_ == c.get()) control_ = nullptr;
      ::close(c->fd);  // also leaves the epoll set
    }
    std::erase_if(conns_, [](const auto& c) { return c->dead; });
  }

  Schedule& schedule_;
  int listen_fd_ = -1;
  int epoll_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::vector<Conn*>> by_symbol_;
  Conn* control_ = nullptr;
  std::uint64_t control_seq_ = 0;
  std::uint64_t seen_seq_ = 0;
  bool active_ = false;
  int step_ = 0;
  double rate_ = 0;
  Clock::time_point start_;
  std::uint64_t total_ = 0;
  std::uint64_t produced_ = 0;
  int universe_ = 1;
  std::string prefix_;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view a = argv[i];
    if (a == "--port") port = std::atoi(argv[i + 1]);
    else if (a == "--threads") threads = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "usage: ws_ceiling --port P [--threads N]\n");
      return 2;
    }
  }
  if (port <= 0) {
    std::fprintf(stderr, "usage: ws_ceiling --port P [--threads N]\n");
    return 2;
  }
  rlimit l{};
  if (getrlimit(RLIMIT_NOFILE, &l) == 0) {
    l.rlim_cur = l.rlim_max;
    setrlimit(RLIMIT_NOFILE, &l);
  }
  Schedule schedule;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) workers.push_back(std::make_unique<Worker>(port, schedule));
  std::fprintf(stderr, "ws_ceiling: listening on 127.0.0.1:%d, %d threads\n", port, threads);
  std::vector<std::jthread> running;
  for (auto& w : workers) running.emplace_back([&w] { w->run(); });
  return 0;  // never reached: the threads run until the process is stopped (SIGTERM)
}
