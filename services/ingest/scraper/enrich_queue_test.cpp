#include "enrich_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "article_extract.hpp"
#include "stocktracker/base/stop.hpp"

namespace st::ingest::scraper {
namespace {

using namespace std::chrono_literals;

model::NewsArticle article(const std::string& id) {
  model::NewsArticle a;
  a.id = id;
  a.summary = "snippet " + id;
  return a;
}

/// What the queue published, in order, from its thread.
struct Published {
  std::mutex mutex;
  std::vector<model::NewsArticle> articles;
  EnrichQueue::Publish publish() {
    return [this](const model::NewsArticle& a) -> Status {
      std::lock_guard lock(mutex);
      articles.push_back(a);
      return {};
    };
  }
  std::vector<model::NewsArticle> get() {
    std::lock_guard lock(mutex);
    return articles;
  }
};

bool eventually(const std::function<bool()>& f) {
  for (int i = 0; i < 500; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return f();
}

TEST(EnrichQueue, EnrichedAndFailedArticlesArePublishedFromItsThread) {
  Published out;
  EnrichQueue queue(
      4,
      [](model::NewsArticle& a, std::stop_token) {
        if (a.id == "bad") return false;
        a.summary = "the whole text of " + a.id;
        return true;
      },
      out.publish());
  auto good = article("good");
  auto bad = article("bad");
  ASSERT_TRUE(queue.offer(good));
  ASSERT_TRUE(queue.offer(bad));
  ASSERT_TRUE(eventually([&] { return out.get().size() == 2; }));
  const auto published = out.get();
  EXPECT_EQ(published[0].summary, "the whole text of good");
  EXPECT_EQ(published[1].summary, "snippet bad");
  const auto counts = queue.counts();
  EXPECT_EQ(counts.enriched, 1U);
  EXPECT_EQ(counts.failed, 1U);
  EXPECT_EQ(counts.published(), 2U);
}

TEST(EnrichQueue, AFullQueueRefusesAndStopPublishesTheRestUnenriched) {
  Published out;
  std::atomic<int> started{0};
  // Each enrichment waits like the scraper's politeness delay: until stopped.
  EnrichQueue queue(
      2,
      [&](model::NewsArticle& a, std::stop_token stop) {
        ++started;
        if (!sleep_unless_stopped(std::chrono::hours(1), stop)) return false;
        a.summary = "never";
        return true;
      },
      out.publish());
  auto first = article("a1");
  ASSERT_TRUE(queue.offer(first));
  ASSERT_TRUE(eventually([&] { return started.load() == 1; }));  // a1 is being enriched
  auto second = article("a2");
  auto third = article("a3");
  auto fourth = article("a4");
  EXPECT_TRUE(queue.offer(second));
  EXPECT_TRUE(queue.offer(third));
  EXPECT_FALSE(queue.offer(fourth));  // full: the caller publishes it itself
  EXPECT_EQ(fourth.id, "a4");         // and still has it
  EXPECT_TRUE(out.get().empty());

  const auto t0 = std::chrono::steady_clock::now();
  queue.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);  // the delay was cut short
  const auto published = out.get();
  ASSERT_EQ(published.size(), 3U);
  EXPECT_EQ(published[0].id, "a1");
  EXPECT_EQ(published[1].id, "a2");
  EXPECT_EQ(published[2].id, "a3");
  for (const auto& a : published) EXPECT_EQ(a.summary, "snippet " + a.id);
  EXPECT_EQ(started.load(), 1);  // the rest were not even tried
  const auto counts = queue.counts();
  EXPECT_EQ(counts.enriched, 0U);
  EXPECT_EQ(counts.failed, 0U);
  EXPECT_EQ(counts.left, 3U);  // a1's enrichment was cut short by the stop
  EXPECT_FALSE(queue.offer(fourth));  // stopped
  queue.stop();                       // idempotent
}

TEST(SiteRulesFile, CommentsAndBlankLinesSkippedBadLineNamed) {
  const std::string path = ::testing::TempDir() + "enrich_queue_rules.txt";
  {
    std::ofstream f(path);
    f << "# rules\n\nnews.example.com title=h1.headline text=div.story p\n  .example.org text=article p\n";
  }
  auto rules = load_site_rules(path);
  ASSERT_TRUE(rules) << rules.error().message;
  ASSERT_EQ(rules->size(), 2U);
  EXPECT_EQ((*rules)[0].host, "news.example.com");
  EXPECT_EQ((*rules)[1].host, ".example.org");
  {
    std::ofstream f(path);
    f << "news.example.com text=div p\nexample.com body=div\n";
  }
  rules = load_site_rules(path);
  ASSERT_FALSE(rules);
  EXPECT_NE(rules.error().message.find(":2: "), std::string::npos) << rules.error().message;
  std::remove(path.c_str());
  EXPECT_FALSE(load_site_rules(path));
}

}  // namespace
}  // namespace st::ingest::scraper
