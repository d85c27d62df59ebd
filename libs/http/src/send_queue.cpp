#include "send_queue.hpp"

#include <algorithm>
#include <utility>

namespace st::http {

SendQueue::Push SendQueue::push(Payload frame, std::string_view key) {
  const std::size_t size = frame ? frame->size() : 0;
  if (!key.empty()) {
    if (auto it = pending_.find(std::string(key)); it != pending_.end()) {
      auto& slot = slots_[static_cast<std::size_t>(it->second - front_seq_)];
      const std::size_t old = slot.frame ? slot.frame->size() : 0;
      if (bytes_ - old + size > max_bytes_) return Push::kOverflow;
      bytes_ = bytes_ - old + size;
      slot.frame = std::move(frame);
      ++conflated_;
      return Push::kConflated;
    }
  }
  if (slots_.size() + 1 > max_frames_ || bytes_ + size > max_bytes_) return Push::kOverflow;
  if (!key.empty()) pending_.emplace(std::string(key), front_seq_ + slots_.size());
  slots_.push_back({std::move(frame), std::string(key)});
  peak_frames_ = std::max(peak_frames_, slots_.size());
  bytes_ += size;
  return Push::kQueued;
}

std::optional<Payload> SendQueue::pop() {
  if (slots_.empty()) return std::nullopt;
  Slot slot = std::move(slots_.front());
  slots_.pop_front();
  if (!slot.key.empty()) pending_.erase(slot.key);
  ++front_seq_;
  bytes_ -= slot.frame ? slot.frame->size() : 0;
  if (slots_.empty()) {
    // Give back what a burst allocated: an idle connection stays small. Not
    // after every message: shrinking frees the deque's last block, which the
    // next push allocates again.
    if (peak_frames_ > kKeptFrames) slots_.shrink_to_fit();
    peak_frames_ = 0;
    if (pending_.bucket_count() > 16) pending_ = {};
  }
  return std::move(slot.frame);
}

}  // namespace st::http
