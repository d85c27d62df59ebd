#pragma once
// Password hashing with bcrypt ("$2b$", libxcrypt). bcrypt reads at most 72
// bytes of a password, so a longer one is refused instead of being silently
// cut: two passwords that share their first 72 bytes must never both match.
// Thread-safe: every call has its own crypt state.
#include <cstddef>
#include <string>
#include <string_view>

#include "stocktracker/base/error.hpp"

namespace st::auth {

inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMaxPasswordBytes = 72;  // bcrypt's input limit
inline constexpr int kBcryptCost = 12;

/// kInvalidInput with a message fit for a user ("password: must be at most
/// 72 bytes (got 73)") when the password is too short, too long or holds a
/// NUL byte (crypt reads C strings, so a NUL would cut it).
Status check_password(std::string_view password);

/// A bcrypt hash "$2b$<cost>$<salt><hash>" of a password that passes
/// check_password, salted with 16 random bytes from libsodium. `cost` is
/// a parameter for tests only (4 to 31); services use kBcryptCost.
Result<std::string> hash_password(std::string_view password, int cost = kBcryptCost);

/// Whether `password` matches `hash`, comparing the whole crypt output in
/// constant time. A password that fails check_password never matches; a
/// malformed `hash` is an error (kInvalidInput), not a mismatch.
Result<bool> verify_password(std::string_view password, std::string_view hash);

}  // namespace st::auth
