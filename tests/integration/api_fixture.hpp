// The shared fixture of the `stocktracker api` integration tests: one api
// process on a free port with its own JWT secret, two test companies, the
// users registered through it, and the teardown that removes them all.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "harness.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"

namespace st::itest {

inline const std::string kApiPassword = "correct horse battery";

/// A loopback address of its own for each call, so per-IP limits of this
/// run never meet those of another test or another run.
std::string fresh_ip();

HttpHeaders bearer(const std::string& token);

/// The body as a JSON object, or an empty one.
boost::json::object parse(const HttpResponse& r);
/// A string member, or "" when missing or not a string.
std::string str(const boost::json::object& o, std::string_view key);
/// The status, or -1 when there was no response.
int status(const std::optional<HttpResponse>& r);
/// The "field" member of a problem body, or "".
std::string field(const std::optional<HttpResponse>& r);

/// A consumer in group `group` assigned to user-preferences at its current
/// end, as a fresh consumer; null (with a test failure) when it cannot be made.
std::unique_ptr<kafka::Consumer> preferences_consumer_at_end(const std::string& group);

/// Polls `consumer` until a record keyed `key` decodes to preferences that
/// `match` accepts (records that do not decode are test failures); nullopt
/// after `timeout`.
std::optional<model::UserPreferences> await_preferences(
    kafka::Consumer& consumer, const std::string& key,
    const std::function<bool(const model::UserPreferences&)>& match, std::chrono::seconds timeout);

struct Session {
  std::int64_t user_id = 0;
  std::string email;
  std::string access;
  std::string refresh;
};

class ApiServer {
 public:
  /// Migrates, creates the topics, inserts the companies
  /// `company_prefix + tag + "A"` and `... "B"` (named `name_prefix + symbol`)
  /// and starts `stocktracker api` with `secret` as JWT_SECRET. Uses gtest
  /// assertions.
  void start(const std::string& tag, const std::string& company_prefix, const std::string& name_prefix,
             const std::string& secret, const std::map<std::string, std::string>& extra_env = {});

  /// Tombstones the tracked users on user-preferences, deletes them (and any
  /// itest-<tag>-* e-mail), waits for the outbox to drain, deletes the
  /// companies and stops the api.
  void stop_and_clean();

  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// The api process (to read its memory from /proc).
  [[nodiscard]] pid_t pid() const { return api_ ? api_->pid() : -1; }
  [[nodiscard]] const std::string& tag() const { return tag_; }
  [[nodiscard]] std::string log_tail() const;
  [[nodiscard]] std::string company(const std::string& suffix) const { return company_prefix_ + tag_ + suffix; }
  [[nodiscard]] std::string email(const std::string& name) const {
    return "itest-" + tag_ + "-" + name + "@example.com";
  }

  [[nodiscard]] std::optional<HttpResponse> request(const std::string& method, const std::string& target,
                                                    const HttpHeaders& headers = {}, const std::string& body = {},
                                                    const std::string& ip = "127.0.0.1") const;
  /// A request with the session's access token as bearer.
  [[nodiscard]] std::optional<HttpResponse> call(const std::string& method, const std::string& target,
                                                 const Session& session, const std::string& body = {}) const;

  /// Registers `name` (from its own address) and remembers it for cleanup.
  Session register_user(const std::string& name, const std::string& password = kApiPassword);
  void track_user(std::int64_t id) { users_.insert(id); }

 private:
  std::uint16_t port_ = 0;
  std::unique_ptr<Child> api_;
  std::string tag_;
  std::string company_prefix_;
  std::set<std::int64_t> users_;
};

}  // namespace st::itest
