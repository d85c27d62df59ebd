#include "stocktracker/base/error.hpp"

namespace st {

const char* to_string(Errc code) noexcept {
  switch (code) {
    case Errc::kInvalidInput:
      return "invalid_input";
    case Errc::kNotFound:
      return "not_found";
    case Errc::kConflict:
      return "conflict";
    case Errc::kUnavailable:
      return "unavailable";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kFenced:
      return "fenced";
    case Errc::kAborted:
      return "aborted";
    case Errc::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace st
