#pragma once
// The stream processor's state machine for the partitions one instance
// owns: candles (5-minute event-time windows) and tick rules. Pure: the
// Kafka adapter (process_service.cpp) feeds it records in partition order
// and sends what it returns inside one Kafka transaction per batch.
//
// Its keyed state — per symbol the open windows, market state and rule
// states; per partition the highest event time and late count — is
// serialised to changelog records ("s:<symbol>", "p") that are written to
// the same partition number of the compacted changelog topic, in the same
// transaction as the outputs, and restored from it on assignment.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "candles.hpp"
#include "rules.hpp"
#include "stocktracker/model/alert_messages.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::process {

/// A message to send: topic, partition (-1: by key), key, value.
struct OutRecord {
  std::string topic;
  std::int32_t partition = -1;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ProcessorStats {
  std::uint64_t ticks = 0;
  std::uint64_t candles = 0;
  std::uint64_t alerts = 0;
  std::uint64_t late = 0;
  std::uint64_t dead_letters = 0;
  std::uint64_t news = 0;
};

class Processor {
 public:
  explicit Processor(WindowConfig windows) : windows_config_(windows) {}

  /// Partition lifecycle. restore() takes the changelog records of an
  /// assigned partition (latest per key) before its first tick.
  void assign(std::int32_t partition);
  void revoke(std::int32_t partition);
  Status restore(std::int32_t partition, std::string_view key, std::string_view value);
  [[nodiscard]] bool owns(std::int32_t partition) const { return partitions_.contains(partition); }

  /// The preferences table: the latest message per user.
  void set_preferences(const model::UserPreferences& prefs);
  void set_companies(std::unordered_map<std::string, CompanyInfo> companies);

  /// A stock-prices record: decodes, updates state, appends outputs
  /// (candles, alerts, late side output, dead letter).
  void on_tick_record(std::int32_t partition, std::int64_t offset, std::string_view key, std::string_view payload,
                      std::vector<OutRecord>& out);

  /// A news-articles record: scores it (stateless) and appends the
  /// news-scored record, or a dead letter.
  void on_news_record(std::int32_t partition, std::int64_t offset, std::string_view key, std::string_view payload,
                      std::vector<OutRecord>& out);

  /// Changelog records for everything changed since the last call.
  void flush_changelog(const std::string& changelog_topic, std::vector<OutRecord>& out);

  [[nodiscard]] const ProcessorStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t state_bytes_estimate() const;

 private:
  struct PartitionState {
    CandleWindows windows;
    RuleEngine rules;
    std::unordered_set<std::string> touched;
    explicit PartitionState(WindowConfig c) : windows(c) {}
  };
  void rebuild_rules();

  WindowConfig windows_config_;
  std::map<std::int32_t, std::unique_ptr<PartitionState>> partitions_;
  std::map<std::int64_t, model::UserPreferences> preferences_;  // by user id
  std::vector<CompiledRule> compiled_;
  std::unordered_map<std::string, CompanyInfo> companies_;
  ProcessorStats stats_;
};

/// A dead letter for `payload` read from `topic`/`partition`/`offset`.
OutRecord dead_letter(std::string_view topic, std::int32_t partition, std::int64_t offset, std::string_view key,
                      std::string_view payload, const std::string& reason);

/// Changelog value encoding of one symbol's state (exposed for tests).
std::string encode_symbol_state(const std::vector<WindowAcc>* windows, const SymbolState* rules);
Status decode_symbol_state(std::string_view json, std::vector<WindowAcc>& windows, SymbolState& rules);

}  // namespace st::process
