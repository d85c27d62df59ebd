#pragma once
// Hands news articles that have only a snippet to one background thread,
// which enriches them (ArticleScraper::enrich, which sleeps between two
// requests to a host) and publishes them, so that the politeness delays never
// hold up the quote loop. Bounded: when the queue is full offer() refuses and
// the caller publishes the article un-enriched at once, so an article is
// never lost and never waits behind an unbounded backlog. stop() (or the
// destructor) cancels the enrichment under way, publishes what is left
// un-enriched and joins the thread.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

#include "stocktracker/base/error.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::ingest::scraper {

class EnrichQueue {
 public:
  /// Best effort: true when the article was filled in; false leaves it as it was.
  using Enrich = std::function<bool(model::NewsArticle&, std::stop_token)>;
  /// Called on the queue's thread only.
  using Publish = std::function<Status(const model::NewsArticle&)>;

  struct Counts {
    std::uint64_t enriched = 0;      // published with the page's text
    std::uint64_t failed = 0;        // enrichment failed: published with the snippet
    std::uint64_t left = 0;          // queued or cut short at stop: published with the snippet
    std::uint64_t publish_errors = 0;
    [[nodiscard]] std::uint64_t published() const { return enriched + failed + left - publish_errors; }
  };

  EnrichQueue(std::size_t capacity, Enrich enrich, Publish publish);
  ~EnrichQueue();
  EnrichQueue(const EnrichQueue&) = delete;
  EnrichQueue& operator=(const EnrichQueue&) = delete;

  /// Queues the article; false (article untouched) when the queue is full or stopped.
  bool offer(model::NewsArticle& article);
  /// Idempotent; returns once every queued article is published.
  void stop();
  [[nodiscard]] Counts counts() const;

 private:
  void run(std::stop_token stop);
  void publish(const model::NewsArticle& article, std::uint64_t Counts::*counter);

  const std::size_t capacity_;
  Enrich enrich_;
  Publish publish_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<model::NewsArticle> queue_;
  Counts counts_;
  bool stopped_ = false;
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace st::ingest::scraper
