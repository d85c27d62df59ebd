#pragma once
// Time as UTC epoch milliseconds, behind an interface so tests inject the
// clock instead of sleeping.
#include <cstdint>

namespace st {

using EpochMs = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual EpochMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] EpochMs now_ms() const override;
  static const SystemClock& instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(EpochMs start) : now_(start) {}
  [[nodiscard]] EpochMs now_ms() const override { return now_; }
  void advance(EpochMs by) { now_ += by; }

 private:
  EpochMs now_;
};

}  // namespace st
