// `stocktracker backfill` against the local provider stand-in
// (tests/fakes/provider_server.py) with generated daily histories, the real
// Kafka, `store` and PostgreSQL: killed with SIGKILL part-way, the rerun
// does not ask again for the symbols the first run finished, and every
// daily bar ends up in PostgreSQL exactly once; a symbol Alpha Vantage does
// not know comes from Yahoo (failover); a third run finds nothing to do.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "stocktracker/base/time_format.hpp"

namespace st::itest {
namespace {

namespace fs = std::filesystem;

const std::string kApiKey = "itest-backfill-key";

/// The fake provider server serving `fixtures`, for the length of a test.
class FakeProviders {
 public:
  explicit FakeProviders(const std::string& fixtures)
      : port_(free_port()),
        server_(Program{"/usr/bin/python3"},
                {std::string(std::getenv("ST_SOURCE_DIR")) + "/tests/fakes/provider_server.py", "--port",
                 std::to_string(port_), "--fixtures", fixtures}) {
    if (!eventually([&] { return http_get(port_, "/_requests").has_value(); }, std::chrono::seconds(20))) {
      throw std::runtime_error("fake provider server did not start: " + server_.log_tail());
    }
  }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void control(const std::string& query) {
    const auto r = http_get(port_, "/_control?" + query);
    if (!r || r->status != 200) throw std::runtime_error("fake provider control failed: " + query);
  }
  /// (provider, symbol) of every request so far, oldest first.
  std::vector<std::pair<std::string, std::string>> requests() {
    const auto r = http_get(port_, "/_requests");
    if (!r) throw std::runtime_error("fake provider server gone");
    std::vector<std::pair<std::string, std::string>> out;
    const boost::json::value all = boost::json::parse(r->body);
    for (const auto& v : all.as_array()) {
      out.emplace_back(std::string(v.at("provider").as_string()), std::string(v.at("symbol").as_string()));
    }
    return out;
  }

 private:
  std::uint16_t port_;
  Child server_;
};

/// Alpha Vantage's TIME_SERIES_DAILY answer for `symbol`: every weekday of
/// 2024-01-02 .. 2024-03-28; with `bad_day`, that day's close is 0 (a row
/// the stock-prices schema refuses).
std::string av_daily(const std::string& symbol, int& bars, const std::string& bad_day = "") {
  std::ostringstream out;
  out << R"j({"Meta Data":{"1. Information":"Daily Prices (open, high, low, close) and Volumes","2. Symbol":")j"
      << symbol << R"j(","3. Last Refreshed":"2024-03-28","4. Output Size":"Full size","5. Time Zone":"US/Eastern"},)j"
      << R"j("Time Series (Daily)":{)j";
  const std::int64_t first = days_from_civil(2024, 1, 2);
  const std::int64_t last = days_from_civil(2024, 3, 28);
  bool comma = false;
  bars = 0;
  for (std::int64_t d = last; d >= first; --d) {  // newest first, as Alpha Vantage
    const std::int64_t weekday = (d + 4) % 7;    // 1970-01-01 was a Thursday (4)
    if (weekday == 0 || weekday == 6) continue;
    const std::string day = format_iso8601(d * 86'400'000).substr(0, 10);
    const double close = day == bad_day ? 0.0 : 100.0 + static_cast<double>(d - first) * 0.25;
    if (comma) out << ',';
    comma = true;
    out << '"' << day << R"j(":{"1. open":"100.0000","2. high":"200.0000","3. low":"50.0000","4. close":")j" << close
        << R"j(","5. volume":")j" << 1000 + (d - first) << R"j("})j";
    if (day != bad_day) ++bars;
  }
  out << "}}";
  return out.str();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// Symbols a run's log says it finished.
std::set<std::string> done_in(const Child& run) {
  const std::string log = read_text(run.log_path());
  std::set<std::string> out;
  const std::regex done(R"re("msg":"backfill symbol done","symbol":"([A-Z0-9.]+)")re");
  for (std::sregex_iterator it(log.begin(), log.end(), done), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

class Backfill : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run({"migrate"}), 0);
    ASSERT_EQ(run({"topics"}), 0);
  }
};

TEST_F(Backfill, KilledAndResumedLoadsEveryBarExactlyOnce) {
  const std::string tag = unique_tag();
  const std::string fixtures = "/tmp/backfill-fixtures-" + tag;
  fs::copy(std::string(std::getenv("ST_SOURCE_DIR")) + "/tests/data/providers", fixtures, fs::copy_options::recursive);

  std::vector<std::string> symbols;
  std::map<std::string, int> expected;
  for (int i = 1; i <= 5; ++i) {
    const std::string s = "BF" + tag + std::to_string(i);
    symbols.push_back(s);
    int bars = 0;
    std::ofstream(fixtures + "/alphavantage/TIME_SERIES_DAILY_" + s + ".json")
        << av_daily(s, bars, i == 2 ? "2024-02-14" : "");
    expected[s] = bars;
  }
  // Alpha Vantage does not know this one ("Invalid API call"): Yahoo has it.
  const std::string yahoo_only = "BF" + tag + "Y";
  symbols.push_back(yahoo_only);
  std::string chart = read_text(fixtures + "/yahoo/chart_AAPL_1d.json");
  chart = std::regex_replace(chart, std::regex(R"("symbol": "AAPL")"), "\"symbol\": \"" + yahoo_only + "\"");
  std::ofstream(fixtures + "/yahoo/chart_" + yahoo_only + "_1d.json") << chart;
  expected[yahoo_only] = 5;

  FakeProviders fake(fixtures);
  std::string list;
  for (const auto& s : symbols) list += (list.empty() ? "" : ",") + s;
  const std::vector<std::string> args = {"backfill", "--symbols", list, "--from", "2024-01-01", "--to", "2024-03-29",
                                         "--provider", "alphavantage,yahoo", "--job", "itest-" + tag,
                                         "--alpha-vantage-api-key", kApiKey, "--alpha-vantage-base-url", fake.url(),
                                         "--yahoo-base-url", fake.url(), "--alpha-vantage-limits",
                                         "600/minute,10000/day"};

  // Run 1: every Alpha Vantage answer takes 0.7 s; killed once two symbols are done.
  fake.control("provider=alphavantage&fault=slow&delay=0.7");
  std::set<std::string> done_first;
  {
    Child first(args);
    ASSERT_TRUE(eventually([&] { return done_in(first).size() >= 2; }, std::chrono::seconds(60))) << first.log_tail();
    first.signal(SIGKILL);
    first.wait();
    done_first = done_in(first);
  }
  ASSERT_GE(done_first.size(), 2u);
  ASSERT_LT(done_first.size(), symbols.size()) << "the kill came too late to test a resume";
  const std::size_t requests_before = fake.requests().size();

  // Run 2: resumes; the finished symbols are not asked for again.
  fake.control("provider=alphavantage&fault=none");
  {
    Child second(args);
    ASSERT_EQ(second.wait(std::chrono::seconds(120)), 0) << second.log_tail();
    const auto requests = fake.requests();
    for (std::size_t i = requests_before; i < requests.size(); ++i) {
      EXPECT_EQ(done_first.count(requests[i].second), 0u) << "asked again for " << requests[i].second;
    }
    const std::string log = read_text(second.log_path());
    EXPECT_NE(log.find("\"skipped\":" + std::to_string(done_first.size())), std::string::npos) << log;
    EXPECT_TRUE(done_in(second).count(yahoo_only)) << log;
    EXPECT_NE(log.find("\"msg\":\"backfill symbol done\",\"symbol\":\"" + yahoo_only + "\",\"provider\":\"yahoo\""),
              std::string::npos)
        << log;
  }

  // Every bar once in PostgreSQL.
  auto conn = db();
  std::string array = "{" + list + "}";
  int total = 0;
  for (const auto& [s, n] : expected) total += n;
  Child store({"store"});
  const auto stored = [&] {
    return query_int(conn, "SELECT count(*) FROM stock_prices WHERE symbol = ANY($1::text[])", {array});
  };
  ASSERT_TRUE(eventually([&] { return stored() >= total; }, std::chrono::seconds(90))) << store.log_tail();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // anything extra would arrive now
  EXPECT_EQ(stored(), total);
  EXPECT_EQ(query_int(conn,
                      "SELECT count(*) FROM (SELECT DISTINCT symbol, ts FROM stock_prices WHERE symbol = ANY($1::text[])) d",
                      {array}),
            total);
  for (const auto& [s, n] : expected) {
    EXPECT_EQ(query_int(conn, "SELECT count(*) FROM stock_prices WHERE symbol = $1", {s}), n) << s;
  }
  // The bar of 2024-01-02 is stamped with that session's 16:00 New York close.
  EXPECT_EQ(query_int(conn,
                      "SELECT count(*) FROM stock_prices WHERE symbol = $1 AND ts = '2024-01-02 21:00:00+00' "
                      "AND source = 'alphavantage' AND price = 100",
                      {symbols[0]}),
            1);
  store.signal(SIGTERM);
  EXPECT_EQ(store.wait(), 0) << store.log_tail();

  // Run 3: nothing left to load, nothing asked.
  const std::size_t requests_done = fake.requests().size();
  EXPECT_EQ(run(args), 0);
  EXPECT_EQ(fake.requests().size(), requests_done);
  fs::remove_all(fixtures);
}

}  // namespace
}  // namespace st::itest
