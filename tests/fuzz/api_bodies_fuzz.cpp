// REST request bodies: the first byte picks the endpoint, the rest is the
// raw body, read by the same functions its route calls (parse_body with
// the route's fields, then the route's pure field checks). Invariants: an
// accepted body holds only the route's fields; a refusal is a 4xx problem
// whose body is valid JSON; preferences written back as JSON and applied
// again give the same settings.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "preferences.hpp"
#include "request_body.hpp"
#include "stocktracker/auth/password.hpp"
#include "stocktracker/model/json.hpp"
#include "stocktracker/model/rule_params.hpp"

namespace {

namespace json = boost::json;
using st::http::Response;

void check_problem(const Response& r) {
  FUZZ_CHECK(r.status >= 400 && r.status < 500, r.body);
  boost::system::error_code ec;
  const auto v = json::parse(r.body, ec);
  FUZZ_CHECK(!ec && v.is_object(), r.body);
}

/// parse_body as the route calls it; nullopt when it refused (checked).
std::optional<json::object> body_of(const st::http::Request& req, std::initializer_list<std::string_view> allowed,
                                    bool required = true) {
  auto body = st::api::parse_body(req, allowed, required);
  if (!body) {
    check_problem(body.error());
    return std::nullopt;
  }
  FUZZ_CHECK(!st::api::unknown_key(*body, allowed), req.body);
  return std::move(*body);
}

void string_fields(const json::object& body, std::initializer_list<std::pair<std::string_view, std::size_t>> fields) {
  for (const auto& [name, max] : fields) {
    auto s = st::api::string_field(body, name, max);
    if (!s) {
      check_problem(s.error());
      continue;
    }
    FUZZ_CHECK(s->size() <= max, *s);
    if (name == "password") (void)st::auth::check_password(*s);
  }
}

/// PUT /api/users/preferences.
void preferences(const json::object& body) {
  const st::api::NotificationSettings current;
  const auto updated = st::api::apply_preferences(current, body);
  if (!updated) {
    FUZZ_CHECK(!updated.error().field.empty(), updated.error().detail);
    return;
  }
  const std::string written = st::api::preferences_json(*updated);
  boost::system::error_code ec;
  const auto again = st::model::parse_json(written, ec);  // as parse_body reads a PUT
  FUZZ_CHECK(!ec && again.is_object(), written);
  const auto reread = st::api::apply_preferences(current, again.as_object());
  FUZZ_CHECK(reread.has_value(), written);
  FUZZ_CHECK(*reread == *updated, written);
}

/// POST/PATCH /api/alerts/rules: kind and params as the route reads them.
void alert_rule(const json::object& body) {
  const auto* kind = body.if_contains("kind");
  const auto* params = body.if_contains("params");
  if (kind == nullptr || !kind->is_string() || params == nullptr || !params->is_object()) return;
  const auto parsed_kind = st::model::parse_enum<st::model::RuleKind>(kind->as_string());
  if (!parsed_kind) return;
  (void)st::model::parse_rule_params(*parsed_kind, json::serialize(params->as_object()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  st::http::Request req;
  req.method = "POST";
  req.headers.emplace_back("Content-Type", "application/json");
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8) {
    case 0:  // POST /api/auth/register
      if (auto b = body_of(req, {"email", "password", "display_name"})) string_fields(*b, {{"email", 254}, {"password", 4096}});
      break;
    case 1:  // POST /api/auth/login
      if (auto b = body_of(req, {"email", "password"})) string_fields(*b, {{"email", 254}, {"password", 4096}});
      break;
    case 2:  // POST /api/auth/refresh
      if (auto b = body_of(req, {"refresh_token"})) string_fields(*b, {{"refresh_token", 128}});
      break;
    case 3:  // POST /api/auth/logout: the body is optional
      if (auto b = body_of(req, {"refresh_token"}, false); b && !b->empty()) string_fields(*b, {{"refresh_token", 128}});
      break;
    case 4:  // PUT /api/users/preferences
      if (auto b = body_of(req, {"channels", "price_change_threshold", "phone", "quiet_hours"})) preferences(*b);
      break;
    case 5:  // POST /api/alerts/rules, PATCH /api/alerts/rules/:id
      if (auto b = body_of(req, {"symbol", "company_id", "kind", "params", "repeat_mode", "cooldown_seconds"})) {
        alert_rule(*b);
      }
      break;
    case 6:  // PUT /api/notifications/read
      (void)body_of(req, {"ids", "all"});
      break;
    default:  // POST /api/push/subscriptions
      if (auto b = body_of(req, {"endpoint", "keys", "expirationTime"})) string_fields(*b, {{"endpoint", 2048}});
      break;
  }
  return 0;
}
