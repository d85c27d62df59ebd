#pragma once
// Sizes and result lines shared by the fault tests. `make test` runs them at
// their default sizes (minutes); `make chaos` (scripts/chaos.sh) runs the same
// tests at TARGETS.md's full sizes through environment variables:
//   CHAOS_TICKS   ticks of the replay or ingest
//   CHAOS_KILLS   how many times the service is killed
//   CHAOS_RATE    ticks per second the ingest sends
//   CHAOS_ALERTS  alerts the notifier sends
//   CHAOS_RESTARTS  broker restarts (tests/chaos/broker_restart_chaos.cpp)
// Each fault test prints one line starting with "chaos: " that says what was
// done, what was lost and duplicated, and whether it passed; chaos.sh copies
// those lines into docs/chaos.md.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace st::itest {

/// The positive integer in environment variable `name`, or `fallback`.
inline std::int64_t chaos_size(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long long n = std::strtoll(v, &end, 10);
  // A typo must not silently run the small size and report it as the full one.
  if (*end != '\0' || n <= 0) throw std::invalid_argument(std::string(name) + " must be a positive integer");
  return n;
}

/// 1000000 -> "1,000,000".
inline std::string with_commas(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  if (n < 0) out.insert(0, 1, '-');
  return out;
}

/// The row's result line; PASS only if the current test has no failure so
/// far (so print it last).
inline void chaos_report(const std::string& row, const std::string& done, std::int64_t lost, std::int64_t duplicated,
                         const std::string& note = {}) {
  const bool pass = !::testing::Test::HasFailure();
  std::printf("chaos: %s | %s | lost %s | duplicated %s | %s%s%s\n", row.c_str(), done.c_str(),
              with_commas(lost).c_str(), with_commas(duplicated).c_str(), pass ? "PASS" : "FAIL",
              note.empty() ? "" : " | ", note.c_str());
  std::fflush(stdout);
}

}  // namespace st::itest
