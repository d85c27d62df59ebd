#pragma once
// The outgoing frames of one WebSocket connection: bounded and conflating.
// A frame pushed with a key replaces the pending frame of that key in
// place (its position kept, so a key is never starved), which bounds the
// frames of conflatable streams (ticks, updating candles) by the number of
// keys; frames without a key are kept. Overflow (too many frames or bytes)
// is reported to the caller, which drops the connection: the queue never
// grows past its limits. Not thread-safe: the connection guards it.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

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

  [[nodiscard]] std::size_t frames() const { return slots_.size(); }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] bool empty() const { return slots_.empty(); }
  /// Frames replaced by a newer one of the same key since construction.
  [[nodiscard]] std::uint64_t conflated() const { return conflated_; }

 private:
  struct Slot {
    Payload frame;
    std::string key;
  };
  // Frames a drained queue keeps room for (one block of the deque).
  static constexpr std::size_t kKeptFrames = 8;
  std::size_t max_frames_;
  std::size_t max_bytes_;
  std::size_t peak_frames_ = 0;  // the most pending since the queue was last empty
  std::deque<Slot> slots_;
  // key -> sequence number of its pending slot; slot i has sequence
  // front_seq_ + i, so lookups survive pops without reindexing.
  std::unordered_map<std::string, std::uint64_t> pending_;
  std::uint64_t front_seq_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t conflated_ = 0;
};

}  // namespace st::http
