#include "crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <array>

namespace st::notify::crypto {
namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using Group = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

constexpr std::size_t kPointBytes = 65;
constexpr std::size_t kScalarBytes = 32;
constexpr char kCurve[] = "prime256v1";

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::unexpected<Error> crypto_error(std::string_view what) {
  return fail(Errc::kInvalidInput, "crypto: " + std::string(what));
}

/// An EVP_PKEY from raw parts: the public point, and the scalar when given.
Result<Pkey> make_pkey(std::string_view point, std::string_view scalar) {
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) return crypto_error("out of memory");
  Bignum priv;
  bool ok = OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kCurve, 0) == 1;
  ok = ok && OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
  if (!scalar.empty()) {
    priv.reset(BN_bin2bn(bytes(scalar), static_cast<int>(scalar.size()), nullptr));
    ok = ok && priv && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) == 1;
  }
  Params params(ok ? OSSL_PARAM_BLD_to_param(bld.get()) : nullptr);
  if (!params) return crypto_error("cannot build the key parameters");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  const int selection = scalar.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
    return crypto_error("not a P-256 key");
  }
  Pkey key(raw);
  // fromdata does not check that the point is on the curve: a peer's key must be.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return crypto_error("not a point on P-256");
  return key;
}

Result<std::string> point_of(const EVP_PKEY* key) {
  std::string point(kPointBytes, '\0');
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, reinterpret_cast<unsigned char*>(point.data()),
                                      point.size(), &len) != 1 ||
      len != kPointBytes) {
    return crypto_error("cannot read the public point");
  }
  return point;
}

}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(in), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string base64url_encode(std::string_view in) {
  std::string out = base64_encode(in);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string std_text;
  for (const char c : text) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      std_text.push_back(c);
    } else if (c == '-') {
      std_text.push_back('+');
    } else if (c == '_') {
      std_text.push_back('/');
    } else {
      return std::nullopt;
    }
  }
  if (std_text.size() % 4 == 1) return std::nullopt;
  const std::size_t pad = (4 - std_text.size() % 4) % 4;
  std_text.append(pad, '=');
  std::string out(std_text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(std_text),
                                static_cast<int>(std_text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes.
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, EVP_sha256(), nullptr);
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

std::string hkdf_sha256(std::string_view salt, std::string_view ikm, std::string_view info, std::size_t length) {
  const std::string prk = hmac_sha256(salt, ikm);
  std::string block(info);
  block.push_back('\x01');  // T(1) = HMAC(PRK, info || 0x01)
  std::string okm = hmac_sha256(prk, block);
  okm.resize(std::min<std::size_t>(length, okm.size()));
  return okm;
}

Result<std::string> aes128gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext) {
  if (key.size() != 16 || nonce.size() != 12) return crypto_error("AES-128-GCM needs a 16-byte key and 12-byte nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + 16, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1;
  ok = ok && EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), o, &len, bytes(plaintext), static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), o + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, o + total) == 1;
  if (!ok) return crypto_error("AES-128-GCM failed");
  out.resize(static_cast<std::size_t>(total) + 16);
  return out;
}

Result<std::string> random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return fail(Errc::kInternal, "crypto: no random bytes");
  }
  return out;
}

struct P256Key::Impl {
  Pkey key;
  bool has_private = false;
};

P256Key::P256Key(std::unique_ptr<Impl> impl, std::string point) : impl_(std::move(impl)), public_point_(std::move(point)) {}
P256Key::P256Key(P256Key&&) noexcept = default;
P256Key& P256Key::operator=(P256Key&&) noexcept = default;
P256Key::~P256Key() = default;

Result<P256Key> P256Key::generate() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return fail(Errc::kInternal, "crypto: P-256 key generation failed");
  // Uncompressed points, as Web Push and VAPID exchange them.
  EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed");
  auto point = point_of(key.get());
  if (!point) return std::unexpected(point.error());
  return P256Key(std::make_unique<Impl>(Impl{std::move(key), true}), std::move(*point));
}

Result<P256Key> P256Key::from_private(std::string_view scalar) {
  if (scalar.size() != kScalarBytes) return crypto_error("a P-256 private key is 32 bytes");
  Group group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  Bignum n(BN_bin2bn(bytes(scalar), static_cast<int>(scalar.size()), nullptr));
  if (!group || !n || BN_is_zero(n.get()) || BN_cmp(n.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return crypto_error("not a P-256 private key");
  }
  Point pub(EC_POINT_new(group.get()));
  std::string point(kPointBytes, '\0');
  if (!pub || EC_POINT_mul(group.get(), pub.get(), n.get(), nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(point.data()), point.size(), nullptr) != kPointBytes) {
    return crypto_error("cannot derive the public point");
  }
  auto key = make_pkey(point, scalar);
  if (!key) return std::unexpected(key.error());
  return P256Key(std::make_unique<Impl>(Impl{std::move(*key), true}), std::move(point));
}

Result<P256Key> P256Key::from_public(std::string_view point) {
  if (point.size() != kPointBytes || point[0] != '\x04') {
    return crypto_error("a P-256 public key is a 65-byte uncompressed point");
  }
  auto key = make_pkey(point, {});
  if (!key) return std::unexpected(key.error());
  return P256Key(std::make_unique<Impl>(Impl{std::move(*key), false}), std::string(point));
}

Result<std::string> P256Key::private_scalar() const {
  if (!impl_->has_private) return crypto_error("a public key has no private scalar");
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(impl_->key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1) {
    return crypto_error("cannot read the private scalar");
  }
  Bignum n(raw);
  std::string out(kScalarBytes, '\0');
  BN_bn2binpad(n.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(kScalarBytes));
  return out;
}

Result<std::string> P256Key::ecdh(const P256Key& peer) const {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, impl_->key.get(), nullptr));
  std::string secret(kScalarBytes, '\0');
  std::size_t len = secret.size();
  if (!impl_->has_private || !ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.impl_->key.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &len) != 1 || len != kScalarBytes) {
    return crypto_error("ECDH failed");
  }
  return secret;
}

Result<std::string> P256Key::sign_es256(std::string_view data) const {
  MdCtx ctx(EVP_MD_CTX_new());
  std::array<unsigned char, 80> der{};  // a P-256 DER signature is at most 72 bytes
  std::size_t der_len = der.size();
  if (!impl_->has_private || !ctx ||
      EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, impl_->key.get(), nullptr) != 1 ||
      EVP_DigestSign(ctx.get(), der.data(), &der_len, bytes(data), data.size()) != 1) {
    return crypto_error("ES256 signing failed");
  }
  // JWS wants r || s, each 32 bytes big-endian, not OpenSSL's DER.
  const unsigned char* p = der.data();
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return crypto_error("ES256 signature unreadable");
  std::string out(2 * kScalarBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), o, static_cast<int>(kScalarBytes));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), o + kScalarBytes, static_cast<int>(kScalarBytes));
  return out;
}

}  // namespace st::notify::crypto
