#pragma once
// libsodium must be initialised once before randombytes_buf is used.
#include <sodium.h>

#include <cstdlib>

namespace st::auth {

inline void ensure_sodium() {
  // sodium_init is thread-safe and idempotent; -1 means no usable entropy
  // source, with which no token or salt may be made.
  static const int rc = sodium_init();
  if (rc < 0) std::abort();
}

}  // namespace st::auth
