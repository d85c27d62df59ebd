#pragma once
// The cryptography of the notify channels, on OpenSSL (whose headers stay in
// crypto.cpp): base64 for MIME and JWS, SHA-256/HMAC/HKDF, AES-128-GCM and
// P-256 keys for ECDH (RFC 8291) and ES256 signatures (RFC 8292 VAPID).
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "stocktracker/base/error.hpp"

namespace st::notify::crypto {

/// RFC 4648 §4 with padding (MIME bodies).
std::string base64_encode(std::string_view bytes);
/// RFC 4648 §5 without padding (JWS, Web Push keys).
std::string base64url_encode(std::string_view bytes);
/// Base64url, trailing '=' tolerated; nullopt on any other character.
std::optional<std::string> base64url_decode(std::string_view text);

std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
/// RFC 5869 HKDF with SHA-256; `length` at most 32 (one block is all Web Push needs).
std::string hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info, std::size_t length);
/// Ciphertext followed by the 16-byte tag; key 16 bytes, nonce 12 bytes.
Result<std::string> aes128gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext);
/// `n` bytes from OpenSSL's CSPRNG.
Result<std::string> random_bytes(std::size_t n);

/// A P-256 key pair (or a public key alone). Movable, not copyable.
class P256Key {
 public:
  static Result<P256Key> generate();
  /// From the raw 32-byte private scalar; the public point is derived.
  static Result<P256Key> from_private(std::string_view scalar);
  /// A public key alone, from its 65-byte uncompressed point.
  static Result<P256Key> from_public(std::string_view point);

  P256Key(P256Key&&) noexcept;
  P256Key& operator=(P256Key&&) noexcept;
  ~P256Key();

  /// The 65-byte uncompressed point 0x04 || X || Y.
  [[nodiscard]] const std::string& public_point() const { return public_point_; }
  /// The 32-byte private scalar; empty for a public key.
  [[nodiscard]] Result<std::string> private_scalar() const;
  /// ECDH shared secret (the 32-byte X coordinate) with `peer`.
  [[nodiscard]] Result<std::string> ecdh(const P256Key& peer) const;
  /// ES256 (RFC 7518 §3.4): the 64-byte r || s signature of SHA-256(data).
  [[nodiscard]] Result<std::string> sign_es256(std::string_view data) const;

 private:
  struct Impl;
  explicit P256Key(std::unique_ptr<Impl> impl, std::string point);
  std::unique_ptr<Impl> impl_;
  std::string public_point_;
};

}  // namespace st::notify::crypto
