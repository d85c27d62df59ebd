#pragma once
// For the libFuzzer targets: an invariant that does not hold is a finding
// like a crash, so it aborts (libFuzzer saves the input as crash-<sha1>)
// after printing what broke. assert() would vanish under NDEBUG. Also the
// codecs' round trip, which several targets check.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace st::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n  %.*s\n", file, line, what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

}  // namespace st::fuzz

/// FUZZ_CHECK(cond, detail): `detail` is a string_view printed on failure
/// (usually the input or the value that broke the invariant).
#define FUZZ_CHECK(cond, detail)                                             \
  do {                                                                       \
    if (!(cond)) ::st::fuzz::fail(#cond, (detail), __FILE__, __LINE__);      \
  } while (false)

namespace st::fuzz {

/// `value` encodes (the model's encode, found by argument-dependent lookup)
/// to a message `decode` reads as the same value.
template <class Decode, class T>
void check_encodes_back(Decode decode, const T& value) {
  const std::string encoded = encode(value);
  const auto back = decode(encoded);
  FUZZ_CHECK(back.has_value(), encoded);
  FUZZ_CHECK(*back == value, encoded);
}

/// The codec contract: what `decode` accepts, encode writes as a message
/// `decode` reads back as the same value; a refusal says why.
template <class Decode>
void check_round_trip(Decode decode, std::string_view json) {
  const auto value = decode(json);
  if (!value) {
    FUZZ_CHECK(!value.error().message.empty(), json);
    return;
  }
  check_encodes_back(decode, *value);
}

}  // namespace st::fuzz
