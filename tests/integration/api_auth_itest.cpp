// `stocktracker api` against the real PostgreSQL, Redis and Kafka: the
// session flow (register, login, verify, refresh rotation, logout), the
// safety rows of TARGETS.md (73-byte password, mass assignment, another
// user's token on every user-scoped endpoint, the JWT attack list, login
// bursts, Redis down) and the outbox path from a preferences change to the
// user-preferences topic.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <csignal>

#include "api_fixture.hpp"
#include "harness.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"

namespace st::itest {
namespace {

const std::string kSecret = "itest-auth-secret-0123456789-abcdefghijk";  // 40 bytes
const std::string& kPassword = kApiPassword;

std::string base64url(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

/// header.payload.HMAC-SHA256(key), built by hand as an attacker would.
std::string craft_jwt(std::string_view header, std::string_view payload, std::string_view key = kSecret) {
  const std::string input = base64url(header) + "." + base64url(payload);
  crypto_auth_hmacsha256_state state;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return input + "." + base64url({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ApiAuth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_GE(sodium_init(), 0);
    tag_ = unique_tag();
    server_.start(tag_, "AU", "Auth test ", kSecret);
  }

  static void TearDownTestSuite() { server_.stop_and_clean(); }

  static std::string company(const std::string& suffix) { return server_.company(suffix); }
  static std::string email(const std::string& name) { return server_.email(name); }

  static std::optional<HttpResponse> call(const std::string& method, const std::string& target,
                                          const HttpHeaders& headers = {}, const std::string& body = {},
                                          const std::string& ip = "127.0.0.1") {
    return server_.request(method, target, headers, body, ip);
  }

  static Session register_user(const std::string& name, const std::string& password = kPassword) {
    return server_.register_user(name, password);
  }

  static inline ApiServer server_;
  static inline std::string tag_;
};

TEST_F(ApiAuth, RegisterLoginVerifyRefreshRotationAndLogout) {
  const Session reg = register_user("flow");
  ASSERT_GT(reg.user_id, 0);
  EXPECT_FALSE(reg.access.empty());
  EXPECT_EQ(reg.refresh.size(), 43u);  // 32 random bytes, base64url
  auto conn = db();
  auto hash = conn.exec("SELECT password_hash, role FROM users WHERE id = $1::bigint", {std::to_string(reg.user_id)});
  ASSERT_TRUE(hash && hash->size() == 1);
  EXPECT_TRUE(hash->get(0, 0).starts_with("$2b$12$")) << "bcrypt, cost 12";
  EXPECT_EQ(hash->get(0, 1), "user");

  // The same address again (any case) is taken.
  const auto again = call("POST", "/api/auth/register", {},
                          R"({"email":")" + email("FLOW") + R"(","password":")" + kPassword + R"("})", fresh_ip());
  EXPECT_EQ(status(again), 409);
  EXPECT_EQ(field(again), "email");

  const std::string ip = fresh_ip();
  const std::string credentials = R"({"email":")" + reg.email + R"(","password":")" + kPassword + R"("})";
  auto login = call("POST", "/api/auth/login", {}, credentials, ip);
  ASSERT_EQ(status(login), 200) << login->body;
  const auto l = parse(*login);
  const std::string access = str(l, "access_token");
  const std::string refresh = str(l, "refresh_token");
  EXPECT_EQ(str(l, "token_type"), "Bearer");
  EXPECT_EQ(l.at("expires_in").as_int64(), 900);
  EXPECT_NE(refresh, reg.refresh);

  auto wrong = call("POST", "/api/auth/login", {},
                    R"({"email":")" + reg.email + R"(","password":"not the password"})", ip);
  EXPECT_EQ(status(wrong), 401);
  EXPECT_EQ(wrong->content_type, "application/problem+json");

  auto verify = call("GET", "/api/auth/verify", bearer(access));
  ASSERT_EQ(status(verify), 200) << verify->body;
  EXPECT_EQ(parse(*verify).at("user").at("id").as_int64(), reg.user_id);
  EXPECT_EQ(parse(*verify).at("user").at("email").as_string(), reg.email);

  // Rotation: the refresh token works once and gives a new pair.
  auto rotated = call("POST", "/api/auth/refresh", {}, R"({"refresh_token":")" + refresh + R"("})");
  ASSERT_EQ(status(rotated), 200) << rotated->body;
  const std::string access2 = str(parse(*rotated), "access_token");
  const std::string refresh2 = str(parse(*rotated), "refresh_token");
  EXPECT_NE(refresh2, refresh);
  auto replayed = call("POST", "/api/auth/refresh", {}, R"({"refresh_token":")" + refresh + R"("})");
  EXPECT_EQ(status(replayed), 401);
  EXPECT_EQ(field(replayed), "refresh_token");
  EXPECT_EQ(status(call("GET", "/api/auth/verify", bearer(access2))), 200);

  // Logout revokes this session's access token and refresh token only.
  auto logout = call("POST", "/api/auth/logout", bearer(access2), R"({"refresh_token":")" + refresh2 + R"("})");
  EXPECT_EQ(status(logout), 204);
  auto after = call("GET", "/api/auth/verify", bearer(access2));
  EXPECT_EQ(status(after), 401);
  EXPECT_NE(after->header("WWW-Authenticate").find("invalid_token"), std::string::npos);
  EXPECT_EQ(status(call("GET", "/api/users/profile", bearer(access2))), 401);
  EXPECT_EQ(status(call("POST", "/api/auth/refresh", {}, R"({"refresh_token":")" + refresh2 + R"("})")), 401);
  EXPECT_EQ(status(call("GET", "/api/auth/verify", bearer(reg.access))), 200);  // another session
  EXPECT_EQ(status(call("POST", "/api/auth/logout", {})), 401);
}

TEST_F(ApiAuth, PasswordOver72BytesIsRefusedNamingPassword) {
  const std::string ip = fresh_ip();
  const auto r73 = call("POST", "/api/auth/register", {},
                        R"({"email":")" + email("long") + R"(","password":")" + std::string(73, 'p') + R"("})", ip);
  ASSERT_EQ(status(r73), 400) << r73->body;
  EXPECT_EQ(r73->content_type, "application/problem+json");
  const auto problem = parse(*r73);
  EXPECT_EQ(str(problem, "field"), "password");
  EXPECT_EQ(problem.at("status").as_int64(), 400);
  EXPECT_FALSE(str(problem, "title").empty());
  EXPECT_NE(str(problem, "detail").find("at most 72 bytes"), std::string::npos) << r73->body;
  auto conn = db();
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM users WHERE lower(email) = lower($1)", {email("long")}), 0);

  // 72 bytes are fine, and every one of them counts at login.
  const Session s = register_user("long72", std::string(72, 'p'));
  ASSERT_GT(s.user_id, 0);
  const auto login = [&](const std::string& pw) {
    return call("POST", "/api/auth/login", {}, R"({"email":")" + s.email + R"(","password":")" + pw + R"("})", ip);
  };
  EXPECT_EQ(status(login(std::string(72, 'p'))), 200);
  EXPECT_EQ(status(login(std::string(71, 'p') + "q")), 401);
  const auto l73 = login(std::string(73, 'p'));
  EXPECT_EQ(status(l73), 400);
  EXPECT_EQ(field(l73), "password");
}

TEST_F(ApiAuth, MassAssignmentIsRefusedAndChangesNothing) {
  auto conn = db();
  for (const std::string extra : {R"("role":"admin")", R"("user_id":1)", R"("is_admin":true)"}) {
    const std::string name = "mass" + std::to_string(extra.size());
    const auto r = call("POST", "/api/auth/register", {},
                        R"({"email":")" + email(name) + R"(","password":")" + kPassword + R"(",)" + extra + "}",
                        fresh_ip());
    ASSERT_EQ(status(r), 400) << r->body;
    EXPECT_EQ(field(r), extra.substr(1, extra.find('"', 1) - 1));
    EXPECT_EQ(query_int(conn, "SELECT count(*) FROM users WHERE lower(email) = lower($1)", {email(name)}), 0);
  }

  const Session s = register_user("massuser");
  const std::string id = std::to_string(s.user_id);
  const auto outbox_rows = [&] { return query_int(conn, "SELECT count(*) FROM outbox WHERE key = $1", {id}); };
  const std::int64_t outbox_before = outbox_rows();
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {R"({"price_change_threshold":1,"role":"admin"})", "role"},
      {R"({"price_change_threshold":1,"user_id":1})", "user_id"},
      {R"({"price_change_threshold":1,"is_admin":true})", "is_admin"},
      {R"({"channels":{"email":false,"is_admin":true}})", "channels.is_admin"}};
  for (const auto& [body, expected] : bodies) {
    const auto r = call("PUT", "/api/users/preferences", bearer(s.access), body);
    EXPECT_EQ(status(r), 400) << body;
    EXPECT_EQ(field(r), expected) << r->body;
  }
  const auto track = call("POST", "/api/companies/track/" + company("A"), bearer(s.access), R"({"user_id":1})");
  EXPECT_EQ(status(track), 400);
  EXPECT_EQ(field(track), "user_id");

  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM user_notification_preferences WHERE user_id = $1::bigint", {id}), 0);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM user_companies WHERE user_id = $1::bigint", {id}), 0);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM users WHERE id = $1::bigint AND role = 'user'", {id}), 1);
  EXPECT_EQ(outbox_rows(), outbox_before);
}

TEST_F(ApiAuth, AnotherUsersTokenNeverSeesOrChangesTheirData) {
  const Session a = register_user("bola-a");
  const Session b = register_user("bola-b");
  ASSERT_GT(a.user_id, 0);
  ASSERT_GT(b.user_id, 0);
  auto conn = db();
  const std::string a_id = std::to_string(a.user_id);
  const std::string b_id = std::to_string(b.user_id);

  // A's data: a tracked company, preferences, an alert rule.
  ASSERT_EQ(status(call("POST", "/api/companies/track/" + company("A"), bearer(a.access))), 201);
  ASSERT_EQ(status(call("PUT", "/api/users/preferences", bearer(a.access),
                        R"({"price_change_threshold":3,"phone":"+14155550123","channels":{"sms":true}})")),
            200);

  // Profile and verify: B's own.
  for (const char* path : {"/api/users/profile", "/api/auth/verify"}) {
    const auto r = call("GET", path, bearer(b.access));
    ASSERT_EQ(status(r), 200);
    EXPECT_EQ(parse(*r).at("user").at("id").as_int64(), b.user_id) << path;
    EXPECT_EQ(r->body.find(a.email), std::string::npos) << path;
  }
  // No endpoint takes a user id: A's id in a path leads nowhere.
  for (const std::string& path : {"/api/users/" + a_id + "/profile", "/api/users/" + a_id + "/preferences",
                                 "/api/users/" + a_id}) {
    EXPECT_EQ(status(call("GET", path, bearer(b.access))), 404) << path;
  }
  // Tracked companies and preferences: B's own.
  const auto tracked = call("GET", "/api/companies/tracked", bearer(b.access));
  ASSERT_EQ(status(tracked), 200);
  EXPECT_EQ(parse(*tracked).at("total").as_int64(), 0) << tracked->body;
  const auto prefs = call("GET", "/api/users/preferences", bearer(b.access));
  ASSERT_EQ(status(prefs), 200);
  EXPECT_EQ(parse(*prefs).at("price_change_threshold").to_number<double>(), 5.0);
  EXPECT_TRUE(parse(*prefs).at("phone").is_null());

  // B's changes touch B's rows only.
  EXPECT_EQ(status(call("PUT", "/api/users/preferences", bearer(b.access), R"({"price_change_threshold":9})")), 200);
  const auto untrack = call("DELETE", "/api/companies/track/" + company("A"), bearer(b.access));
  EXPECT_EQ(status(untrack), 404);
  EXPECT_EQ(status(call("POST", "/api/companies/track/" + company("B"), bearer(b.access))), 201);
  // Logging out with A's refresh token under B's access token drops nothing of A's.
  EXPECT_EQ(status(call("POST", "/api/auth/logout", bearer(b.access), R"({"refresh_token":")" + a.refresh + R"("})")),
            204);

  EXPECT_EQ(query_int(conn, "SELECT (price_change_threshold * 1000)::bigint FROM user_notification_preferences "
                            "WHERE user_id = $1::bigint",
                      {a_id}),
            3000);
  EXPECT_EQ(query_int(conn, "SELECT (price_change_threshold * 1000)::bigint FROM user_notification_preferences "
                            "WHERE user_id = $1::bigint",
                      {b_id}),
            9000);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM user_companies uc JOIN companies c ON c.id = uc.company_id "
                            "WHERE uc.user_id = $1::bigint AND c.symbol = $2",
                      {a_id, company("A")}),
            1);
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM user_companies WHERE user_id = $1::bigint", {a_id}), 1);
  const auto a_tracked = call("GET", "/api/companies/tracked", bearer(a.access));
  ASSERT_EQ(status(a_tracked), 200);
  EXPECT_EQ(parse(*a_tracked).at("total").as_int64(), 1);
  EXPECT_EQ(a_tracked->body.find(company("B")), std::string::npos);
  EXPECT_EQ(status(call("POST", "/api/auth/refresh", {}, R"({"refresh_token":")" + a.refresh + R"("})")), 200);
}

TEST_F(ApiAuth, JwtAttacksAreRefusedWith401) {
  const Session s = register_user("jwt");
  ASSERT_GT(s.user_id, 0);
  const std::string sub = std::to_string(s.user_id);
  const auto claims = [&](const std::string& iss, const std::string& aud, const std::string& extra) {
    return R"({"iss":")" + iss + R"(","aud":")" + aud + R"(","sub":")" + sub + R"(","jti":"itest-)" + tag_ +
           R"(","iat":)" + std::to_string(now_s() - 5) + extra + "}";
  };
  const std::string exp = ",\"exp\":" + std::to_string(now_s() + 600);
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";

  // The control: a hand-made token with everything right is accepted.
  const std::string control = craft_jwt(hs256, claims("stocktracker", "stocktracker-api", exp));
  ASSERT_EQ(status(call("GET", "/api/users/profile", bearer(control))), 200);

  const std::string none_input = base64url(R"({"alg":"none","typ":"JWT"})") + "." +
                                 base64url(claims("stocktracker", "stocktracker-api", exp));
  std::string tampered = s.access;
  tampered[tampered.rfind('.') + 1] = tampered[tampered.rfind('.') + 1] == 'A' ? 'B' : 'A';
  // The real token's header and signature around a payload naming user 1.
  std::string payload = claims("stocktracker", "stocktracker-api", exp);
  payload.replace(payload.find("\"sub\":\"" + sub + "\""), sub.size() + 8, "\"sub\":\"1\"");
  const std::string other_user = s.access.substr(0, s.access.find('.') + 1) + base64url(payload) +
                                 s.access.substr(s.access.rfind('.'));
  const std::map<std::string, std::string> attacks = {
      {"alg none, no signature", none_input + "."},
      {"alg none, any signature", none_input + "." + base64url("sig")},
      {"RS256 signed with the secret", craft_jwt(R"({"alg":"RS256","typ":"JWT"})",
                                                 claims("stocktracker", "stocktracker-api", exp))},
      {"HS512 header", craft_jwt(R"({"alg":"HS512","typ":"JWT"})", claims("stocktracker", "stocktracker-api", exp))},
      {"wrong iss", craft_jwt(hs256, claims("evil", "stocktracker-api", exp))},
      {"wrong aud", craft_jwt(hs256, claims("stocktracker", "another-api", exp))},
      {"expired", craft_jwt(hs256, claims("stocktracker", "stocktracker-api",
                                          ",\"exp\":" + std::to_string(now_s() - 3600)))},
      {"future nbf", craft_jwt(hs256, claims("stocktracker", "stocktracker-api",
                                             exp + ",\"nbf\":" + std::to_string(now_s() + 3600)))},
      {"missing exp", craft_jwt(hs256, claims("stocktracker", "stocktracker-api", ""))},
      {"tampered signature", tampered},
      {"another user's id under a real signature", other_user},
      {"signed with another secret",
       craft_jwt(hs256, claims("stocktracker", "stocktracker-api", exp), std::string(40, 'x'))},
      {"garbage", "not.a.token"},
  };
  for (const auto& [name, token] : attacks) {
    for (const char* path :
         {"/api/users/profile", "/api/auth/verify", "/api/companies/tracked", "/api/users/preferences"}) {
      const auto r = call("GET", path, bearer(token));
      EXPECT_EQ(status(r), 401) << name << " on " << path << ": " << (r ? r->body : "");
      if (r) {
        EXPECT_EQ(r->content_type, "application/problem+json") << name;
      }
    }
    const auto put = call("PUT", "/api/users/preferences", bearer(token), R"({"price_change_threshold":1})");
    EXPECT_EQ(status(put), 401) << name;
  }
  for (const HttpHeaders& headers : {HttpHeaders{}, HttpHeaders{{"Authorization", "Basic dXNlcjpwdw=="}},
                                     HttpHeaders{{"Authorization", "Bearer"}}}) {
    const auto r = call("GET", "/api/users/profile", headers);
    EXPECT_EQ(status(r), 401);
    EXPECT_FALSE(r->header("WWW-Authenticate").empty());
  }
  auto conn = db();
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM user_notification_preferences WHERE user_id = $1::bigint", {sub}), 0);
}

TEST_F(ApiAuth, BurstsPastTheLimitsGet429WithRetryAfter) {
  const Session s = register_user("burst");
  ASSERT_GT(s.user_id, 0);
  const auto login = [&](const std::string& mail, const std::string& ip) {
    return call("POST", "/api/auth/login", {}, R"({"email":")" + mail + R"(","password":"wrong password"})", ip);
  };
  // Per e-mail: five tries a minute, from one address...
  const std::string ip = fresh_ip();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(status(login(s.email, ip)), 401) << i;
  const auto limited = login(s.email, ip);
  ASSERT_EQ(status(limited), 429) << limited->body;
  EXPECT_EQ(limited->content_type, "application/problem+json");
  const int retry_after = std::atoi(limited->header("Retry-After").c_str());
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  // ...or from any other, even with the right password.
  const auto right = call("POST", "/api/auth/login", {},
                          R"({"email":")" + s.email + R"(","password":")" + kPassword + R"("})", fresh_ip());
  EXPECT_EQ(status(right), 429);

  // Per address: five tries a minute whatever the e-mail.
  const std::string ip2 = fresh_ip();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(status(login(email("nobody" + std::to_string(i)), ip2)), 401) << i;
  const auto by_ip = login(email("nobody9"), ip2);
  EXPECT_EQ(status(by_ip), 429);
  EXPECT_FALSE(by_ip->header("Retry-After").empty());

  // Register has its own limits.
  const std::string ip3 = fresh_ip();
  for (int i = 0; i < 5; ++i) {
    const auto r = call("POST", "/api/auth/register", {},
                        R"({"email":")" + email("reg" + std::to_string(i)) + R"(","password":")" + kPassword + R"("})",
                        ip3);
    EXPECT_EQ(status(r), 201) << r->body;
    if (r && r->status == 201) server_.track_user(parse(*r).at("user").at("id").as_int64());
  }
  const auto reg = call("POST", "/api/auth/register", {},
                        R"({"email":")" + email("reg9") + R"(","password":")" + kPassword + R"("})", ip3);
  EXPECT_EQ(status(reg), 429);
  EXPECT_FALSE(reg->header("Retry-After").empty());
  auto conn = db();
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM users WHERE lower(email) = lower($1)", {email("reg9")}), 0);
}

TEST_F(ApiAuth, RedisDownFailsLoginAndRegisterClosedOtherEndpointsStayUp) {
  const Session s = register_user("noredis");
  ASSERT_GT(s.user_id, 0);
  // A second api whose Redis is a closed port: the shared Redis stays up
  // for everyone else.
  const std::uint16_t port = free_port();
  Child down({"api", "--api-port", std::to_string(port)},
             {{"JWT_SECRET", kSecret}, {"REDIS_URL", "redis://127.0.0.1:" + std::to_string(free_port()) + "/0"}});
  ASSERT_TRUE(eventually([&] { return http_get(port, "/healthz").has_value(); }, std::chrono::seconds(20)))
      << down.log_tail();
  const auto on_down = [&](const std::string& method, const std::string& target, const HttpHeaders& h = {},
                           const std::string& body = {}) { return http_request(port, method, target, h, body); };
  const std::string credentials = R"({"email":")" + s.email + R"(","password":")" + kPassword + R"("})";
  const auto login = on_down("POST", "/api/auth/login", {}, credentials);
  EXPECT_EQ(status(login), 503);
  EXPECT_EQ(login->content_type, "application/problem+json");
  EXPECT_EQ(status(on_down("POST", "/api/auth/register", {},
                           R"({"email":")" + email("noredis2") + R"(","password":")" + kPassword + R"("})")),
            503);
  EXPECT_EQ(status(on_down("POST", "/api/auth/refresh", {}, R"({"refresh_token":")" + s.refresh + R"("})")), 503);
  EXPECT_EQ(status(on_down("GET", "/api/auth/verify", bearer(s.access))), 200);
  EXPECT_EQ(status(on_down("GET", "/api/users/profile", bearer(s.access))), 200);
  EXPECT_EQ(status(on_down("GET", "/api/users/preferences", bearer(s.access))), 200);
  EXPECT_EQ(status(on_down("GET", "/api/companies/tracked", bearer(s.access))), 200);
  EXPECT_EQ(status(on_down("GET", "/api/companies?limit=1")), 200);
  EXPECT_EQ(status(on_down("GET", "/readyz")), 503);
  down.signal(SIGTERM);
  EXPECT_EQ(down.wait(), 0) << down.log_tail();
}

TEST_F(ApiAuth, PreferencesChangeReachesTheTopicThroughTheOutbox) {
  const Session s = register_user("outbox");
  ASSERT_GT(s.user_id, 0);
  const std::string id = std::to_string(s.user_id);
  auto conn = db();
  ASSERT_EQ(status(call("POST", "/api/companies/track/" + company("B"), bearer(s.access))), 201);
  ASSERT_TRUE(conn.exec("INSERT INTO alert_rules (user_id, company_id, kind, params) "
                        "SELECT $1::bigint, id, 'price_above', '{\"price\": 250}' FROM companies WHERE symbol = $2",
                        {id, company("B")}));

  // Read user-preferences from its current end, as a fresh consumer.
  auto consumer = preferences_consumer_at_end("itest-auth-" + tag_);
  ASSERT_TRUE(consumer);

  const std::int64_t rows_before = query_int(conn, "SELECT count(*) FROM outbox WHERE key = $1", {id});
  const auto put = call("PUT", "/api/users/preferences", bearer(s.access),
                        R"({"price_change_threshold":1.25,"channels":{"push":true},)"
                        R"("quiet_hours":{"start":"21:30","end":"06:45","time_zone":"America/New_York"}})");
  ASSERT_EQ(status(put), 200) << put->body;
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM outbox WHERE key = $1", {id}), rows_before + 1);
  auto row = conn.exec("SELECT payload::text FROM outbox WHERE key = $1 ORDER BY id DESC LIMIT 1", {id});
  ASSERT_TRUE(row && row->size() == 1);
  auto stored = model::decode_preferences(row->get(0, 0));
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_EQ(stored->price_change_threshold, 1.25);

  const auto seen = await_preferences(
      *consumer, id, [](const model::UserPreferences& p) { return p.price_change_threshold == 1.25; },
      std::chrono::seconds(30));
  ASSERT_TRUE(seen) << server_.log_tail();
  consumer->close();
  EXPECT_EQ(seen->user_id.value(), s.user_id);
  EXPECT_EQ(seen->tracked, std::vector<std::string>{company("B")});
  EXPECT_TRUE(seen->channels.push);
  EXPECT_TRUE(seen->channels.email);
  ASSERT_TRUE(seen->quiet_hours);
  EXPECT_EQ(seen->quiet_hours->start, "21:30");
  EXPECT_EQ(seen->quiet_hours->time_zone, "America/New_York");
  ASSERT_EQ(seen->rules.size(), 1u);
  EXPECT_EQ(seen->rules[0].symbol, company("B"));
  EXPECT_EQ(seen->rules[0].kind, model::RuleKind::kPriceAbove);
  EXPECT_FALSE(seen->deleted);
  EXPECT_TRUE(eventually(
      [&] { return query_int(conn, "SELECT count(*) FROM outbox WHERE key = $1 AND published_at IS NULL", {id}) == 0; },
      std::chrono::seconds(10)));

  // An unknown time zone is refused by name, and writes nothing.
  const auto bad_zone = call("PUT", "/api/users/preferences", bearer(s.access),
                             R"({"quiet_hours":{"start":"21:30","end":"06:45","time_zone":"Mars/Olympus"}})");
  EXPECT_EQ(status(bad_zone), 400);
  EXPECT_EQ(field(bad_zone), "quiet_hours.time_zone");
  EXPECT_EQ(query_int(conn, "SELECT count(*) FROM outbox WHERE key = $1", {id}), rows_before + 1);
}

}  // namespace
}  // namespace st::itest
