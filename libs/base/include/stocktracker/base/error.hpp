#pragma once
// Expected failures on I/O and data paths are values (std::expected<T, Error>),
// never exceptions. Each error says whether retrying the same operation can
// help, so callers decide between backoff and dead-lettering without parsing
// messages.
#include <expected>
#include <string>
#include <utility>

namespace st {

enum class Errc {
  kInvalidInput,  // the input itself is wrong: retrying cannot help
  kNotFound,
  kConflict,
  kUnavailable,  // a server is down or unreachable: retry later
  kTimeout,
  kFenced,  // another instance owns this work now: stop writing
  kAborted,  // a transaction was aborted: redo the work from the last commit
  kInternal,
};

struct Error {
  Errc code = Errc::kInternal;
  std::string message;

  [[nodiscard]] bool retryable() const noexcept {
    switch (code) {
      case Errc::kUnavailable:
      case Errc::kTimeout:
        return true;
      case Errc::kInvalidInput:
      case Errc::kNotFound:
      case Errc::kConflict:
      case Errc::kFenced:
      case Errc::kAborted:
      case Errc::kInternal:
        return false;
    }
    return false;
  }
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

const char* to_string(Errc code) noexcept;

}  // namespace st
