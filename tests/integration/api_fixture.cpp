#include "api_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <csignal>
#include <random>

namespace st::itest {

std::string fresh_ip() {
  static std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> byte(2, 254);
  return "127." + std::to_string(byte(rng)) + "." + std::to_string(byte(rng)) + "." + std::to_string(byte(rng));
}

HttpHeaders bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

boost::json::object parse(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  return !ec && v.is_object() ? v.as_object() : boost::json::object{};
}

std::string str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int status(const std::optional<HttpResponse>& r) { return r ? r->status : -1; }

std::string field(const std::optional<HttpResponse>& r) { return r ? str(parse(*r), "field") : ""; }

std::unique_ptr<kafka::Consumer> preferences_consumer_at_end(const std::string& group) {
  const char* b = std::getenv("KAFKA_BOOTSTRAP_SERVERS");
  const std::string servers = b != nullptr ? b : "127.0.0.1:9092";
  auto admin = kafka::Admin::create(servers);
  if (!admin) {
    ADD_FAILURE() << "kafka admin: " << admin.error().message;
    return nullptr;
  }
  auto ends = (*admin)->end_offsets("user-preferences", std::chrono::seconds(10));
  if (!ends) {
    ADD_FAILURE() << "end offsets: " << ends.error().message;
    return nullptr;
  }
  auto consumer = kafka::Consumer::create(servers, group, {});
  if (!consumer) {
    ADD_FAILURE() << "kafka consumer: " << consumer.error().message;
    return nullptr;
  }
  if (auto assigned = (*consumer)->assign(*ends); !assigned) {
    ADD_FAILURE() << "assign: " << assigned.error().message;
    return nullptr;
  }
  return std::move(*consumer);
}

std::optional<model::UserPreferences> await_preferences(
    kafka::Consumer& consumer, const std::string& key,
    const std::function<bool(const model::UserPreferences&)>& match, std::chrono::seconds timeout) {
  std::optional<model::UserPreferences> seen;
  (void)eventually(
      [&] {
        for (auto& m : consumer.poll_batch(100, std::chrono::milliseconds(200))) {
          if (m.error() || m.key() != key) continue;
          auto p = model::decode_preferences(m.payload());
          EXPECT_TRUE(p) << p.error().message << ": " << m.payload();
          if (p && match(*p)) seen = *p;
        }
        return seen.has_value();
      },
      timeout);
  return seen;
}

void ApiServer::start(const std::string& tag, const std::string& company_prefix, const std::string& name_prefix,
                      const std::string& secret, const std::map<std::string, std::string>& extra_env) {
  tag_ = tag;
  company_prefix_ = company_prefix;
  ASSERT_EQ(run({"migrate"}), 0);
  ASSERT_EQ(run({"topics"}), 0);
  auto conn = db();
  for (const char* suffix : {"A", "B"}) {
    ASSERT_TRUE(conn.exec("INSERT INTO companies (symbol, name, sector) VALUES ($1, $2, 'Test')",
                          {company(suffix), name_prefix + company(suffix)}));
  }
  port_ = free_port();
  auto env = extra_env;
  env["JWT_SECRET"] = secret;
  api_ = std::make_unique<Child>(std::vector<std::string>{"api", "--api-port", std::to_string(port_)}, env);
  const std::uint16_t port = port_;
  ASSERT_TRUE(eventually([port] { return http_get(port, "/healthz").has_value(); }, std::chrono::seconds(20)))
      << api_->log_tail();
}

void ApiServer::stop_and_clean() {
  auto conn = db();
  // A tombstone per user on the compacted topic, so no consumer keeps
  // the state of a user that is gone; the running api relays them.
  for (const auto id : users_) {
    (void)conn.exec("INSERT INTO outbox (topic, key, payload) VALUES ('user-preferences', $1, NULL)",
                    {std::to_string(id)});
    (void)conn.exec("DELETE FROM users WHERE id = $1::bigint", {std::to_string(id)});
  }
  (void)conn.exec("DELETE FROM users WHERE email LIKE $1", {"itest-" + tag_ + "-%"});
  std::string keys = "{";
  for (const auto id : users_) {
    if (keys.size() > 1) keys += ',';
    keys += std::to_string(id);
  }
  keys += "}";
  const auto unpublished = [&] {
    return query_int(conn, "SELECT count(*) FROM outbox WHERE key = ANY($1::text[]) AND published_at IS NULL",
                     {keys});
  };
  EXPECT_TRUE(eventually([&] { return unpublished() == 0; }, std::chrono::seconds(30)));
  std::string symbols = "{";
  symbols += company("A");
  symbols += ',';
  symbols += company("B");
  symbols += '}';
  (void)conn.exec("DELETE FROM companies WHERE symbol = ANY($1::text[])", {symbols});
  if (api_) {
    api_->signal(SIGTERM);
    EXPECT_EQ(api_->wait(), 0) << api_->log_tail();
    api_.reset();
  }
}

std::string ApiServer::log_tail() const { return api_ ? api_->log_tail() : std::string(); }

std::optional<HttpResponse> ApiServer::request(const std::string& method, const std::string& target,
                                               const HttpHeaders& headers, const std::string& body,
                                               const std::string& ip) const {
  return http_request(port_, method, target, headers, body, ip);
}

std::optional<HttpResponse> ApiServer::call(const std::string& method, const std::string& target,
                                            const Session& session, const std::string& body) const {
  return http_request(port_, method, target, bearer(session.access), body);
}

Session ApiServer::register_user(const std::string& name, const std::string& password) {
  const auto r = request("POST", "/api/auth/register", {},
                         R"({"email":")" + email(name) + R"(","password":")" + password + R"("})", fresh_ip());
  Session s;
  EXPECT_TRUE(r);
  if (!r) return s;
  EXPECT_EQ(r->status, 201) << r->body;
  const auto o = parse(*r);
  if (const auto* user = o.if_contains("user"); user != nullptr && user->is_object()) {
    s.user_id = user->as_object().at("id").as_int64();
    users_.insert(s.user_id);
  }
  s.email = email(name);
  s.access = str(o, "access_token");
  s.refresh = str(o, "refresh_token");
  return s;
}

}  // namespace st::itest
