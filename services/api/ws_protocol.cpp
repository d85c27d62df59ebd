#include "ws_protocol.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::api::ws {
namespace {

constexpr std::size_t kMaxPingId = 64;

std::unexpected<ProtocolError> refuse(std::string code, std::string message) {
  return std::unexpected(ProtocolError{std::move(code), std::move(message)});
}

std::expected<std::vector<std::string>, ProtocolError> symbols_of(const boost::json::object& o) {
  const auto* v = o.if_contains("symbols");
  if (v == nullptr || !v->is_array()) return refuse("bad_message", "symbols must be an array of symbols");
  const auto& arr = v->as_array();
  if (arr.empty()) return refuse("bad_message", "symbols must not be empty");
  if (arr.size() > kMaxSymbols) {
    return refuse("too_many_symbols", "at most " + std::to_string(kMaxSymbols) + " symbols per connection");
  }
  std::vector<std::string> out;
  out.reserve(arr.size());
  for (const auto& s : arr) {
    if (!s.is_string() || !model::valid_symbol(s.as_string())) {
      return refuse("bad_symbol", "each symbol must match [A-Z][A-Z0-9.-]{0,9}");
    }
    std::string sym(s.as_string());
    if (std::find(out.begin(), out.end(), sym) == out.end()) out.push_back(std::move(sym));
  }
  return out;
}

std::string wrap(std::string_view type, const std::string& data) {
  std::string out;
  out.reserve(data.size() + type.size() + 20);
  out += R"({"type":")";
  out += type;
  out += R"(","data":)";
  out += data;
  out += '}';
  return out;
}

}  // namespace

std::expected<ClientMessage, ProtocolError> parse_client_message(std::string_view text) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(text, ec);
  if (ec) return refuse("bad_json", "the message is not valid JSON");
  if (!value.is_object()) return refuse("bad_message", "the message must be a JSON object");
  const auto& o = value.as_object();
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) return refuse("bad_message", "type is required");
  ClientMessage msg;
  const std::string_view t = type->as_string();
  if (t == "subscribe" || t == "unsubscribe") {
    msg.type = t == "subscribe" ? ClientMessage::Type::kSubscribe : ClientMessage::Type::kUnsubscribe;
    for (const auto& member : o) {
      if (member.key() != "type" && member.key() != "symbols") {
        return refuse("bad_message", "unknown member: " + std::string(member.key().substr(0, 32)));
      }
    }
    auto symbols = symbols_of(o);
    if (!symbols) return std::unexpected(std::move(symbols.error()));
    msg.symbols = std::move(*symbols);
    return msg;
  }
  if (t == "ping") {
    msg.type = ClientMessage::Type::kPing;
    for (const auto& member : o) {
      if (member.key() == "type") continue;
      if (member.key() != "id") return refuse("bad_message", "unknown member: " + std::string(member.key().substr(0, 32)));
      if (!member.value().is_string() || member.value().as_string().size() > kMaxPingId) {
        return refuse("bad_message", "id must be a string of at most 64 characters");
      }
      msg.id = std::string(member.value().as_string());
    }
    return msg;
  }
  return refuse("bad_message", "type must be subscribe, unsubscribe or ping");
}

std::string error_frame(const ProtocolError& error) {
  std::string out = R"({"type":"error","code":)";
  append_json_string(out, error.code);
  out += R"(,"message":)";
  append_json_string(out, error.message);
  out += '}';
  return out;
}

std::string pong_frame(std::string_view id) {
  std::string out = R"({"type":"pong")";
  if (!id.empty()) {
    out += R"(,"id":)";
    append_json_string(out, id);
  }
  out += '}';
  return out;
}

std::string subscribed_frame(const std::vector<std::string>& symbols) {
  std::string out = R"({"type":"subscribed","symbols":[)";
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, symbols[i]);
  }
  out += "]}";
  return out;
}

std::string tick_frame(const model::PriceTick& tick) { return wrap("tick", model::encode(tick)); }
std::string candle_frame(const model::Candle& candle) { return wrap("candle", model::encode(candle)); }
std::string alert_frame(const model::Alert& alert) { return wrap("alert", model::encode(alert)); }
std::string notification_frame(const model::NotificationEvent& notification) {
  return wrap("notification", model::encode(notification));
}

std::string tick_key(std::string_view symbol) {
  std::string key = "t:";
  key += symbol;
  return key;
}

std::string candle_key(const model::Candle& candle) {
  std::string key = "c:";
  key += candle.symbol;
  key += ':';
  key += std::to_string(candle.start_ts);
  return key;
}

bool FloodGuard::allow(EpochMs now) {
  if (count_ == 0 || now - window_start_ >= 1000 || now < window_start_) {
    window_start_ = now;
    count_ = 0;
  }
  return ++count_ <= limit_;
}

}  // namespace st::api::ws
