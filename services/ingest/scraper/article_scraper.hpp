#pragma once
// Fetches news pages politely and extracts their article (article_extract.hpp),
// for articles a news API gave only a snippet of.
//
// Polite: one request at a time (so at most one per host), at least `delay`
// between two requests to the same host (raised to the site's
// robots.txt Crawl-delay), a User-Agent that names us, and robots.txt
// fetched once per host (kept a day) with its Allow/Disallow rules for our
// user agent honoured for every page path; a 4xx for robots.txt allows all,
// a 5xx or no answer disallows the host until it is fetched again
// (RFC 9309). Not thread-safe: one thread (the news loop) owns it.
//
// Usage from the news path:
//   auto scraper = ArticleScraper::create({.rules = rules});
//   if (needs_full_text(article)) (*scraper)->enrich(article, stop);
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "article_extract.hpp"
#include "robots.hpp"
#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/httpclient/client.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::ingest::scraper {

/// "https://host[:port]/path?query" split; nullopt for anything else.
struct UrlParts {
  std::string origin;  // "https://host[:port]"
  std::string host;    // lower case, without the port
  std::string path;    // "/path?query" ("/" when empty)
};
std::optional<UrlParts> split_url(std::string_view url);

/// Whether a news API gave only a snippet: empty, shorter than 400
/// characters, or ending in an ellipsis or News API's "[+1234 chars]".
bool needs_full_text(const model::NewsArticle& article);

struct ScraperOptions {
  std::string user_agent = "stocktracker-scraper/0.1 (+https://github.com/stocktracker; news text for price alerts)";
  std::chrono::milliseconds delay{2'000};  // between two requests to one host
  std::chrono::milliseconds timeout{10'000};
  std::vector<SiteRule> rules{};
  std::chrono::hours robots_ttl{24};
};

class ArticleScraper {
 public:
  static Result<std::unique_ptr<ArticleScraper>> create(ScraperOptions options, const Clock& clock = SystemClock::instance());

  /// The article at `url`; kNotFound when robots.txt disallows it (nothing
  /// is fetched), kUnavailable/kTimeout for transport failures and 5xx,
  /// kInvalidInput for other statuses or a page without an article.
  Result<ExtractedArticle> fetch(const std::string& url, std::stop_token stop = {});
  /// Fills the summary with the page's text (and the title and publication
  /// time when missing); false, with the article unchanged, on any failure.
  bool enrich(model::NewsArticle& article, std::stop_token stop = {});

  /// Requests sent so far (robots.txt included), for tests and logs.
  [[nodiscard]] std::uint64_t requests() const { return requests_; }

 private:
  ArticleScraper(ScraperOptions options, const Clock& clock, std::unique_ptr<httpclient::Client> client);
  struct Host {
    std::optional<RobotsRules> robots;
    EpochMs robots_fetched = 0;
    EpochMs next_request = 0;  // earliest time of the next request to this host
  };
  Result<httpclient::Response> polite_get(Host& host, const std::string& url, std::stop_token stop);
  const RobotsRules& robots(Host& host, const UrlParts& url, std::stop_token stop);
  [[nodiscard]] EpochMs delay_ms(const Host& host) const;

  ScraperOptions options_;
  const Clock& clock_;
  std::unique_ptr<httpclient::Client> client_;
  std::map<std::string, Host> hosts_;
  std::uint64_t requests_ = 0;
};

}  // namespace st::ingest::scraper
