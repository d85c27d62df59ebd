#include "stocktracker/base/log.hpp"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <string>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/json_escape.hpp"

namespace st::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
thread_local std::string t_service = "stocktracker";

const char* level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void append_value(std::string& out, const Value& value) {
  if (const auto* s = std::get_if<std::string_view>(&value)) {
    append_json_string(out, *s);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    if (!std::isfinite(*d)) {
      out += "null";
      return;
    }
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    out.append(buf, ec == std::errc{} ? end : buf);
  } else {
    out += std::get<bool>(value) ? "true" : "false";
  }
}

}  // namespace

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug") {
    out = Level::kDebug;
  } else if (text == "info") {
    out = Level::kInfo;
  } else if (text == "warn") {
    out = Level::kWarn;
  } else if (text == "error") {
    out = Level::kError;
  } else {
    return false;
  }
  return true;
}

void set_level(Level level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void set_thread_service(std::string_view service) { t_service = std::string(service); }

std::string format_line(Level level, std::string_view service, std::int64_t ts_ms, std::string_view msg,
                        std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(128 + msg.size());
  line += "{\"ts\":";
  line += std::to_string(ts_ms);
  line += ",\"level\":\"";
  line += level_name(level);
  line += "\",\"svc\":";
  append_json_string(line, service);
  line += ",\"msg\":";
  append_json_string(line, msg);
  for (const auto& f : fields) {
    line.push_back(',');
    append_json_string(line, f.key);
    line.push_back(':');
    append_value(line, f.value);
  }
  line += "}\n";
  return line;
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  const std::string line = format_line(level, t_service, SystemClock::instance().now_ms(), msg, fields);
  // One write() per line: POSIX keeps a single write to a pipe of this size
  // atomic enough that concurrent lines do not interleave mid-line.
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace st::log
