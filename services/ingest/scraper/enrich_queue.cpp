#include "enrich_queue.hpp"

#include "stocktracker/base/log.hpp"

namespace st::ingest::scraper {

EnrichQueue::EnrichQueue(std::size_t capacity, Enrich enrich, Publish publish)
    : capacity_(capacity), enrich_(std::move(enrich)), publish_(std::move(publish)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

EnrichQueue::~EnrichQueue() { stop(); }

bool EnrichQueue::offer(model::NewsArticle& article) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(article));
  }
  wake_.notify_one();
  return true;
}

void EnrichQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  thread_.request_stop();  // wakes the thread, and cuts an enrichment's politeness sleep short
  thread_.join();
}

EnrichQueue::Counts EnrichQueue::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void EnrichQueue::publish(const model::NewsArticle& article, std::uint64_t Counts::*counter) {
  const Status st = publish_(article);
  std::lock_guard lock(mutex_);
  ++(counts_.*counter);
  if (!st) {
    ++counts_.publish_errors;
    log::error("news article not published", {{"id", article.id}, {"error", st.error().message}});
  }
}

void EnrichQueue::run(std::stop_token stop) {
  for (;;) {
    model::NewsArticle article;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [&] { return !queue_.empty(); });
      if (queue_.empty()) break;  // stopped
      article = std::move(queue_.front());
      queue_.pop_front();
    }
    if (stop.stop_requested()) {
      publish(article, &Counts::left);
      continue;
    }
    // A failed (or cancelled) enrichment leaves the article as it was: it
    // goes out with its snippet.
    const bool enriched = enrich_(article, stop);
    // Cut short by stop(): counted with the ones stop() left, not as a failure.
    publish(article, enriched ? &Counts::enriched : stop.stop_requested() ? &Counts::left : &Counts::failed);
  }
}

}  // namespace st::ingest::scraper
