#include "selector.hpp"

#include <algorithm>

namespace st::ingest::scraper {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::optional<CompoundSelector> parse_compound(std::string_view s) {
  CompoundSelector c;
  std::size_t i = 0;
  const auto name = [&]() -> std::optional<std::string> {
    const std::size_t begin = i;
    while (i < s.size() && name_char(s[i])) ++i;
    if (i == begin) return std::nullopt;
    return std::string(s.substr(begin, i - begin));
  };
  if (i < s.size() && s[i] == '*') {
    ++i;
  } else if (i < s.size() && name_char(s[i])) {
    auto tag = name();
    std::transform(tag->begin(), tag->end(), tag->begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    c.tag = *tag;
  }
  while (i < s.size()) {
    const char kind = s[i++];
    auto n = name();
    if (!n) return std::nullopt;
    if (kind == '.') {
      c.classes.push_back(*n);
    } else if (kind == '#' && c.id.empty()) {
      c.id = *n;
    } else {
      return std::nullopt;
    }
  }
  return c;
}

}  // namespace

std::optional<Selector> parse_selector(std::string_view text) {
  Selector sel;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const std::size_t begin = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i == begin) break;
    auto compound = parse_compound(text.substr(begin, i - begin));
    if (!compound) return std::nullopt;
    sel.chain.push_back(std::move(*compound));
  }
  if (sel.chain.empty()) return std::nullopt;
  return sel;
}

bool matches(const CompoundSelector& compound, const ElementView& element) {
  if (!compound.tag.empty() && compound.tag != element.tag) return false;
  if (!compound.id.empty() && compound.id != element.id) return false;
  for (const auto& cls : compound.classes) {
    bool found = false;
    std::size_t i = 0;
    const std::string_view all = element.classes;
    while (i < all.size() && !found) {
      while (i < all.size() && (all[i] == ' ' || all[i] == '\t' || all[i] == '\n')) ++i;
      const std::size_t begin = i;
      while (i < all.size() && all[i] != ' ' && all[i] != '\t' && all[i] != '\n') ++i;
      found = all.substr(begin, i - begin) == cls;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace st::ingest::scraper
