#include "request_body.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace st::api {
namespace {

http::Request post(std::string body) {
  http::Request req;
  req.method = "POST";
  req.body = std::move(body);
  req.headers.emplace_back("Content-Type", "application/json");
  return req;
}

std::string field_of(const http::Response& res) {
  return std::string(boost::json::parse(res.body).as_object().at("field").as_string());
}

TEST(RequestBody, PrivilegedAndUnknownFieldsAreRefusedByName) {
  for (const char* field : {"role", "user_id", "is_admin", "emial"}) {
    auto r = parse_body(post(std::string(R"({"email":"a@b.c",")") + field + R"(":1})"), {"email", "password"});
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().content_type, "application/problem+json");
    EXPECT_EQ(field_of(r.error()), field);
  }
  EXPECT_TRUE(parse_body(post(R"({"email":"a@b.c"})"), {"email", "password"}));
}

TEST(RequestBody, ShapeIsChecked) {
  EXPECT_EQ(parse_body(post("not json"), {"a"}).error().status, 400);
  EXPECT_EQ(parse_body(post("[1]"), {"a"}).error().status, 400);
  EXPECT_EQ(parse_body(post(""), {"a"}).error().status, 400);
  EXPECT_TRUE(parse_body(post(""), {"a"}, false));  // optional body
  auto xml = post("<a/>");
  xml.headers = {{"Content-Type", "application/xml"}};
  EXPECT_EQ(parse_body(xml, {"a"}).error().status, 415);
}

TEST(RequestBody, StringFields) {
  const auto obj = boost::json::parse(R"({"s":"abc","n":1})").as_object();
  EXPECT_EQ(string_field(obj, "s", 3), "abc");
  EXPECT_EQ(field_of(string_field(obj, "s", 2).error()), "s");
  EXPECT_EQ(field_of(string_field(obj, "n", 10).error()), "n");
  EXPECT_EQ(field_of(string_field(obj, "missing", 10).error()), "missing");
}

}  // namespace
}  // namespace st::api
