#pragma once
// Base64url without padding (RFC 4648 §5), as JWS compact tokens use it;
// libsodium does the work. Private to the auth module.
#include <optional>
#include <string>
#include <string_view>

namespace st::auth {

std::string base64url_encode(std::string_view bytes);
/// nullopt on any character outside the alphabet, padding included.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace st::auth
