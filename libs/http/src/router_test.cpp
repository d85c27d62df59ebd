#include <gtest/gtest.h>

#include "stocktracker/http/http.hpp"

namespace st::http {

TEST(Router, MatchesPatternsAndCapturesParams) {
  Router r;
  r.add("GET", "/api/companies/:id/prices", [](const Request& req) { return json(200, req.params.at("id")); });
  r.add("GET", "/api/companies", [](const Request&) { return json(200, "list"); });
  Request req;
  req.method = "GET";
  req.path = "/api/companies/AAPL/prices";
  EXPECT_EQ(r.dispatch(req).body, "AAPL");
  req.path = "/api/companies/";
  EXPECT_EQ(r.dispatch(req).body, "list");
}

TEST(Router, AnswersProblemJsonFor404And405) {
  Router r;
  r.add("GET", "/a", [](const Request&) { return json(200, "ok"); });
  Request req;
  req.method = "POST";
  req.path = "/a";
  auto res = r.dispatch(req);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.content_type, "application/problem+json");
  req.path = "/b";
  EXPECT_EQ(r.dispatch(req).status, 404);
}

TEST(Router, ProblemNamesTheField) {
  auto p = problem(400, "Invalid query parameter", "limit must be an integer", "limit");
  EXPECT_EQ(p.body,
            R"({"type":"about:blank","status":400,"title":"Invalid query parameter","detail":"limit must be an integer","field":"limit"})");
}

TEST(Router, UrlDecodes) {
  EXPECT_EQ(url_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(url_decode("a+b", false), "a+b");
  EXPECT_FALSE(url_decode("%zz", true));
  EXPECT_FALSE(url_decode("%2", true));
}

}  // namespace st::http
