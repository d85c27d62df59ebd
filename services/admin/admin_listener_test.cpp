// The admin listener on a free port: health, readiness that names the
// failing dependency (nothing listens on port 1), and the metrics text.
#include "admin_listener.hpp"

#include <gtest/gtest.h>

#include "stocktracker/http/http.hpp"
#include "stocktracker/httpclient/client.hpp"
#include "stocktracker/metrics/metrics.hpp"

namespace st::admin {
namespace {

TEST(AdminListener, ServesHealthReadinessAndMetrics) {
  metrics::default_registry().counter("admin_test_events_total", "Events of this test.").with({}).inc(3);
  AdminOptions options;
  options.service = "admin-test";
  options.database_url = "postgresql://nobody:nothing@127.0.0.1:1/none?connect_timeout=2";
  options.kafka_bootstrap = "";  // left out: librdkafka retries in the background and logs
  auto server = start_admin_listener(options);
  ASSERT_TRUE(server) << server.error().message;
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  auto client = httpclient::Client::create();
  ASSERT_TRUE(client);

  auto health = (*client)->get({.url = base + "/healthz"});
  ASSERT_TRUE(health) << health.error().message;
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, R"({"status":"ok"})");

  auto ready = (*client)->get({.url = base + "/readyz"});
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(ready->body.find(R"("postgres":{"ok":false)"), std::string::npos) << ready->body;
  EXPECT_NE(ready->body.find(R"("status":"not ready")"), std::string::npos) << ready->body;

  auto scrape = (*client)->get({.url = base + "/metrics"});
  ASSERT_TRUE(scrape);
  EXPECT_EQ(scrape->status, 200);
  EXPECT_EQ(scrape->header("content-type").value_or(""), metrics::kContentType);
  EXPECT_NE(scrape->body.find("admin_test_events_total 3\n"), std::string::npos) << scrape->body;
  EXPECT_NE(scrape->body.find(R"(stocktracker_process_start_time_seconds{service="admin-test"})"), std::string::npos);

  auto missing = (*client)->get({.url = base + "/api/companies"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  (*server)->stop();
}

}  // namespace
}  // namespace st::admin
