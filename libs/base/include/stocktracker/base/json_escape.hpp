#pragma once
#include <string>
#include <string_view>

namespace st {

/// Appends `text` as a JSON string literal (with quotes) to `out`. Invalid
/// UTF-8 bytes are replaced by U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

}  // namespace st
