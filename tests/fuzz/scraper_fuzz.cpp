// Web pages the article scraper reads: robots.txt files and their path
// patterns, and news pages (HTML through gumbo, then the project's
// extraction of title, time and paragraphs, by default or by a site rule).
// The first byte picks: 0 a robots.txt, checked against a few paths; 1 a
// pattern and a path (split at the first newline); 2 a page read by the
// defaults; 3 a site rule line, then (after the first newline) a page read
// with it. Invariants: a crawl delay is a non-negative number; an empty
// robots.txt allows everything; a page's extraction yields a title or text.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "scraper/article_extract.hpp"
#include "scraper/robots.hpp"

namespace {

namespace scraper = st::ingest::scraper;

std::pair<std::string_view, std::string_view> split_line(std::string_view text) {
  const auto nl = text.find('\n');
  if (nl == std::string_view::npos) return {text, {}};
  return {text.substr(0, nl), text.substr(nl + 1)};
}

void robots(std::string_view text) {
  const auto rules = scraper::RobotsRules::parse(text, "stocktracker-scraper/0.1 (+https://example.com/bot)");
  for (const std::string_view path : {"/", "/news/2024/a.html?id=1", "/private/x", "/%7Euser/$", ""}) {
    (void)rules.allowed(path);
  }
  if (const auto delay = rules.crawl_delay()) FUZZ_CHECK(std::isfinite(*delay) && *delay >= 0, text);
  if (text.empty()) FUZZ_CHECK(rules.allowed("/anything"), text);
}

void page(std::string_view html, const scraper::SiteRule* rule) {
  const auto article = scraper::extract_article(html, rule);
  if (article) FUZZ_CHECK(!article->title.empty() || !article->text.empty(), html);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: robots(rest); break;
    case 1: {
      const auto [pattern, path] = split_line(rest);
      (void)scraper::robots_pattern_matches(pattern, path);
      break;
    }
    case 2: page(rest, nullptr); break;
    default: {
      const auto [line, html] = split_line(rest);
      const auto rule = scraper::parse_site_rule(line);
      if (rule) page(html, &*rule);
      break;
    }
  }
  return 0;
}
