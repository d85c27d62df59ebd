#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "article_extract.hpp"
#include "article_scraper.hpp"
#include "robots.hpp"
#include "selector.hpp"
#include "stocktracker/base/time_format.hpp"

namespace st::ingest::scraper {
namespace {

std::string page(const std::string& name) {
  const char* root = std::getenv("ST_SOURCE_DIR");
  std::ifstream in(std::string(root != nullptr ? root : ".") + "/tests/data/html/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

EpochMs at(std::string_view iso) { return *parse_time(iso); }

TEST(ArticleExtract, NewsPageWithMetaJsonLdAndBoilerplate) {
  auto a = extract_article(page("wire_article.html"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->title, "Acme Corp beats quarterly estimates as cloud sales jump");
  EXPECT_EQ(a->published_ts, at("2024-03-15T13:30:00Z"));  // the meta tag wins over JSON-LD
  EXPECT_EQ(a->text,
            "By A. Reporter\n"
            "Acme Corp reported first-quarter revenue of $12.3 billion on Friday, above the $11.9 billion analysts had "
            "expected.\n"
            "Cloud sales rose 31% & margins widened, the company said.\n"
            "Shares rose 4% in pre-market trading.");
}

TEST(ArticleExtract, BrokenMarkupIsReadAsABrowserWould) {
  auto a = extract_article(page("broken_markup.html"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->title, "Chipmaker shares slide after guidance cut");
  EXPECT_EQ(a->published_ts, at("2024-11-05T14:02:00Z"));  // <time datetime>
  EXPECT_EQ(a->text,
            "Shares of a large chipmaker fell 8% on Tuesday after it cut its forecast\n"
            "The company blamed weaker demand from PC makers and data centres.\n"
            "Analysts said the cut was larger than feared");
}

TEST(ArticleExtract, JsonLdGraphAfterABrokenBlock) {
  auto a = extract_article(page("json_ld_graph.html"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->title, "Oil rises on supply worries");
  EXPECT_EQ(a->published_ts, at("2024-02-01T08:15:30.500Z"));
  EXPECT_EQ(a->text, "Oil prices rose on Thursday.\nBrent crude gained 1.2%.");
}

TEST(ArticleExtract, SiteRuleReadsWhatTheDefaultsMiss) {
  const std::string html = page("site_rule.html");
  auto plain = extract_article(html);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->title, "Markets live — Example Finance");
  EXPECT_NE(plain->text.find("premium"), std::string::npos);  // the defaults pick the promo
  EXPECT_FALSE(plain->published_ts);

  auto rule = parse_site_rule(
      "finance.example.com title=h2.story-headline text=div.story-body div.para time=span.story-date");
  ASSERT_TRUE(rule) << rule.error().message;
  auto a = extract_article(html, &*rule);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->title, "Fed holds rates steady, signals two cuts");
  EXPECT_EQ(a->text, "The Federal Reserve left its benchmark rate unchanged on Wednesday.\n"
                     "Officials now expect two cuts this year, down from three.");
  EXPECT_EQ(a->published_ts, at("2024-06-12T18:00:00Z"));
}

TEST(ArticleExtract, NothingToReadIsAnError) {
  EXPECT_FALSE(extract_article(""));
  EXPECT_FALSE(extract_article("<html><body><div></div></body></html>"));
}

TEST(SiteRules, ParseAndPick) {
  EXPECT_FALSE(parse_site_rule(""));
  EXPECT_FALSE(parse_site_rule("example.com text=div>p"));  // child combinator: not in the subset
  EXPECT_FALSE(parse_site_rule("example.com body=div"));
  EXPECT_FALSE(parse_site_rule("example.com div.body"));
  std::vector<SiteRule> rules{*parse_site_rule(".example.com text=article p"),
                              *parse_site_rule("news.example.com text=div.story p")};
  EXPECT_EQ(rule_for(rules, "news.example.com"), &rules[1]);
  EXPECT_EQ(rule_for(rules, "www.example.com"), &rules[0]);
  EXPECT_EQ(rule_for(rules, "example.com"), &rules[0]);
  EXPECT_EQ(rule_for(rules, "badexample.com"), nullptr);
}

TEST(Selector, Subset) {
  auto s = parse_selector("article  div.body.main #lead");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->chain.size(), 3u);
  EXPECT_EQ(s->chain[1].tag, "div");
  EXPECT_EQ(s->chain[1].classes, (std::vector<std::string>{"body", "main"}));
  EXPECT_EQ(s->chain[2].id, "lead");
  EXPECT_TRUE(matches(s->chain[1], {"div", "", "x body  main"}));
  EXPECT_FALSE(matches(s->chain[1], {"div", "", "body"}));
  EXPECT_FALSE(matches(s->chain[1], {"span", "", "body main"}));
  EXPECT_FALSE(parse_selector("a[href]"));
  EXPECT_FALSE(parse_selector("p:first-child"));
  EXPECT_FALSE(parse_selector("  "));
}

constexpr std::string_view kUs = "stocktracker-scraper/0.1 (+https://example.org)";

TEST(Robots, OurGroupWinsAndTheLongestMatchDecides) {
  const auto r = RobotsRules::parse(page("robots_example.txt"), kUs);
  EXPECT_FALSE(r.allowed("/markets/live/"));
  EXPECT_FALSE(r.allowed("/markets/live/today?x=1"));
  EXPECT_TRUE(r.allowed("/markets/live/summary"));
  EXPECT_FALSE(r.allowed("/search?q=acme"));
  EXPECT_TRUE(r.allowed("/private/x"));  // the "*" group is not ours
  EXPECT_TRUE(r.allowed("/news/acme"));
  EXPECT_EQ(r.crawl_delay(), 5.0);
}

TEST(Robots, StarGroupWildcardsAndAnchors) {
  const auto r = RobotsRules::parse(page("robots_example.txt"), "somebot/1.0");
  EXPECT_FALSE(r.allowed("/private/a"));
  EXPECT_TRUE(r.allowed("/private/press/release"));  // Allow is longer
  EXPECT_FALSE(r.allowed("/files/report.pdf"));
  EXPECT_TRUE(r.allowed("/files/report.pdf?page=2"));  // "$" anchors the end
  EXPECT_FALSE(r.crawl_delay());
  const auto google = RobotsRules::parse(page("robots_example.txt"), "Googlebot/2.1");
  EXPECT_FALSE(google.allowed("/news/acme"));
  EXPECT_TRUE(google.allowed("/robots.txt"));
}

// Found by tests/fuzz/scraper: each '*' tried every split recursively, so a
// hostile robots.txt line took exponential time (this one: 2^25 and more).
TEST(Robots, ManyWildcardsTakeLinearTime) {
  std::string pattern = "/";
  for (int i = 0; i < 25; ++i) pattern += "*a";
  const std::string path = "/" + std::string(400, 'a');
  EXPECT_FALSE(robots_pattern_matches(pattern + "*b", path));
  EXPECT_FALSE(robots_pattern_matches(pattern + "$", path + "b"));
  EXPECT_TRUE(robots_pattern_matches(pattern + "$", path));
  EXPECT_TRUE(robots_pattern_matches(pattern, path + "b"));
}

TEST(Robots, PatternsMatchAsBefore) {
  EXPECT_TRUE(robots_pattern_matches("", "/x"));
  EXPECT_TRUE(robots_pattern_matches("/", "/x"));
  EXPECT_TRUE(robots_pattern_matches("$", ""));
  EXPECT_FALSE(robots_pattern_matches("$", "/"));
  EXPECT_TRUE(robots_pattern_matches("*$", "/anything"));
  EXPECT_TRUE(robots_pattern_matches("/a$b", "/a$bc"));  // '$' inside is a byte
  EXPECT_FALSE(robots_pattern_matches("/a$b", "/ab"));
  EXPECT_TRUE(robots_pattern_matches("/x$$", "/x$"));
  EXPECT_FALSE(robots_pattern_matches("/x$$", "/x$y"));
  EXPECT_TRUE(robots_pattern_matches("/*.pdf$", "/docs/a.pdf"));
  EXPECT_FALSE(robots_pattern_matches("/*.pdf$", "/docs/a.pdf?x=1"));
  EXPECT_TRUE(robots_pattern_matches("/**/a*", "/x/y/a"));
  EXPECT_FALSE(robots_pattern_matches("/private", "/priv"));
}

TEST(Robots, EmptyAndUnreachable) {
  EXPECT_TRUE(RobotsRules::parse("", kUs).allowed("/anything"));
  EXPECT_TRUE(RobotsRules::parse("User-agent: *\nDisallow:\n", kUs).allowed("/anything"));
  EXPECT_FALSE(RobotsRules::disallow_all().allowed("/anything"));
  EXPECT_TRUE(RobotsRules::allow_all().allowed("/anything"));
  EXPECT_TRUE(robots_pattern_matches("/a*b$", "/axxb"));
  EXPECT_FALSE(robots_pattern_matches("/a*b$", "/axxbc"));
}

TEST(Scraper, UrlsAndSnippets) {
  const auto u = split_url("https://News.Example.com:8443/a/b?id=1#top");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin, "https://News.Example.com:8443");
  EXPECT_EQ(u->host, "news.example.com");
  EXPECT_EQ(u->path, "/a/b?id=1");
  EXPECT_EQ(split_url("http://example.com")->path, "/");
  EXPECT_FALSE(split_url("ftp://example.com/x"));
  EXPECT_FALSE(split_url("https://user@example.com/"));

  model::NewsArticle a;
  a.summary = "Short snippet";
  EXPECT_TRUE(needs_full_text(a));
  a.summary = std::string(500, 'x') + " [+2345 chars]";
  EXPECT_TRUE(needs_full_text(a));
  a.summary = std::string(500, 'x') + ".";
  EXPECT_FALSE(needs_full_text(a));
}

}  // namespace
}  // namespace st::ingest::scraper
