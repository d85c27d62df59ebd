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

#include "candle_rollup.hpp"
#include "candles.hpp"
#include "rules.hpp"
#include "stocktracker/model/alert_messages.hpp"
#include "stocktracker/model/messages.hpp"
#include "stocktracker/model/topics.hpp"

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
  std::uint64_t rollup_candles = 0;  // price-candles-1h and -1d
  std::uint64_t idle_advances = 0;   // idle partitions whose watermark followed the others
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

  /// The repartition topic of scored news keyed by symbol (per group, like
  /// the changelog). on_news_record writes one record per named symbol to
  /// it; on_symbol_news_record reads them back on the partition that owns
  /// the symbol and evaluates the news rules (news_sentiment, composite).
  void set_news_by_symbol_topic(std::string topic) { news_by_symbol_topic_ = std::move(topic); }
  void on_symbol_news_record(std::int32_t partition, std::int64_t offset, std::string_view key,
                             std::string_view payload, std::vector<OutRecord>& out);

  /// An economic-indicators record: the indicator_threshold rules. The
  /// topic has one partition; its consumer also owns stock-prices partition
  /// 0 (range assignor), whose changelog partition keeps their state ("i").
  void on_indicator_record(std::int32_t partition, std::int64_t offset, std::string_view key,
                           std::string_view payload, std::vector<OutRecord>& out);

  /// Processing-time idleness (WindowConfig::idle_timeout_ms): a partition
  /// with no record since `now` - timeout is idle, and its watermark is
  /// raised to the lowest watermark of the partitions still active, so its
  /// last windows close (appended to `out`) instead of waiting for its next
  /// tick. Active partitions keep their own watermark, so their output does
  /// not depend on the timing of the others. Call it with the batch's
  /// records (the adapter calls it once per non-empty batch, inside the
  /// transaction that sends the batch's offsets, so a fenced zombie cannot
  /// close windows either); a partition counts as active from assignment.
  void advance_idle(EpochMs now, std::vector<OutRecord>& out);

  /// Changelog records for everything changed since the last call.
  void flush_changelog(const std::string& changelog_topic, std::vector<OutRecord>& out);

  [[nodiscard]] const ProcessorStats& stats() const { return stats_; }
  [[nodiscard]] std::size_t state_bytes_estimate() const;

 private:
  struct PartitionState {
    CandleWindows windows;
    CandleRollup hours, days;
    RuleEngine rules;
    std::unordered_set<std::string> touched;
    // Idleness: records seen, the count at the last check and when it last
    // changed (processing time); the progress record needs writing.
    std::uint64_t records = 0, records_checked = 0;
    std::optional<EpochMs> active_at;
    bool progress_dirty = false;
    explicit PartitionState(WindowConfig c)
        : windows(c),
          hours(RollupInterval::kHour, c.allowed_lateness_ms),
          days(RollupInterval::kDay, c.allowed_lateness_ms) {}
  };
  /// Sends 5-minute candles and the hourly and daily candles they update.
  void emit_candles(std::int32_t partition, PartitionState& p, const std::vector<model::Candle>& candles,
                    std::vector<OutRecord>& out);
  void ensure_rules();  // rebuilds the shared rule index after set_preferences
  void emit_alerts(const std::vector<model::Alert>& alerts, std::vector<OutRecord>& out);

  WindowConfig windows_config_;
  std::string news_by_symbol_topic_{model::topic::kProcessNewsBySymbol};
  std::map<std::int32_t, std::unique_ptr<PartitionState>> partitions_;
  std::map<std::int64_t, std::vector<CompiledRule>> compiled_;  // by user id
  bool rules_dirty_ = false;
  std::shared_ptr<const RuleIndex> rules_index_ = index_rules({});
  std::unordered_map<std::string, CompanyInfo> companies_;
  ProcessorStats stats_;
};

/// A dead letter for `payload` read from `topic`/`partition`/`offset`.
OutRecord dead_letter(std::string_view topic, std::int32_t partition, std::int64_t offset, std::string_view key,
                      std::string_view payload, const std::string& reason);

/// Changelog value encoding of one symbol's state (exposed for tests).
/// `hours`/`days`: the symbol's open hourly and daily buckets (none: null).
std::string encode_symbol_state(const std::vector<WindowAcc>* windows, const SymbolState* rules,
                                const std::vector<RollupBucket>* hours = nullptr,
                                const std::vector<RollupBucket>* days = nullptr);
Status decode_symbol_state(std::string_view json, std::vector<WindowAcc>& windows, SymbolState& rules,
                           std::vector<RollupBucket>* hours = nullptr, std::vector<RollupBucket>* days = nullptr);

}  // namespace st::process
