#pragma once
// The CSS selector subset of per-site extraction rules: compound selectors
// of a tag name, classes and an id ("div", ".story-body", "#main",
// "div.article.body"), joined by spaces (descendant combinator:
// "article div.body p"). No child/sibling combinators, attributes or
// pseudo-classes: what sites' article markup needs. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace st::ingest::scraper {

struct CompoundSelector {
  std::string tag;  // lower case; empty: any element
  std::string id;
  std::vector<std::string> classes;
};

/// Compounds from the outermost to the innermost (the element matched).
struct Selector {
  std::vector<CompoundSelector> chain;
  [[nodiscard]] bool empty() const { return chain.empty(); }
};

/// nullopt when `text` uses anything outside the subset.
std::optional<Selector> parse_selector(std::string_view text);

/// What a selector sees of an element: its tag, id and classes.
struct ElementView {
  std::string_view tag;
  std::string_view id;
  std::string_view classes;  // the class attribute, space-separated
};

bool matches(const CompoundSelector& compound, const ElementView& element);

}  // namespace st::ingest::scraper
