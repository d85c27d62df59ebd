#include "stocktracker/auth/password.hpp"

#include <crypt.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <optional>

#include "sodium_init.hpp"

namespace st::auth {
namespace {

constexpr std::size_t kSaltBytes = 16;  // bcrypt's salt size

/// crypt_rn with its ~32 KiB state on the heap (zeroed, as libxcrypt asks).
/// nullopt when libxcrypt refuses the setting.
std::optional<std::string> run_crypt(const std::string& password, const std::string& setting) {
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(password.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  // crypt_rn returns a null pointer on failure; some methods instead return
  // a string starting with '*' (never a valid hash).
  if (out == nullptr || out[0] == '*') return std::nullopt;
  std::string result(out);
  sodium_memzero(data.get(), sizeof(crypt_data));
  return result;
}

}  // namespace

Status check_password(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return fail(Errc::kInvalidInput, "password: must be at least " + std::to_string(kMinPasswordBytes) + " bytes");
  }
  if (password.size() > kMaxPasswordBytes) {
    return fail(Errc::kInvalidInput, "password: must be at most " + std::to_string(kMaxPasswordBytes) +
                                         " bytes (got " + std::to_string(password.size()) +
                                         "); bcrypt would ignore the rest");
  }
  if (password.find('\0') != std::string_view::npos) {
    return fail(Errc::kInvalidInput, "password: must not contain a NUL character");
  }
  return {};
}

Result<std::string> hash_password(std::string_view password, int cost) {
  if (auto st = check_password(password); !st) return std::unexpected(st.error());
  if (cost < 4 || cost > 31) return fail(Errc::kInvalidInput, "bcrypt cost must be from 4 to 31");
  ensure_sodium();
  std::array<unsigned char, kSaltBytes> salt{};
  randombytes_buf(salt.data(), salt.size());
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), reinterpret_cast<const char*>(salt.data()),
                       static_cast<int>(salt.size()), setting.data(), static_cast<int>(setting.size())) == nullptr) {
    return fail(Errc::kInternal, "crypt_gensalt_rn refused the bcrypt setting");
  }
  auto hash = run_crypt(std::string(password), setting.data());
  if (!hash) return fail(Errc::kInternal, "crypt_rn failed to hash with bcrypt");
  return std::move(*hash);
}

Result<bool> verify_password(std::string_view password, std::string_view hash) {
  if (!hash.starts_with("$2b$") && !hash.starts_with("$2y$") && !hash.starts_with("$2a$")) {
    return fail(Errc::kInvalidInput, "stored password hash is not a bcrypt hash");
  }
  // A password registration would have refused cannot match; it is still
  // hashed, so answering takes as long as for any other password.
  const bool acceptable = check_password(password).has_value();
  const std::string candidate = acceptable ? std::string(password) : std::string(kMinPasswordBytes, 'x');
  auto out = run_crypt(candidate, std::string(hash));
  if (!out) return fail(Errc::kInvalidInput, "stored password hash is malformed");
  const bool same = out->size() == hash.size() && sodium_memcmp(out->data(), hash.data(), hash.size()) == 0;
  return acceptable && same;
}

}  // namespace st::auth
