#pragma once
// robots.txt (RFC 9309): the group for our user agent (the most specific
// product token that prefixes ours, else "*"), its Allow and Disallow rules
// with the longest match winning and Allow winning a tie, "*" wildcards and
// a "$" end anchor; Crawl-delay is read too (not in the RFC, but widely
// used) and raises our delay. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace st::ingest::scraper {

class RobotsRules {
 public:
  /// Everything allowed (no robots.txt, or a 4xx for it).
  static RobotsRules allow_all() { return {}; }
  /// Nothing allowed (robots.txt unreachable: 5xx or no answer).
  static RobotsRules disallow_all();
  /// The rules of `text` for `user_agent` ("stocktracker-scraper/0.1 ...":
  /// its product token "stocktracker-scraper" is what groups name).
  static RobotsRules parse(std::string_view text, std::string_view user_agent);

  /// Whether the path (with its query, "/news/a?id=1") may be fetched.
  [[nodiscard]] bool allowed(std::string_view path) const;
  /// Crawl-delay of our group in seconds, if given.
  [[nodiscard]] std::optional<double> crawl_delay() const { return crawl_delay_; }

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
};

/// Whether a robots.txt path pattern matches `path` ("*" any run, "$" at
/// the end anchors). Patterns match as prefixes otherwise.
bool robots_pattern_matches(std::string_view pattern, std::string_view path);

}  // namespace st::ingest::scraper
