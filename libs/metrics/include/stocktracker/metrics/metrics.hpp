#pragma once
// Prometheus metrics: counters, gauges and fixed-bucket histograms in
// families keyed by label values, and the text exposition format 0.0.4.
//
// Updates are relaxed atomic operations on a metric the caller holds a
// reference to (no lock, no allocation); finding a metric by its label
// values takes a shared lock, so a hot path looks it up once or per
// request, never per item. Metrics live as long as their Registry and are
// never removed, so label values must come from a small set (a route
// pattern, a status code), never from user input.
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace st::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  [[nodiscard]] double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Observations counted into fixed upper bounds (ascending; +Inf is
/// implicit). Each bucket counts only its own range; the exposition adds
/// them up into Prometheus' cumulative buckets.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v) noexcept;
  [[nodiscard]] const std::vector<double>& bounds() const noexcept { return bounds_; }
  /// Per-bucket (not cumulative) counts, bounds().size() + 1 of them.
  [[nodiscard]] std::vector<std::uint64_t> bucket_counts() const;
  [[nodiscard]] std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  [[nodiscard]] double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// Latency bounds in seconds, 1 ms to 10 s.
std::vector<double> latency_buckets();

enum class Kind : std::uint8_t { kCounter, kGauge, kHistogram };

/// One metric name: its help text, label names and one metric per
/// combination of label values seen.
template <class Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels, std::vector<double> bounds = {})
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)), bounds_(std::move(bounds)) {}
  /// The metric of these label values (as many as the family's label
  /// names), made on first use.
  Metric& with(const std::vector<std::string>& values);
  Metric& with(std::initializer_list<std::string_view> values) {
    return with(std::vector<std::string>(values.begin(), values.end()));
  }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& help() const { return help_; }
  [[nodiscard]] const std::vector<std::string>& labels() const { return labels_; }
  /// Calls f(values, metric) for each metric, in label-value order.
  template <class F>
  void for_each(F&& f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [values, metric] : metrics_) f(values, *metric);
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> metrics_;
};

/// Owns metric families and renders them. Registering a name twice returns
/// the first family (so modules can declare what they use independently);
/// the same name with another kind or other labels is a programming error
/// and throws std::logic_error at start-up.
class Registry {
 public:
  Family<Counter>& counter(std::string_view name, std::string_view help, std::vector<std::string> labels = {});
  Family<Gauge>& gauge(std::string_view name, std::string_view help, std::vector<std::string> labels = {});
  Family<Histogram>& histogram(std::string_view name, std::string_view help, std::vector<std::string> labels,
                               std::vector<double> bounds);
  /// Every family in the Prometheus text exposition format 0.0.4, sorted by
  /// name.
  [[nodiscard]] std::string expose() const;

 private:
  struct Entry {
    Kind kind;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
  };
  Entry& entry(std::string_view name, Kind kind, const std::vector<std::string>& labels);
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> families_;
};

/// The process-wide registry that /metrics serves.
Registry& default_registry();

/// The Content-Type of expose()'s text.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace st::metrics
