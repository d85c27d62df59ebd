#include "twilio_sms.hpp"

#include <boost/json.hpp>

#include "message_text.hpp"

namespace st::notify {
namespace {

std::string form_field(std::string_view name, std::string_view value) {
  std::string out(name);
  out.push_back('=');
  out += httpclient::percent_encode(value);
  return out;
}

/// "twilio 21211: Invalid 'To' Phone Number (more_info)" from an error body,
/// or the status and the start of the body when it is not Twilio's JSON.
std::string error_detail(const httpclient::Response& r) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(r.body, ec);
  std::string out = "twilio HTTP " + std::to_string(r.status);
  if (ec || !v.is_object()) return out + ": " + r.body.substr(0, 200);
  const auto& o = v.as_object();
  if (const auto* code = o.if_contains("code"); code != nullptr && code->is_int64()) {
    out += " code " + std::to_string(code->as_int64());
  }
  if (const auto* message = o.if_contains("message"); message != nullptr && message->is_string()) {
    out += ": " + std::string(message->as_string());
  }
  if (const auto* more = o.if_contains("more_info"); more != nullptr && more->is_string()) {
    out += " (" + std::string(more->as_string()) + ")";
  }
  return out;
}

}  // namespace

httpclient::Request twilio_request(const TwilioAccount& account, std::string_view to, std::string_view text) {
  httpclient::Request r;
  r.url = account.base_url + "/2010-04-01/Accounts/" + httpclient::percent_encode(account.sid) + "/Messages.json";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  std::string body = form_field("To", to);
  body += '&';
  body += form_field("From", account.from);
  body += '&';
  body += form_field("Body", truncate_chars(text, kMaxSmsChars));
  r.body = std::move(body);
  r.basic_auth = account.sid + ":" + account.token;
  return r;
}

Attempt classify_twilio_response(const httpclient::Response& response, EpochMs now) {
  std::optional<std::chrono::milliseconds> retry_after;
  if (auto h = response.header("retry-after")) {
    if (auto ms = httpclient::parse_retry_after(*h, now)) retry_after = std::chrono::milliseconds(*ms);
  }
  const bool ok = response.status >= 200 && response.status < 300;
  return classify_http_status(response.status, retry_after, ok ? std::string() : error_detail(response));
}

Attempt TwilioSmsSender::send(const OutboundMessage& message) {
  if (message.phone.empty()) return {AttemptResult::kPermanent, "the user has no phone number", {}, {}};
  std::string text = message.title;
  if (!message.body.empty()) text += "\n" + message.body;
  auto response = client_->get(twilio_request(account_, message.phone, text));
  if (!response) {
    return {response.error().retryable() ? AttemptResult::kTransient : AttemptResult::kPermanent,
            response.error().message, {}, {}};
  }
  return classify_twilio_response(*response, SystemClock::instance().now_ms());
}

}  // namespace st::notify
