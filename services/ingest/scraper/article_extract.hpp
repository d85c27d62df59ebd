#pragma once
// A news page's title, publication time and main text, from HTML parsed by
// gumbo (Google's HTML5 parser: it builds the tree a browser would, broken
// markup included). gumbo's headers stay in article_extract.cpp. Pure.
//
// Without a site rule:
//  - title: <meta property="og:title">, else JSON-LD "headline", else the
//    first <h1>, else <title>;
//  - publication time: <meta property="article:published_time"> (or
//    name="pubdate"/"date"), else JSON-LD "datePublished" (also inside
//    "@graph" and arrays), else the first <time datetime>;
//  - text: the paragraphs (<p>) of the first <article>, else of the element
//    whose own <p> children hold the most text (navigation, asides, forms,
//    scripts and footers skipped), one paragraph a line.
// A SiteRule's selectors (selector.hpp) replace the defaults for a host.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "selector.hpp"
#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"

namespace st::ingest::scraper {

/// Where a site puts its article, for pages the defaults read badly.
struct SiteRule {
  std::string host;  // "www.example.com" (exact) or ".example.com" (any subdomain)
  std::optional<Selector> title;
  std::optional<Selector> text;  // the elements whose text is the article (each a paragraph)
  std::optional<Selector> time;  // an element with a datetime or content attribute, or time text
};

/// "news.example.com title=h1.headline text=div.story-body p time=span.date":
/// one rule a line; fields after the host, any of them optional.
Result<SiteRule> parse_site_rule(std::string_view line);
/// The rules of a file (INGEST_SCRAPE_RULES): one parse_site_rule line
/// each, blank lines and lines starting with '#' skipped; the error names
/// the file's line.
Result<std::vector<SiteRule>> load_site_rules(const std::string& path);
/// The rule for `host` among `rules`, if any (an exact host beats a suffix).
const SiteRule* rule_for(const std::vector<SiteRule>& rules, std::string_view host);

struct ExtractedArticle {
  std::string title;
  std::optional<EpochMs> published_ts;
  std::string text;  // paragraphs separated by "\n"
};

/// Fails only when the page yields neither a title nor any text.
Result<ExtractedArticle> extract_article(std::string_view html, const SiteRule* rule = nullptr);

}  // namespace st::ingest::scraper
