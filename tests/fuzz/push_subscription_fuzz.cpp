// A browser's push subscription as notify uses it (the API stores what
// the browser sent, notify reads it for every push): the p256dh and auth
// keys (base64url, lines 1 and 2 of the input) decoded and used for the
// RFC 8291 encryption, and the endpoint (line 3) whose origin becomes the
// VAPID JWT's audience. Invariant: an encrypted body is the RFC 8188
// header (86 bytes), the padded payload and the 16-byte tag.
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto.hpp"
#include "fuzz_check.hpp"
#include "web_push.hpp"

namespace {

namespace notify = st::notify;
namespace crypto = st::notify::crypto;

std::string_view next_line(std::string_view& text) {
  const auto nl = text.find('\n');
  const auto line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A fixed sender key and salt (notify draws them per message) and one VAPID identity.
  static const auto sender = crypto::P256Key::from_private(std::string(31, '\0') + '\x07');
  static const auto vapid = [] {
    const auto keys = notify::generate_vapid_keys();
    FUZZ_CHECK(keys.has_value(), "generate_vapid_keys");
    return notify::vapid_identity(keys->private_key, keys->public_key, "mailto:ops@example.com");
  }();
  FUZZ_CHECK(sender.has_value() && vapid.has_value(), "fixed keys");
  static const std::string salt(16, 's');
  static constexpr std::string_view kPayload = R"({"title":"AAPL above 200","body":"AAPL rose above 200"})";

  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto p256dh = crypto::base64url_decode(next_line(text));
  const auto auth = crypto::base64url_decode(next_line(text));
  const std::string_view endpoint = next_line(text);
  if (p256dh && auth) {
    const auto body = notify::encrypt_push_payload(kPayload, *p256dh, *auth, *sender, salt);
    if (body) FUZZ_CHECK(body->size() == 86 + kPayload.size() + 1 + 16, *body);
  }
  (void)notify::push_audience(endpoint);
  (void)notify::vapid_authorization(*vapid, endpoint, 1'700'000'000'000);
  return 0;
}
