#include "harness.hpp"

#include <boost/json/parse.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"

extern char** environ;

namespace st::itest {

std::string binary() {
  const char* dir = std::getenv("ST_BINARY_DIR");
  if (dir == nullptr) throw std::runtime_error("ST_BINARY_DIR is not set (run through ctest)");
  return std::string(dir) + "/app/stocktracker";
}

Child::Child(const std::vector<std::string>& args, const std::map<std::string, std::string>& env)
    : Child(Program{binary()}, args, env) {}

Child::Child(const Program& program, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env) {
  static std::atomic<int> seq{0};
  log_ = "/tmp/stocktracker-itest-" + std::to_string(::getpid()) + "-" + std::to_string(seq++) + ".log";
  std::vector<std::string> argv_s = {program.path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv(*e);
    if (!env.contains(kv.substr(0, kv.find('=')))) env_s.push_back(kv);
  }
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  // fork + exec rather than posix_spawn, to ask the kernel to kill the
  // child when the test process dies: a crashed test must not leave
  // services running that would join the next test's consumer groups.
  // Between fork and exec only async-signal-safe calls.
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed for " + argv_s[0]);
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
}

Child::~Child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void Child::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Child::wait(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

std::string Child::log_tail() const {
  std::ifstream in(log_);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string all = buf.str();
  return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

int run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  Child c(args, env);
  return c.wait(std::chrono::seconds(120));
}

std::string unique_tag() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  auto v = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
           (static_cast<std::uint64_t>(::getpid()) << 40);
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out.push_back(kChars[v % 36]);
    v /= 36;
  }
  return out;
}

pg::Connection db() {
  const char* url = std::getenv("DATABASE_URL");
  auto c = pg::Connection::connect(url != nullptr ? url
                                                  : "postgresql://stocktracker:stocktracker@127.0.0.1:5432/stocktracker");
  if (!c) throw std::runtime_error(c.error().message);
  return std::move(*c);
}

std::int64_t query_int(pg::Connection& conn, const std::string& sql, const pg::Params& params) {
  auto r = conn.exec(sql, params);
  if (!r) throw std::runtime_error(r.error().message);
  return r->size() == 0 || r->is_null(0, 0) ? 0 : r->get_int(0, 0);
}

bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

std::optional<HttpResponse> http_request(std::uint16_t port, const std::string& method, const std::string& target,
                                         const HttpHeaders& headers, const std::string& body,
                                         const std::string& source_ip) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  if (!source_ip.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = 0;
    if (::inet_pton(AF_INET, source_ip.c_str(), &local.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ::close(fd);
      return std::nullopt;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    has_type = has_type || k == "Content-Type";
  }
  if (!body.empty() && !has_type) req += "Content-Type: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  for (std::size_t sent = 0; sent < req.size();) {
    const ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return std::nullopt;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buf[65536];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) raw.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  const auto header_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || header_end == std::string::npos) return std::nullopt;
  HttpResponse res;
  res.status = std::atoi(raw.substr(9, 3).c_str());
  res.body = raw.substr(header_end + 4);
  for (std::size_t pos = raw.find("\r\n") + 2; pos < header_end;) {
    const auto eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    if (const auto colon = line.find(':'); colon != std::string::npos) {
      const auto value = line.find_first_not_of(' ', colon + 1);
      res.headers.emplace_back(line.substr(0, colon), value == std::string::npos ? "" : line.substr(value));
    }
    pos = eol + 2;
  }
  res.content_type = res.header("Content-Type");
  return res;
}

std::optional<HttpResponse> http_get(std::uint16_t port, const std::string& target) {
  return http_request(port, "GET", target);
}

EpochMs event_time_after_everything() {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  const std::string servers = b != nullptr ? b : "127.0.0.1:9092";
  EpochMs start = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  {
    auto admin = kafka::Admin::create(servers);
    if (!admin) throw std::runtime_error(admin.error().message);
    auto ends = (*admin)->end_offsets("stock-prices", std::chrono::seconds(10));
    if (!ends) throw std::runtime_error(ends.error().message);
    for (const auto& tp : *ends) {
      if (tp.offset == 0) continue;
      auto last = kafka::Consumer::create(servers, "itest-last-" + unique_tag(), {});
      if (!last) throw std::runtime_error(last.error().message);
      (void)(*last)->assign({{"stock-prices", tp.partition, tp.offset - 1}});
      for (auto& m : (*last)->poll_batch(1, std::chrono::seconds(5))) {
        if (auto t = model::decode_tick(m.payload())) start = std::max(start, t->ts);
      }
      (*last)->close();
    }
    auto log_ends = (*admin)->end_offsets("process-changelog", std::chrono::seconds(10));
    if (!log_ends) throw std::runtime_error(log_ends.error().message);
    auto log = kafka::Consumer::create(servers, "itest-log-" + unique_tag(), {}, {{"enable.partition.eof", "true"}});
    if (!log) throw std::runtime_error(log.error().message);
    std::vector<kafka::TopicPartition> from_start;
    for (const auto& tp : *log_ends) from_start.push_back({tp.topic, tp.partition, -2});
    (void)(*log)->assign(from_start);
    std::size_t eof = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (eof < from_start.size() && std::chrono::steady_clock::now() < deadline) {
      for (auto& m : (*log)->poll_batch(10000, std::chrono::milliseconds(200))) {
        if (m.is_partition_eof()) {
          ++eof;
        } else if (!m.error() && m.key() == "p") {
          const auto o = boost::json::parse(m.payload()).as_object();
          start = std::max(start, o.at("max_ts").as_int64());
        }
      }
    }
    (*log)->close();
  }
  start += 10 * 60'000;
  return start - start % model::kCandleWindowMs;
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

ProcessorLock::ProcessorLock(std::chrono::seconds timeout) {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  std::string name = b != nullptr ? b : "127.0.0.1:9092";
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.') c = '_';
  }
  const std::string path = "/tmp/stocktracker-processor-tests-" + name + ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path);
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  std::cout << "waiting for another test run's processor to finish (" << path << ")" << std::endl;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::close(fd_);
      throw std::runtime_error("another test run held " + path + " too long");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

ProcessorLock::~ProcessorLock() { ::close(fd_); }  // closing releases the flock

}  // namespace st::itest
