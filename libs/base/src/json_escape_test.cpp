#include "stocktracker/base/json_escape.hpp"

#include <gtest/gtest.h>

namespace st {

std::string esc(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(JsonEscape, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(esc("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(esc(std::string_view("\x01\t", 2)), R"("\u0001\t")");
}

TEST(JsonEscape, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(esc("Nestlé €"), "\"Nestlé €\"");
  EXPECT_EQ(esc("\xff" "a"), "\"\\ufffda\"");
  EXPECT_EQ(esc("\xc3"), "\"\\ufffd\"");          // truncated sequence
  EXPECT_EQ(esc("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

}  // namespace st
