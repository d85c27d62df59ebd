#pragma once
// Structured logging: one JSON object per line on stderr
// ({"ts":...,"level":"info","svc":"store","msg":"...", ...fields}).
// Thread-safe; a line is written with one write() so lines never interleave.
// Never pass a secret as a field: there is no redaction layer to save you.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace st::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Value = std::variant<std::string_view, std::int64_t, double, bool>;
struct Field {
  std::string_view key;
  Value value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  template <class I>
    requires std::is_integral_v<I>
  Field(std::string_view k, I v) : key(k), value(static_cast<std::int64_t>(v)) {}
};

/// Parses "debug", "info", "warn", "error"; false when unknown.
bool parse_level(std::string_view text, Level& out);
void set_level(Level level);
[[nodiscard]] bool enabled(Level level);

/// The service name of the calling thread (`up` runs several services in
/// one process, one or more threads each).
void set_thread_service(std::string_view service);

void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
std::string format_line(Level level, std::string_view service, std::int64_t ts_ms, std::string_view msg,
                        std::initializer_list<Field> fields);

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::kInfo, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::kWarn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::kError, m, f); }

}  // namespace st::log
