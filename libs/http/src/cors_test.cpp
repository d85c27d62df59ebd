#include "stocktracker/http/cors.hpp"

#include <gtest/gtest.h>

namespace st::http {
namespace {

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

Router cors_router() {
  Router r;
  CorsPolicy policy;
  policy.allowed_origins = {"https://app.example.com", "http://localhost:5173"};
  r.use(cors_middleware(policy));
  r.add("GET", "/api/x", [](const Request&) { return json(200, "{}"); });
  return r;
}

Request request(std::string method, std::vector<std::pair<std::string, std::string>> headers) {
  Request req;
  req.method = std::move(method);
  req.path = "/api/x";
  req.headers = std::move(headers);
  return req;
}

TEST(Cors, PreflightFromAnAllowedOriginListsMethodsAndHeaders) {
  const Router r = cors_router();
  auto req = request("OPTIONS", {{"Origin", "http://localhost:5173"},
                                 {"Access-Control-Request-Method", "PUT"},
                                 {"Access-Control-Request-Headers", "authorization, content-type"}});
  const auto res = r.dispatch(req);
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "http://localhost:5173");
  EXPECT_EQ(header(res, "Access-Control-Allow-Methods"), "GET, POST, PUT, DELETE");
  EXPECT_EQ(header(res, "Access-Control-Allow-Headers"), "Authorization, Content-Type");
  EXPECT_EQ(header(res, "Access-Control-Max-Age"), "600");
  EXPECT_NE(header(res, "Vary").find("Origin"), std::string::npos);
  EXPECT_EQ(header(res, "Access-Control-Allow-Credentials"), "");
}

TEST(Cors, PreflightFromAnotherOriginOrForAnotherHeaderIsRefused) {
  const Router r = cors_router();
  for (const auto& origin : {"https://evil.example", "https://app.example.com.evil.test", "null",
                             "https://APP.example.com", "https://app.example.com/"}) {
    auto req = request("OPTIONS", {{"Origin", origin}, {"Access-Control-Request-Method", "GET"}});
    const auto res = r.dispatch(req);
    EXPECT_EQ(res.status, 403) << origin;
    EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "") << origin;
  }
  auto req = request("OPTIONS", {{"Origin", "https://app.example.com"},
                                 {"Access-Control-Request-Method", "GET"},
                                 {"Access-Control-Request-Headers", "Authorization, X-Admin"}});
  EXPECT_EQ(r.dispatch(req).status, 403);
  req = request("OPTIONS", {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "PATCH"}});
  EXPECT_EQ(r.dispatch(req).status, 403);
}

TEST(Cors, SimpleRequestsGetAllowOriginOnlyForAllowedOrigins) {
  const Router r = cors_router();
  auto allowed = request("GET", {{"Origin", "https://app.example.com"}});
  auto res = r.dispatch(allowed);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(res, "Access-Control-Expose-Headers"), "Retry-After, WWW-Authenticate");
  EXPECT_EQ(header(res, "Vary"), "Origin");

  auto other = request("GET", {{"Origin", "https://evil.example"}});
  res = r.dispatch(other);
  EXPECT_EQ(res.status, 200);  // served (a server cannot stop curl), but the browser withholds it
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(header(res, "Vary"), "Origin");

  auto same_origin = request("GET", {});
  res = r.dispatch(same_origin);
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(header(res, "Vary"), "Origin");
}

TEST(Cors, OptionsWithoutPreflightHeadersIsRoutedAsUsual) {
  const Router r = cors_router();
  auto req = request("OPTIONS", {{"Origin", "https://app.example.com"}});
  EXPECT_EQ(r.dispatch(req).status, 405);
}

TEST(Router, MiddlewareRunsOutermostFirstAndSeesTheMatchedRoute) {
  Router r;
  std::string trace;
  r.use([&trace](Request& req, const Next& next) {
    trace += "a<";
    auto res = next(req);
    trace += ">a:" + req.route;
    return res;
  });
  r.use([&trace](Request& req, const Next& next) {
    trace += "b<";
    auto res = next(req);
    trace += ">b";
    return res;
  });
  r.add("GET", "/api/items/:id", [&trace](const Request&) {
    trace += "h";
    return json(200, "{}");
  });
  Request req;
  req.method = "GET";
  req.path = "/api/items/7";
  EXPECT_EQ(r.dispatch(req).status, 200);
  EXPECT_EQ(trace, "a<b<h>b>a:/api/items/:id");
  ASSERT_EQ(r.routes().size(), 1U);
  EXPECT_EQ(r.routes()[0].method, "GET");
  EXPECT_EQ(r.routes()[0].pattern, "/api/items/:id");
}

}  // namespace
}  // namespace st::http
