// docs/openapi.json against the router: every route the API registers is
// described, every described operation is registered, and each operation
// says how it is secured and how it fails. The live server is checked
// against the same document by tests/api_contract.sh (schemathesis).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <set>

#include "context.hpp"
#include "openapi.hpp"
#include "outbox_relay.hpp"
#include "quote_book.hpp"
#include "stocktracker/auth/jwt.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/redis/pool.hpp"
#include "ws_routes.hpp"

namespace st::api {
namespace {

/// "/api/companies/:id/prices" -> "/api/companies/{id}/prices".
std::string openapi_path(const std::string& pattern) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == ':' && i > 0 && pattern[i - 1] == '/') {
      const auto end = pattern.find('/', i);
      const auto name = pattern.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      out += "{" + name + "}";
      i = end == std::string::npos ? pattern.size() : end;
    } else {
      out.push_back(pattern[i++]);
    }
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The routes of the real router. Nothing here connects anywhere: the
/// pools and clients only connect on first use, and no handler runs.
std::set<std::pair<std::string, std::string>> registered_routes() {
  config::Settings settings;
  pg::Pool db("postgresql://unused@127.0.0.1:1/unused", 1);
  auto admin = kafka::Admin::create("127.0.0.1:1");
  EXPECT_TRUE(admin);
  redis::Pool redis({"127.0.0.1", 1, 0, "", std::chrono::milliseconds(10)}, 1);
  const auth::TokenService tokens(std::string(32, 's'), SystemClock::instance());
  OutboxRelay relay(settings.database_url, "127.0.0.1:1");
  QuoteBook quotes;
  Context ctx{settings, db, **admin, redis, tokens, SystemClock::instance(), relay, quotes, nullptr};
  http::Router router;
  add_api_routes(router, ctx);
  const WsPolicy ws_policy;
  add_ws_ticket_route(router, ctx, ws_policy);  // run_api adds it beside the others
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : router.routes()) out.emplace(lower(r.method), openapi_path(r.pattern));
  return out;
}

boost::json::object document() {
  boost::system::error_code ec;
  auto doc = boost::json::parse(openapi_document(), ec);
  EXPECT_FALSE(ec) << "docs/openapi.json is not JSON: " << ec.message();
  return doc.is_object() ? doc.as_object() : boost::json::object{};
}

constexpr std::string_view kMethods[] = {"get", "put", "post", "delete", "patch", "options", "head"};

TEST(OpenApi, PathPatternsTranslate) {
  EXPECT_EQ(openapi_path("/api/companies/:id/prices"), "/api/companies/{id}/prices");
  EXPECT_EQ(openapi_path("/api/alerts/rules/:id"), "/api/alerts/rules/{id}");
  EXPECT_EQ(openapi_path("/healthz"), "/healthz");
}

TEST(OpenApi, DocumentsExactlyTheRegisteredRoutes) {
  const auto doc = document();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      if (std::find(std::begin(kMethods), std::end(kMethods), std::string_view(method)) != std::end(kMethods)) {
        documented.emplace(std::string(method), std::string(path));
      }
    }
  }
  const auto registered = registered_routes();
  ASSERT_FALSE(registered.empty());
  for (const auto& [method, path] : registered) {
    EXPECT_TRUE(documented.contains({method, path})) << "registered but not in docs/openapi.json: " << method << " "
                                                     << path;
  }
  for (const auto& [method, path] : documented) {
    EXPECT_TRUE(registered.contains({method, path})) << "in docs/openapi.json but not registered: " << method << " "
                                                     << path;
  }
}

TEST(OpenApi, EveryOperationStatesSecurityAndErrorsAsProblems) {
  const auto doc = document();
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op_value] : item.as_object()) {
      const auto& op = op_value.as_object();
      const std::string where = std::string(method) + " " + std::string(path);
      ASSERT_TRUE(op.contains("security")) << where << ": say security: [] for a public operation";
      ASSERT_TRUE(op.contains("operationId")) << where;
      EXPECT_TRUE(operation_ids.insert(std::string(op.at("operationId").as_string())).second) << where;
      const bool secured = !op.at("security").as_array().empty();
      const auto& responses = op.at("responses").as_object();
      EXPECT_TRUE(!secured || responses.contains("401")) << where << ": a secured operation documents 401";
      // The path parameters of the template are declared.
      for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
        const std::string name(path.substr(open + 1, path.find('}', open) - open - 1));
        bool declared = false;
        if (const auto* params = op.if_contains("parameters")) {
          for (const auto& p : params->as_array()) {
            declared = declared || (p.at("in").as_string() == "path" && p.at("name").as_string() == name);
          }
        }
        EXPECT_TRUE(declared) << where << ": path parameter " << name;
      }
      for (const auto& [status, response] : responses) {
        if (status.size() != 3 || status[0] != '4') continue;  // 503 of /readyz is its JSON report
        const auto& r = response.as_object();
        const std::string ref = r.contains("$ref") ? std::string(r.at("$ref").as_string()) : "";
        EXPECT_TRUE(ref.starts_with("#/components/responses/")) << where << " " << status;
      }
    }
  }
  for (const auto& [name, response] : doc.at("components").at("responses").as_object()) {
    EXPECT_TRUE(response.at("content").as_object().contains("application/problem+json")) << name;
  }
  EXPECT_EQ(doc.at("components").at("securitySchemes").at("bearerAuth").at("scheme").as_string(), "bearer");
}

}  // namespace
}  // namespace st::api
