#pragma once
#include <string_view>

namespace st::model {

/// A canonical ticker symbol: [A-Z][A-Z0-9.-]{0,9} ("AAPL", "BRK.B").
constexpr bool valid_symbol(std::string_view s) {
  if (s.empty() || s.size() > 10 || s[0] < 'A' || s[0] > 'Z') return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return true;
}

}  // namespace st::model
