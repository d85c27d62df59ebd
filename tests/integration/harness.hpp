#pragma once
// Helpers for integration tests: child processes of the real `stocktracker`
// binary, a tiny HTTP client, a database connection, unique names.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::itest {

/// Path of the built `stocktracker` executable.
std::string binary();

/// Another executable than `stocktracker` for Child (a fake provider server).
struct Program {
  std::string path;
};

/// A child process whose output goes to a log file under /tmp.
class Child {
 public:
  /// `stocktracker` with `args`.
  Child(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});
  Child(const Program& program, const std::vector<std::string>& args,
        const std::map<std::string, std::string>& env = {});
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();
  void signal(int sig);
  /// Waits for the exit and returns the exit code (128+signal if killed).
  int wait(std::chrono::seconds timeout = std::chrono::seconds(60));
  [[nodiscard]] const std::string& log_path() const { return log_; }
  [[nodiscard]] std::string log_tail() const;
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string log_;
};

/// Runs the binary to completion and returns its exit code.
int run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {});

/// A name unique to this test run: uppercase letters and digits, 5 chars.
std::string unique_tag();

pg::Connection db();
std::int64_t query_int(pg::Connection& conn, const std::string& sql, const pg::Params& params = {});

/// Polls `done` every 100 ms until it is true or `timeout` passes.
bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout);

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  /// The first header named `name` (case-insensitive), or "".
  [[nodiscard]] std::string header(std::string_view name) const;
};
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;
/// One HTTP/1.1 request to 127.0.0.1:`port` (Connection: close). A JSON
/// body gets Content-Type application/json unless `headers` set one.
/// `source_ip` (any 127.x.y.z) is the address the server sees: tests of
/// per-IP rate limits give each run its own.
std::optional<HttpResponse> http_request(std::uint16_t port, const std::string& method, const std::string& target,
                                         const HttpHeaders& headers = {}, const std::string& body = {},
                                         const std::string& source_ip = {});
std::optional<HttpResponse> http_get(std::uint16_t port, const std::string& target);

/// A window-aligned event time 10 minutes past anything a processor has
/// seen or will see: the latest tick of every stock-prices partition and
/// every partition watermark in process-changelog. Tests that replay with
/// simulated event times start there, so no watermark is already past them.
EpochMs event_time_after_everything();

/// A free TCP port on 127.0.0.1 (bound once, then released).
std::uint16_t free_port();

/// Held by a test while it runs `stocktracker process` against the shared
/// stock-prices topic (an flock on a file named after the Kafka servers).
/// A processor in any group consumes every run's ticks: it writes candles
/// and alerts for another run's symbols (duplicates to that run's oracle)
/// and its watermarks jump to that run's later event times (its own ticks
/// then arrive late). So test runs with a processor take turns; a second
/// one waits here. Not inherited by children.
class ProcessorLock {
 public:
  /// Waits up to `timeout` for the lock; throws when it is not free by then.
  explicit ProcessorLock(std::chrono::seconds timeout = std::chrono::seconds(1800));
  ProcessorLock(const ProcessorLock&) = delete;
  ProcessorLock& operator=(const ProcessorLock&) = delete;
  ~ProcessorLock();

 private:
  int fd_ = -1;
};

}  // namespace st::itest
