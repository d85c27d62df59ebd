#include "stocktracker/metrics/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace st::metrics {
namespace {

/// A sample value as Prometheus parses it: shortest round-trip decimal,
/// +Inf, -Inf or NaN.
void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

/// Label values escape backslash, double quote and newline; help text
/// escapes backslash and newline (exposition format 0.0.4).
void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (const char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

/// `{a="x",b="y"` plus an optional extra label, closed; "" without labels.
void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out.push_back('"');
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out.push_back(',');
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out.push_back('"');
  }
  out.push_back('}');
}

void append_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::logic_error("histogram bounds must be strictly ascending");
  }
}

void Histogram::observe(double v) noexcept {
  // The first bound >= v: Prometheus buckets are "less than or equal".
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::bucket_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <class Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& values) {
  if (values.size() != labels_.size()) {
    throw std::logic_error(fmt::format("metric {}: {} label values for {} labels", name_, values.size(),
                                       labels_.size()));
  }
  {
    std::shared_lock lock(mutex_);
    if (auto it = metrics_.find(values); it != metrics_.end()) return *it->second;
  }
  std::unique_lock lock(mutex_);
  auto& slot = metrics_[values];
  if (!slot) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      slot = std::make_unique<Histogram>(bounds_);
    } else {
      slot = std::make_unique<Metric>();
    }
  }
  return *slot;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry::Entry& Registry::entry(std::string_view name, Kind kind, const std::vector<std::string>& labels) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Entry{kind, nullptr, nullptr, nullptr}).first;
    return it->second;
  }
  const auto& existing = it->second.kind == Kind::kCounter ? it->second.counters->labels()
                         : it->second.kind == Kind::kGauge ? it->second.gauges->labels()
                                                           : it->second.histograms->labels();
  if (it->second.kind != kind || existing != labels) {
    throw std::logic_error("metric " + std::string(name) + " registered twice with another kind or labels");
  }
  return it->second;
}

Family<Counter>& Registry::counter(std::string_view name, std::string_view help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  auto& e = entry(name, Kind::kCounter, labels);
  if (!e.counters) e.counters = std::make_unique<Family<Counter>>(std::string(name), std::string(help), labels);
  return *e.counters;
}

Family<Gauge>& Registry::gauge(std::string_view name, std::string_view help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  auto& e = entry(name, Kind::kGauge, labels);
  if (!e.gauges) e.gauges = std::make_unique<Family<Gauge>>(std::string(name), std::string(help), labels);
  return *e.gauges;
}

Family<Histogram>& Registry::histogram(std::string_view name, std::string_view help, std::vector<std::string> labels,
                                       std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  auto& e = entry(name, Kind::kHistogram, labels);
  if (!e.histograms) {
    Histogram probe(bounds);  // throws on unsorted bounds, at registration rather than first use
    e.histograms =
        std::make_unique<Family<Histogram>>(std::string(name), std::string(help), labels, std::move(bounds));
  }
  return *e.histograms;
}

std::string Registry::expose() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, e] : families_) {
    switch (e.kind) {
      case Kind::kCounter:
        append_header(out, name, e.counters->help(), "counter");
        e.counters->for_each([&](const std::vector<std::string>& values, const Counter& c) {
          out += name;
          append_labels(out, e.counters->labels(), values);
          fmt::format_to(std::back_inserter(out), " {}\n", c.value());
        });
        break;
      case Kind::kGauge:
        append_header(out, name, e.gauges->help(), "gauge");
        e.gauges->for_each([&](const std::vector<std::string>& values, const Gauge& g) {
          out += name;
          append_labels(out, e.gauges->labels(), values);
          out.push_back(' ');
          append_number(out, g.value());
          out.push_back('\n');
        });
        break;
      case Kind::kHistogram:
        append_header(out, name, e.histograms->help(), "histogram");
        e.histograms->for_each([&](const std::vector<std::string>& values, const Histogram& h) {
          const auto counts = h.bucket_counts();
          std::uint64_t cumulative = 0;
          for (std::size_t i = 0; i < counts.size(); ++i) {
            cumulative += counts[i];
            std::string le;
            append_number(le, i < h.bounds().size() ? h.bounds()[i] : INFINITY);
            out += name;
            out += "_bucket";
            append_labels(out, e.histograms->labels(), values, "le", le);
            fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
          }
          out += name;
          out += "_sum";
          append_labels(out, e.histograms->labels(), values);
          out.push_back(' ');
          append_number(out, h.sum());
          out += '\n';
          out += name;
          out += "_count";
          append_labels(out, e.histograms->labels(), values);
          // The +Inf bucket, not count(): a scrape between the two
          // increments of observe() must not show count < +Inf bucket.
          fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
        });
        break;
    }
  }
  return out;
}

Registry& default_registry() {
  static Registry registry;
  return registry;
}

}  // namespace st::metrics
