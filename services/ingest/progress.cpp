#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "stocktracker/base/log.hpp"

namespace st::ingest {
namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string group_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<std::uint64_t>(std::llround(seconds));
  const std::uint64_t h = total / 3600;
  const std::uint64_t m = (total / 60) % 60;
  const std::uint64_t s = total % 60;
  char buf[48];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu", static_cast<unsigned long long>(h),
                  static_cast<unsigned long long>(m), static_cast<unsigned long long>(s));
  } else {
    std::snprintf(buf, sizeof buf, "%llu:%02llu", static_cast<unsigned long long>(m),
                  static_cast<unsigned long long>(s));
  }
  return buf;
}

double eta_seconds(std::uint64_t done, std::uint64_t total, double elapsed_s) {
  if (total == 0 || done == 0 || elapsed_s <= 0) return -1;
  if (done >= total) return 0;
  return elapsed_s * static_cast<double>(total - done) / static_cast<double>(done);
}

std::string render_bar(const ProgressSnapshot& s, std::size_t bar_width) {
  std::string out(s.label);
  if (s.total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(s.done) / static_cast<double>(s.total));
    const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar_width));
    out += " [";
    out.append(filled, '#');
    out.append(bar_width - filled, '-');
    char pct[16];
    std::snprintf(pct, sizeof pct, "] %3d%% ", static_cast<int>(fraction * 100));
    out += pct;
    out += group_thousands(s.done);
    out += '/';
    out += group_thousands(s.total);
  } else {
    out += ' ';
    out += group_thousands(s.done);
  }
  out += ' ';
  out += s.unit;
  if (!s.extra.empty()) {
    out += "  ";
    out += s.extra;
  }
  out += "  ";
  out += group_thousands(static_cast<std::uint64_t>(std::max(0.0, s.rate)));
  out += ' ';
  out += s.rate_unit.empty() ? s.unit : s.rate_unit;
  out += "/s";
  if (s.total > 0) {
    out += "  ETA ";
    out += format_duration(eta_seconds(s.done, s.total, s.elapsed_s));
  }
  return out;
}

ProgressReporter::ProgressReporter(std::string label, std::string unit, std::uint64_t total, bool terminal,
                                   double log_every_s)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      terminal_(terminal),
      log_every_s_(log_every_s),
      start_ns_(steady_ns()) {}

bool ProgressReporter::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressReporter::update(std::uint64_t done, std::uint64_t rate_count, std::string_view extra) {
  emit(done, rate_count, extra, false);
}

void ProgressReporter::finish(std::uint64_t done, std::uint64_t rate_count, std::string_view extra) {
  emit(done, rate_count, extra, true);
}

void ProgressReporter::emit(std::uint64_t done, std::uint64_t rate_count, std::string_view extra, bool last) {
  const std::int64_t now = steady_ns();
  const double since_draw_s = static_cast<double>(now - last_draw_ns_) / 1e9;
  if (!last && since_draw_s < (terminal_ ? 0.1 : log_every_s_)) return;
  if (!last && !terminal_ && last_draw_ns_ == 0) {
    // The first plain line comes after one interval, not at once.
    last_draw_ns_ = now;
    return;
  }
  last_draw_ns_ = now;
  const double elapsed = static_cast<double>(now - start_ns_) / 1e9;
  const double rate = elapsed > 0 ? static_cast<double>(rate_count) / elapsed : 0;
  if (terminal_) {
    const ProgressSnapshot snap{label_, unit_, done, total_, elapsed, rate, rate_unit_, extra};
    std::string line = "\r\033[K";  // back to the start of the line, erase it
    line += render_bar(snap, 30);
    if (last) line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    return;
  }
  const double eta = eta_seconds(done, total_, elapsed);
  log::info(last ? label_ + " done" : label_ + " progress",
            {{unit_, done},
             {"total", total_},
             {"rate_per_s", std::round(rate)},
             {"eta_s", eta < 0 ? -1.0 : std::round(eta)},
             {"elapsed_s", std::round(elapsed * 10) / 10},
             {"detail", extra}});
}

}  // namespace st::ingest
