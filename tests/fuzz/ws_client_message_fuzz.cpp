// Text frames a /ws client sends (subscribe, unsubscribe, ping). Besides not
// crashing: an accepted message keeps the protocol's limits (valid, unique
// symbols, at most kMaxSymbols; a ping id of at most 64 bytes), and every
// frame the server answers with (subscribed, pong, error) is a JSON object
// that a client can parse: a browser closes the socket on a text frame that
// is not valid UTF-8.
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "stocktracker/model/symbol.hpp"
#include "ws_protocol.hpp"

namespace {

void check_frame(const std::string& frame) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(frame, ec);
  FUZZ_CHECK(!ec && v.is_object(), frame);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ws = st::api::ws;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto msg = ws::parse_client_message(text);
  if (!msg) {
    FUZZ_CHECK(!msg.error().code.empty(), text);
    check_frame(ws::error_frame(msg.error()));
    return 0;
  }
  switch (msg->type) {
    case ws::ClientMessage::Type::kSubscribe:
    case ws::ClientMessage::Type::kUnsubscribe: {
      const auto& s = msg->symbols;
      FUZZ_CHECK(!s.empty() && s.size() <= ws::kMaxSymbols, text);
      for (std::size_t i = 0; i < s.size(); ++i) {
        FUZZ_CHECK(st::model::valid_symbol(s[i]), s[i]);
        FUZZ_CHECK(std::find(s.begin() + static_cast<std::ptrdiff_t>(i) + 1, s.end(), s[i]) == s.end(), s[i]);
      }
      check_frame(ws::subscribed_frame(s));
      break;
    }
    case ws::ClientMessage::Type::kPing:
      FUZZ_CHECK(msg->id.size() <= 64, msg->id);
      check_frame(ws::pong_frame(msg->id));
      break;
  }
  return 0;
}
