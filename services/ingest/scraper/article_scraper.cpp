#include "article_scraper.hpp"

#include <algorithm>
#include <thread>

#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"

namespace st::ingest::scraper {

std::optional<UrlParts> split_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const std::size_t authority = scheme_end + 3;
  std::size_t path_start = url.find_first_of("/?#", authority);
  if (path_start == std::string_view::npos) path_start = url.size();
  const std::string_view hostport = url.substr(authority, path_start - authority);
  if (hostport.empty() || hostport.find('@') != std::string_view::npos) return std::nullopt;
  UrlParts p;
  p.origin = std::string(url.substr(0, path_start));
  std::string host(hostport.substr(0, hostport.find(':')));
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  p.host = std::move(host);
  std::string_view rest = url.substr(path_start);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (rest.empty() || rest.front() != '/') p.path = '/';  // += avoids a GCC 12 -Wrestrict false positive
  p.path += rest;
  return p;
}

bool needs_full_text(const model::NewsArticle& article) {
  const std::string_view s = article.summary;
  if (s.size() < 400) return true;
  if (s.ends_with("...") || s.ends_with("\xE2\x80\xA6")) return true;  // "…"
  const auto bracket = s.rfind("[+");
  return bracket != std::string_view::npos && s.ends_with(" chars]");
}

Result<std::unique_ptr<ArticleScraper>> ArticleScraper::create(ScraperOptions options, const Clock& clock) {
  auto client = httpclient::Client::create({.max_in_flight = 1, .max_body_bytes = std::size_t{4} << 20,
                                            .user_agent = options.user_agent});
  if (!client) return std::unexpected(client.error());
  return std::unique_ptr<ArticleScraper>(new ArticleScraper(std::move(options), clock, std::move(*client)));
}

ArticleScraper::ArticleScraper(ScraperOptions options, const Clock& clock, std::unique_ptr<httpclient::Client> client)
    : options_(std::move(options)), clock_(clock), client_(std::move(client)) {}

EpochMs ArticleScraper::delay_ms(const Host& host) const {
  EpochMs d = options_.delay.count();
  if (host.robots && host.robots->crawl_delay()) {
    d = std::max(d, static_cast<EpochMs>(*host.robots->crawl_delay() * 1000));
  }
  return std::min<EpochMs>(d, 60'000);  // a site asking for more is read rarely, not never
}

Result<httpclient::Response> ArticleScraper::polite_get(Host& host, const std::string& url, std::stop_token stop) {
  for (EpochMs now = clock_.now_ms(); now < host.next_request; now = clock_.now_ms()) {
    if (!sleep_unless_stopped(std::chrono::milliseconds(host.next_request - now), stop)) {
      return fail(Errc::kUnavailable, "stopped");
    }
  }
  httpclient::Request request{.url = url, .timeout = options_.timeout};
  request.headers = {{"Accept", "text/html,application/xhtml+xml"}};
  ++requests_;
  auto answer = client_->get(request);
  host.next_request = clock_.now_ms() + delay_ms(host);
  return answer;
}

const RobotsRules& ArticleScraper::robots(Host& host, const UrlParts& url, std::stop_token stop) {
  const EpochMs now = clock_.now_ms();
  const EpochMs ttl = std::chrono::duration_cast<std::chrono::milliseconds>(options_.robots_ttl).count();
  if (host.robots && now - host.robots_fetched < ttl) return *host.robots;
  auto answer = polite_get(host, url.origin + "/robots.txt", stop);
  if (!answer || answer->status >= 500) {
    host.robots = RobotsRules::disallow_all();
    // Asked again after an hour, not a day: the site may just be down.
    host.robots_fetched = now - ttl + 3'600'000;
  } else if (answer->status >= 400) {
    host.robots = RobotsRules::allow_all();
    host.robots_fetched = now;
  } else {
    host.robots = RobotsRules::parse(answer->body, options_.user_agent);
    host.robots_fetched = now;
  }
  return *host.robots;
}

Result<ExtractedArticle> ArticleScraper::fetch(const std::string& url, std::stop_token stop) {
  const auto parts = split_url(url);
  if (!parts) return fail(Errc::kInvalidInput, "scraper: not an http(s) URL");
  Host& host = hosts_[parts->origin];
  if (!robots(host, *parts, stop).allowed(parts->path)) {
    return fail(Errc::kNotFound, "scraper: robots.txt of " + parts->host + " disallows " + parts->path);
  }
  auto answer = polite_get(host, url, stop);
  if (!answer) return std::unexpected(answer.error());
  if (answer->status >= 500) return fail(Errc::kUnavailable, "scraper: HTTP " + std::to_string(answer->status));
  if (answer->status != 200) return fail(Errc::kInvalidInput, "scraper: HTTP " + std::to_string(answer->status));
  return extract_article(answer->body, rule_for(options_.rules, parts->host));
}

bool ArticleScraper::enrich(model::NewsArticle& article, std::stop_token stop) {
  auto page = fetch(article.url, stop);
  if (!page) {
    log::info("article not scraped", {{"url_host", split_url(article.url) ? split_url(article.url)->host : ""},
                                      {"error", page.error().message}});
    return false;
  }
  if (page->text.size() <= article.summary.size()) return false;  // the snippet says as much
  std::size_t cut = std::min<std::size_t>(page->text.size(), 20'000);  // the news-articles schema's limit
  while (cut < page->text.size() && cut > 0 && (static_cast<unsigned char>(page->text[cut]) & 0xC0) == 0x80) --cut;
  article.summary = page->text.substr(0, cut);  // never half a UTF-8 character
  if (article.title.empty()) article.title = page->title.substr(0, 1000);
  if (article.published_ts == 0 && page->published_ts) article.published_ts = *page->published_ts;
  return true;
}

}  // namespace st::ingest::scraper
