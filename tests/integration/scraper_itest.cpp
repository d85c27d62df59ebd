// The article scraper against a local web server (Python's http.server over
// a directory with a robots.txt and saved pages): robots.txt is fetched once
// and a disallowed page is never requested, requests to one host are spaced
// by the delay, and the page's article is read.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "scraper/article_scraper.hpp"

namespace st::itest {
namespace {

namespace fs = std::filesystem;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(Scraper, HonoursRobotsAndTheDelayAndReadsTheArticle) {
  const std::string src = std::getenv("ST_SOURCE_DIR");
  const std::string root = "/tmp/scraper-site-" + unique_tag();
  fs::create_directories(root + "/news");
  fs::create_directories(root + "/members");
  fs::copy_file(src + "/tests/data/html/wire_article.html", root + "/news/acme.html");
  fs::copy_file(src + "/tests/data/html/json_ld_graph.html", root + "/news/oil.html");
  fs::copy_file(src + "/tests/data/html/wire_article.html", root + "/members/acme.html");
  std::ofstream(root + "/robots.txt") << "User-agent: *\nDisallow: /\n\n"
                                         "User-agent: stocktracker-scraper\nDisallow: /members/\n";
  const std::uint16_t port = free_port();
  Child server(Program{"/usr/bin/python3"},
               {"-m", "http.server", std::to_string(port), "--bind", "127.0.0.1", "--directory", root});
  ASSERT_TRUE(eventually([&] { return http_get(port, "/robots.txt").has_value(); }, std::chrono::seconds(20)))
      << server.log_tail();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);

  auto scraper = ingest::scraper::ArticleScraper::create({.delay = std::chrono::milliseconds(800)});
  ASSERT_TRUE(scraper) << scraper.error().message;
  const auto started = std::chrono::steady_clock::now();
  auto acme = (*scraper)->fetch(base + "/news/acme.html");
  ASSERT_TRUE(acme) << acme.error().message;
  EXPECT_EQ(acme->title, "Acme Corp beats quarterly estimates as cloud sales jump");

  auto members = (*scraper)->fetch(base + "/members/acme.html");
  ASSERT_FALSE(members);
  EXPECT_EQ(members.error().code, Errc::kNotFound);

  model::NewsArticle article{.id = "0123456789abcdef", .url = base + "/news/oil.html", .title = "Oil rises",
                             .summary = "Oil prices rose...", .source = "newsapi", .published_ts = 0, .symbols = {}};
  ASSERT_TRUE(ingest::scraper::needs_full_text(article));
  ASSERT_TRUE((*scraper)->enrich(article));
  EXPECT_EQ(article.summary, "Oil prices rose on Thursday.\nBrent crude gained 1.2%.");
  EXPECT_EQ(article.title, "Oil rises");  // kept: only missing fields are filled
  EXPECT_GT(article.published_ts, 0);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // robots.txt, acme, oil: three requests 0.8 s apart at least.
  EXPECT_EQ((*scraper)->requests(), 3u);
  EXPECT_GE(took, 1.6);
  ASSERT_TRUE(eventually([&] { return count(read_text(server.log_path()), "GET /news/oil.html") == 1; },
                         std::chrono::seconds(5)));
  const std::string log = read_text(server.log_path());
  EXPECT_EQ(count(log, "GET /robots.txt"), 2u);  // ours, and the readiness probe above
  EXPECT_EQ(count(log, "GET /members/"), 0u) << log;
  EXPECT_EQ(count(log, "GET /news/acme.html"), 1u);
  fs::remove_all(root);
}

}  // namespace
}  // namespace st::itest
