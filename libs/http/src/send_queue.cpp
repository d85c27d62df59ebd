#include "send_queue.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace st::http {

void SendQueue::grow() {
  std::vector<Slot> bigger(std::max<std::size_t>(kKeptFrames, ring_.size() * 2));
  for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move(at(i));
  ring_ = std::move(bigger);
  head_ = 0;
}

SendQueue::Push SendQueue::push(Payload frame, std::string_view key) {
  const std::size_t size = frame ? frame->size() : 0;
  const std::size_t hash = key.empty() ? 0 : std::hash<std::string_view>{}(key);
  if (!key.empty()) {
    for (std::size_t i = 0; i < count_; ++i) {
      auto& slot = at(i);
      if (slot.key_hash != hash || slot.key != key) continue;
      const std::size_t old = slot.frame ? slot.frame->size() : 0;
      if (bytes_ - old + size > max_bytes_) return Push::kOverflow;
      bytes_ = bytes_ - old + size;
      slot.frame = std::move(frame);
      ++conflated_;
      return Push::kConflated;
    }
  }
  if (count_ + 1 > max_frames_ || bytes_ + size > max_bytes_) return Push::kOverflow;
  if (count_ == ring_.size()) grow();
  auto& slot = at(count_);
  slot.frame = std::move(frame);
  slot.key_hash = hash;
  slot.key.assign(key);  // short keys ("t:AAPL") fit the string's own buffer
  ++count_;
  bytes_ += size;
  return Push::kQueued;
}

std::optional<Payload> SendQueue::pop() {
  if (count_ == 0) return std::nullopt;
  auto& slot = at(0);
  Payload frame = std::move(slot.frame);
  slot.key.clear();
  head_ = (head_ + 1) & (ring_.size() - 1);
  --count_;
  bytes_ -= frame ? frame->size() : 0;
  if (count_ == 0) {
    // Give back what a burst allocated. Not after every message: the ring
    // is kept at its small size, so a connection that keeps up never
    // allocates.
    if (ring_.size() > kKeptFrames) {
      ring_ = std::vector<Slot>(kKeptFrames);
    }
    head_ = 0;
  }
  return frame;
}

}  // namespace st::http
