#pragma once
// Opaque random tokens (refresh tokens, JWT ids) and the digest under which
// a refresh token is stored, so a leaked Redis dump holds no usable token.
#include <cstddef>
#include <string>
#include <string_view>

namespace st::auth {

/// `bytes` random bytes from libsodium, base64url without padding.
std::string random_token(std::size_t bytes);

/// SHA-256 of `token` as 64 lower-case hex digits.
std::string token_digest(std::string_view token);

}  // namespace st::auth
