#include "stocktracker/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace st::metrics {
namespace {

TEST(Metrics, CounterAndGaugeExposition) {
  Registry r;
  auto& requests = r.counter("app_requests_total", "Requests by route.\nSecond line \\ here", {"route", "status"});
  requests.with({"/api/x", "200"}).inc();
  requests.with({"/api/x", "200"}).inc(2);
  requests.with({"/a\"b\\c\nd", "500"}).inc();
  r.gauge("app_temperature", "A gauge.").with({}).set(-1.5);
  EXPECT_EQ(r.expose(),
            "# HELP app_requests_total Requests by route.\\nSecond line \\\\ here\n"
            "# TYPE app_requests_total counter\n"
            "app_requests_total{route=\"/a\\\"b\\\\c\\nd\",status=\"500\"} 1\n"
            "app_requests_total{route=\"/api/x\",status=\"200\"} 3\n"
            "# HELP app_temperature A gauge.\n"
            "# TYPE app_temperature gauge\n"
            "app_temperature -1.5\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeAndInclusive) {
  Registry r;
  auto& h = r.histogram("lat_seconds", "Latency.", {"op"}, {0.1, 1}).with({"get"});
  h.observe(0.1);   // on the bound: counted in le="0.1"
  h.observe(0.5);
  h.observe(7);
  EXPECT_EQ(r.expose(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{op=\"get\",le=\"0.1\"} 1\n"
            "lat_seconds_bucket{op=\"get\",le=\"1\"} 2\n"
            "lat_seconds_bucket{op=\"get\",le=\"+Inf\"} 3\n"
            "lat_seconds_sum{op=\"get\"} 7.6\n"
            "lat_seconds_count{op=\"get\"} 3\n");
}

TEST(Metrics, SameNameReturnsSameFamilyAndConflictsThrow) {
  Registry r;
  auto& a = r.counter("x_total", "X.", {"a"});
  EXPECT_EQ(&a, &r.counter("x_total", "X.", {"a"}));
  EXPECT_THROW(r.gauge("x_total", "X.", {"a"}), std::logic_error);
  EXPECT_THROW(r.counter("x_total", "X.", {"b"}), std::logic_error);
  EXPECT_THROW(a.with({"1", "2"}), std::logic_error);
  EXPECT_THROW(r.histogram("h", "H.", {}, {1, 0.5}), std::logic_error);
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& family = r.counter("c_total", "C.", {"t"});
  auto& h = r.histogram("h_seconds", "H.", {}, latency_buckets()).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&family, &h] {
      for (int i = 0; i < 100000; ++i) {
        family.with({"same"}).inc();
        h.observe(0.002);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family.with({"same"}).value(), 400000U);
  EXPECT_EQ(h.count(), 400000U);
  EXPECT_EQ(h.bucket_counts()[1], 400000U);  // (0.001, 0.0025]
}

}  // namespace
}  // namespace st::metrics
