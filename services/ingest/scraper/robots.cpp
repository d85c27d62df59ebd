#include "robots.hpp"

#include <algorithm>
#include <charconv>

namespace st::ingest::scraper {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// "stocktracker-scraper/0.1 (+https://...)" -> "stocktracker-scraper"
std::string product_token(std::string_view user_agent) {
  std::size_t end = 0;
  while (end < user_agent.size() && user_agent[end] != '/' && user_agent[end] != ' ') ++end;
  return lower(user_agent.substr(0, end));
}

/// `pattern` ('*' any run, other bytes themselves) against the whole of
/// `path`, or against a prefix of it when `prefix`. Greedy with a return
/// to the last '*' only: at most pattern x path steps. (A recursive match
/// that tried every split at every '*' took exponential time on a
/// robots.txt line such as "Disallow: /*a*a*a*...*b", found by
/// tests/fuzz/scraper: any site could stall the scraper's thread.)
bool wildcard_match(std::string_view pattern, std::string_view path, bool prefix) {
  constexpr std::size_t kNone = std::string_view::npos;
  std::size_t p = 0, s = 0;
  std::size_t star = kNone, star_s = 0;  // the last '*' seen, and where its run ends now
  while (s < path.size()) {
    if (p == pattern.size() && prefix) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != kNone) {
      p = star + 1;  // the last '*' takes one more byte
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool robots_pattern_matches(std::string_view pattern, std::string_view path) {
  // Only a '$' that ends the pattern anchors it; anywhere else it is a byte.
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  return wildcard_match(pattern, path, !anchored);
}

RobotsRules RobotsRules::disallow_all() {
  RobotsRules r;
  r.rules_.push_back({false, "/"});
  return r;
}

RobotsRules RobotsRules::parse(std::string_view text, std::string_view user_agent) {
  const std::string ours = product_token(user_agent);
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::optional<double> crawl_delay;
  };
  std::vector<Group> groups;
  bool in_agents = false;  // consecutive user-agent lines share one group
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents) groups.emplace_back();
      in_agents = true;
      groups.back().agents.push_back(lower(value));
      continue;
    }
    if (groups.empty()) continue;  // rules before any user-agent line belong to no group
    in_agents = false;
    if (key == "allow" || key == "disallow") {
      if (value.empty()) continue;  // "Disallow:" alone allows everything
      groups.back().rules.push_back({key == "allow", std::string(value)});
    } else if (key == "crawl-delay") {
      double d = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
      if (ec == std::errc{} && d >= 0) groups.back().crawl_delay = d;
    }
  }
  // The groups naming our product token (all of them merge, RFC 9309 2.2.1); else "*".
  RobotsRules out;
  bool specific = false;
  for (const auto& g : groups) {
    if (std::find(g.agents.begin(), g.agents.end(), ours) == g.agents.end()) continue;
    specific = true;
    out.rules_.insert(out.rules_.end(), g.rules.begin(), g.rules.end());
    if (g.crawl_delay) out.crawl_delay_ = g.crawl_delay;
  }
  if (!specific) {
    for (const auto& g : groups) {
      if (std::find(g.agents.begin(), g.agents.end(), "*") == g.agents.end()) continue;
      out.rules_.insert(out.rules_.end(), g.rules.begin(), g.rules.end());
      if (g.crawl_delay) out.crawl_delay_ = g.crawl_delay;
    }
  }
  return out;
}

bool RobotsRules::allowed(std::string_view path) const {
  if (path == "/robots.txt") return true;
  const Rule* best = nullptr;
  for (const auto& rule : rules_) {
    if (!robots_pattern_matches(rule.pattern, path)) continue;
    if (best == nullptr || rule.pattern.size() > best->pattern.size() ||
        (rule.pattern.size() == best->pattern.size() && rule.allow && !best->allow)) {
      best = &rule;
    }
  }
  return best == nullptr || best->allow;
}

}  // namespace st::ingest::scraper
