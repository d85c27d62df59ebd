#pragma once
// The outgoing frames of one WebSocket connection: bounded and conflating.
// A frame pushed with a key replaces the pending frame of that key in
// place (its position kept, so a key is never starved), which bounds the
// frames of conflatable streams (ticks, updating candles) by the number of
// keys; frames without a key are kept. Overflow (too many frames or bytes)
// is reported to the caller, which drops the connection: the queue never
// grows past its limits. Not thread-safe: the connection guards it.
//
// A ring of slots, not a deque and a key -> slot map: the Kafka feed thread
// pushes and a server thread pops, so every node a push allocated was freed
// on another thread, and malloc's per-thread caches never served it (the
// map node and the deque block were the fan-out's largest user-space cost).
// The ring allocates only when it grows; a key is found by scanning the
// pending slots (their hashes first), which conflation keeps few: a
// connection's pending ticks are at most one per symbol it follows.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/http/websocket.hpp"

namespace st::http {

class SendQueue {
 public:
  SendQueue(std::size_t max_frames, std::size_t max_bytes) : max_frames_(max_frames), max_bytes_(max_bytes) {}

  enum class Push : std::uint8_t { kQueued, kConflated, kOverflow };
  /// kOverflow leaves the queue unchanged.
  Push push(Payload frame, std::string_view key = {});
  /// The oldest pending frame, removed; nullopt when empty.
  std::optional<Payload> pop();

  [[nodiscard]] std::size_t frames() const { return count_; }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  /// Frames replaced by a newer one of the same key since construction.
  [[nodiscard]] std::uint64_t conflated() const { return conflated_; }

 private:
  struct Slot {
    Payload frame;
    std::size_t key_hash = 0;
    std::string key;  // empty: never conflated
  };
  // Slots a drained queue keeps room for: an idle connection stays small.
  static constexpr std::size_t kKeptFrames = 8;
  Slot& at(std::size_t i) { return ring_[(head_ + i) & (ring_.size() - 1)]; }
  void grow();
  std::size_t max_frames_;
  std::size_t max_bytes_;
  std::vector<Slot> ring_;  // a power of two in size (or empty); count_ slots from head_ are pending
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t conflated_ = 0;
};

}  // namespace st::http
