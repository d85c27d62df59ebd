#include "store_service.hpp"

#include <charconv>
#include <map>
#include <optional>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "batch.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/kafka/dead_letter.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::store {
namespace {

constexpr std::int64_t kOffsetBeginning = -2;  // RD_KAFKA_OFFSET_BEGINNING
constexpr std::string_view kCopyTicks =
    "COPY stock_prices (symbol, ts, price, volume, source, currency, src_partition, src_offset) FROM STDIN";
constexpr std::string_view kInsertTick =
    "INSERT INTO stock_prices (symbol, ts, price, volume, source, currency, src_partition, src_offset) "
    "VALUES ($1, to_timestamp($2::bigint / 1000.0), $3::numeric, $4::bigint, $5, $6, $7::int, $8::bigint)";
constexpr std::string_view kInsertNews =
    "INSERT INTO news_articles (id, url, title, summary, source, published_at, symbols, sentiment_score, "
    "sentiment_label) VALUES ($1, $2, $3, $4, $5, to_timestamp($6::bigint / 1000.0), $7::text[], $8::numeric, $9) "
    "ON CONFLICT DO NOTHING";
// Candles are re-emitted while late ticks may still update them: the
// latest emission wins.
constexpr std::string_view kUpsertCandle =
    "INSERT INTO price_candles (symbol, interval, bucket_start, open, high, low, close, volume, vwap, tick_count, "
    "is_final, updated_at) VALUES ($1, $11, to_timestamp($2::bigint / 1000.0), $3::numeric, $4::numeric, "
    "$5::numeric, $6::numeric, $7::bigint, $8::numeric, $9::int, $10::bool, now()) "
    "ON CONFLICT (symbol, interval, bucket_start) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, "
    "low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, vwap = EXCLUDED.vwap, "
    "tick_count = EXCLUDED.tick_count, is_final = EXCLUDED.is_final, updated_at = now()";
constexpr std::string_view kUpsertIndicator =
    "INSERT INTO economic_indicators (indicator, period, value, unit, source, released_at) "
    "VALUES ($1, $2::date, $3::numeric, $4, $5, to_timestamp($6::bigint / 1000.0)) "
    "ON CONFLICT (indicator, period, source) DO UPDATE SET value = EXCLUDED.value, unit = EXCLUDED.unit, "
    "released_at = EXCLUDED.released_at";

/// A (topic, partition) the sink reads.
using PartitionKey = std::pair<std::string, std::int32_t>;

using Payload = std::variant<model::PriceTick, model::Candle, model::ScoredArticle, model::EconomicIndicator>;

std::string_view topic_for(const model::PriceTick&) { return model::topic::kStockPrices; }
// The three candle topics carry the same message; the length of the
// bucket tells them apart (a New York day is 23 to 25 hours).
std::string_view candle_interval(const model::Candle& c) {
  if (c.end_ts - c.start_ts == model::kCandleWindowMs) return "5m";
  return c.end_ts - c.start_ts == model::kCandleHourMs ? "1h" : "1d";
}
std::string_view topic_for(const model::Candle& c) {
  const auto interval = candle_interval(c);
  if (interval == "5m") return model::topic::kPriceCandles5m;
  return interval == "1h" ? model::topic::kPriceCandles1h : model::topic::kPriceCandles1d;
}
std::string_view topic_for(const model::ScoredArticle&) { return model::topic::kNewsScored; }
std::string_view topic_for(const model::EconomicIndicator&) { return model::topic::kEconomicIndicators; }
std::string key_for(const model::PriceTick& t) { return t.symbol; }
std::string key_for(const model::Candle& c) { return c.symbol; }
std::string key_for(const model::ScoredArticle& a) { return a.article.id; }
std::string key_for(const model::EconomicIndicator& e) { return e.id; }

struct Item {
  Payload payload;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

struct DeadLetter {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string payload;
  std::string reason;
};

std::string pg_text_array(const std::vector<std::string>& items) {
  // Symbols are validated ([A-Z0-9.-]), so they need no quoting.
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += items[i];
  }
  out.push_back('}');
  return out;
}

std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

/// One sink instance: the consumer thread owns everything here.
class Sink {
 public:
  Sink(StoreOptions options, pg::Connection db, std::unique_ptr<kafka::Producer> dlq)
      : options_(std::move(options)), db_(std::move(db)), dlq_(std::move(dlq)) {}

  std::vector<kafka::TopicPartition> on_assign(const std::vector<kafka::TopicPartition>& tps) {
    drop_buffer();
    broken_ = false;
    auto rows = db_.exec("SELECT topic, partition, next_offset FROM sink_offsets WHERE consumer_group = $1",
                         {options_.group_id});
    std::map<PartitionKey, std::int64_t> stored;
    if (rows) {
      for (int i = 0; i < rows->size(); ++i) {
        stored[{std::string(rows->get(i, 0)), static_cast<std::int32_t>(rows->get_int(i, 1))}] = rows->get_int(i, 2);
      }
    } else {
      log::error("cannot read sink offsets; will rejoin", {{"error", rows.error().message}});
      broken_ = true;
    }
    std::vector<kafka::TopicPartition> out;
    for (const auto& tp : tps) {
      const PartitionKey key{tp.topic, tp.partition};
      auto it = stored.find(key);
      owned_[key] = it == stored.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
      out.push_back({tp.topic, tp.partition, it == stored.end() ? kOffsetBeginning : it->second});
    }
    return out;
  }

  void on_revoke(const std::vector<kafka::TopicPartition>& tps) {
    // Whatever is buffered is not committed: the next owner re-reads it.
    drop_buffer();
    for (const auto& tp : tps) owned_.erase({tp.topic, tp.partition});
  }

  [[nodiscard]] bool broken() const { return broken_; }
  [[nodiscard]] std::size_t buffered() const { return pending_.size() + dead_.size(); }
  [[nodiscard]] const StoreReport& report() const { return report_; }

  void add(const kafka::Message& m) {
    const std::string topic(m.topic());
    const std::string_view payload = m.payload();
    std::optional<Error> error;
    auto take = [&](auto decoded) {
      if (decoded) {
        pending_.push_back({std::move(*decoded), m.partition(), m.offset()});
      } else {
        error = decoded.error();
      }
    };
    if (topic == model::topic::kStockPrices) {
      take(model::decode_tick(payload));
    } else if (topic == model::topic::kPriceCandles5m) {
      take(model::decode_candle(payload));
    } else if (topic == model::topic::kPriceCandles1h) {
      take(model::decode_hour_candle(payload));
    } else if (topic == model::topic::kPriceCandles1d) {
      take(model::decode_day_candle(payload));
    } else if (topic == model::topic::kNewsScored) {
      take(model::decode_scored_news(payload));
    } else {
      take(model::decode_indicator(payload));
    }
    if (error) {
      dead_.push_back({topic, m.partition(), m.offset(), std::string(m.key()), std::string(payload),
                       error->message});
    }
    next_offsets_[{topic, m.partition()}] = m.offset() + 1;
  }

  /// Writes the batch and its offsets in one transaction.
  Status flush() {
    if (next_offsets_.empty()) return {};
    for (const auto& [key, next] : next_offsets_) {
      if (!owned_.contains(key)) {
        return fail(Errc::kFenced, "batch holds a partition this instance no longer owns");
      }
    }
    Status st = write(false);
    if (!st && st.error().code == Errc::kInvalidInput) {
      // A row the database refuses (a constraint the codec does not know):
      // write row by row so only the refused rows go to the dead letters.
      log::warn("batch refused, retrying row by row", {{"error", st.error().message}});
      st = write(true);
    }
    if (!st) return st;
    for (const auto& [key, next] : next_offsets_) owned_[key] = next;
    std::vector<kafka::TopicPartition> commit;
    for (const auto& [key, next] : next_offsets_) commit.push_back({key.first, key.second, next});
    last_commit_ = std::move(commit);
    drop_buffer();
    return {};
  }

  /// Forgets the uncommitted batch; its messages are read again from the
  /// stored offsets.
  void drop_buffer() {
    pending_.clear();
    dead_.clear();
    next_offsets_.clear();
  }

  const std::vector<kafka::TopicPartition>& last_commit() const { return last_commit_; }

  Status ensure_partitions() {
    auto r = db_.exec(
        "SELECT ensure_stock_price_partitions(now() - interval '1 month', now() + interval '3 months')");
    if (!r) return std::unexpected(r.error());
    return {};
  }

  bool db_ok() const { return db_.ok(); }

  Status reconnect() {
    auto conn = pg::Connection::connect(options_.database_url);
    if (!conn) return std::unexpected(conn.error());
    db_ = std::move(*conn);
    return {};
  }

 private:
  Status write(bool row_by_row) {
    auto rollback = [&](Error e) -> Status {
      (void)db_.exec_script("ROLLBACK");
      return std::unexpected(std::move(e));
    };
    if (auto st = db_.exec_script("BEGIN"); !st) return st;
    std::vector<DeadLetter> refused;
    StoreReport counts;
    std::string rows;
    for (const auto& item : pending_) {
      if (const auto* t = std::get_if<model::PriceTick>(&item.payload)) {
        ++counts.ticks;
        if (!row_by_row) {
          append_tick_row(rows, *t, item.partition, item.offset);
          continue;
        }
      }
      Status st = row_by_row ? db_.exec_script("SAVEPOINT item") : Status{};
      if (!st) return rollback(st.error());
      Result<pg::Rows> r = insert_one(item, counts);
      if (!r) {
        if (!row_by_row || r.error().code != Errc::kInvalidInput) return rollback(r.error());
        (void)db_.exec_script("ROLLBACK TO SAVEPOINT item");
        refused.push_back({std::string(topic_of(item.payload)), item.partition, item.offset, key_of(item.payload),
                           encode_of(item.payload), "rejected: " + r.error().message});
      } else if (row_by_row) {
        (void)db_.exec_script("RELEASE SAVEPOINT item");
      }
    }
    if (!rows.empty()) {
      if (auto n = db_.copy_in(kCopyTicks, rows); !n) return rollback(n.error());
    }
    for (const auto& [key, next] : next_offsets_) {
      const auto& expected = owned_[key];
      Result<pg::Rows> r = expected
          ? db_.exec("UPDATE sink_offsets SET next_offset = $4::bigint, updated_at = now() "
                     "WHERE consumer_group = $1 AND topic = $2 AND partition = $3::int AND next_offset = $5::bigint "
                     "RETURNING 1",
                     {options_.group_id, key.first, std::to_string(key.second), std::to_string(next),
                      std::to_string(*expected)})
          : db_.exec("INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset) "
                     "VALUES ($1, $2, $3::int, $4::bigint) ON CONFLICT DO NOTHING RETURNING 1",
                     {options_.group_id, key.first, std::to_string(key.second), std::to_string(next)});
      if (!r) return rollback(r.error());
      if (r->size() != 1) {
        return rollback(Error{Errc::kFenced, "sink offset of " + key.first + "/" + std::to_string(key.second) +
                                                 " moved: another instance owns it"});
      }
    }
    // Dead letters are acknowledged by Kafka before the offsets that skip
    // them commit: a crash in between re-sends them (at least once).
    std::uint64_t dead = 0;
    for (const auto* list : {&dead_, &refused}) {
      for (const auto& d : *list) {
        if (auto st = kafka::send_to_dlq(*dlq_, {d.topic, d.partition, d.offset, "store"}, d.key, d.payload, d.reason);
            !st) {
          return rollback(st.error());
        }
        ++dead;
      }
    }
    if (dead > 0) {
      if (auto st = dlq_->flush(std::chrono::seconds(30)); !st) return rollback(st.error());
    }
    if (auto st = db_.exec_script("COMMIT"); !st) return st;
    report_.ticks += counts.ticks - (row_by_row ? count_ticks(refused) : 0);
    report_.news += counts.news;
    report_.candles += counts.candles;
    report_.indicators += counts.indicators;
    report_.dead_letters += dead;
    return {};
  }

  static std::uint64_t count_ticks(const std::vector<DeadLetter>& list) {
    std::uint64_t n = 0;
    for (const auto& d : list) n += d.topic == model::topic::kStockPrices ? 1 : 0;
    return n;
  }

  Result<pg::Rows> insert_one(const Item& item, StoreReport& counts) {
    if (const auto* t = std::get_if<model::PriceTick>(&item.payload)) {
      return db_.exec(kInsertTick, {t->symbol, std::to_string(t->ts), number_text(t->price),
                                    std::to_string(t->volume), t->source, t->currency,
                                    std::to_string(item.partition), std::to_string(item.offset)});
    }
    if (const auto* c = std::get_if<model::Candle>(&item.payload)) {
      ++counts.candles;
      return db_.exec(kUpsertCandle, {c->symbol, std::to_string(c->start_ts), number_text(c->open),
                                      number_text(c->high), number_text(c->low), number_text(c->close),
                                      std::to_string(c->volume),
                                      c->vwap ? pg::Param(number_text(*c->vwap)) : std::nullopt,
                                      std::to_string(c->ticks), c->final ? "true" : "false",
                                      std::string(candle_interval(*c))});
    }
    if (const auto* s = std::get_if<model::ScoredArticle>(&item.payload)) {
      ++counts.news;
      const auto& a = s->article;
      return db_.exec(kInsertNews, {a.id, a.url, a.title, a.summary, a.source, std::to_string(a.published_ts),
                                    pg_text_array(a.symbols), number_text(s->sentiment),
                                    std::string(model::to_string(s->label))});
    }
    const auto& e = std::get<model::EconomicIndicator>(item.payload);
    ++counts.indicators;
    return db_.exec(kUpsertIndicator,
                    {e.indicator, e.period, number_text(e.value), e.unit, e.source, std::to_string(e.released_ts)});
  }

  static std::string_view topic_of(const Payload& p) {
    return std::visit([](const auto& v) { return topic_for(v); }, p);
  }
  static std::string key_of(const Payload& p) {
    return std::visit([](const auto& v) { return key_for(v); }, p);
  }
  static std::string encode_of(const Payload& p) {
    return std::visit([](const auto& v) { return model::encode(v); }, p);
  }

  StoreOptions options_;
  pg::Connection db_;
  std::unique_ptr<kafka::Producer> dlq_;
  std::vector<Item> pending_;
  std::vector<DeadLetter> dead_;
  std::map<PartitionKey, std::int64_t> next_offsets_;
  // Partitions this instance owns, with the offset sink_offsets holds for
  // each (nullopt: no row yet).
  std::map<PartitionKey, std::optional<std::int64_t>> owned_;
  std::vector<kafka::TopicPartition> last_commit_;
  StoreReport report_;
  bool broken_ = false;
};

}  // namespace

Result<StoreReport> run_store(const StoreOptions& options, std::stop_token stop) {
  auto db = pg::Connection::connect(options.database_url);
  if (!db) return std::unexpected(db.error());
  auto dlq = kafka::Producer::create(options.bootstrap_servers);
  if (!dlq) return std::unexpected(dlq.error());
  Sink sink(options, std::move(*db), std::move(*dlq));
  if (auto st = sink.ensure_partitions(); !st) return std::unexpected(st.error());

  const std::vector<std::string> topics = {std::string(model::topic::kStockPrices),
                                           std::string(model::topic::kNewsScored),
                                           std::string(model::topic::kPriceCandles5m),
                                           std::string(model::topic::kPriceCandles1h),
                                           std::string(model::topic::kPriceCandles1d),
                                           std::string(model::topic::kEconomicIndicators)};
  auto backoff = std::chrono::milliseconds(200);
  while (!stop.stop_requested()) {
    kafka::RebalanceHooks hooks{
        [&sink](const auto& tps) { return sink.on_assign(tps); },
        [&sink](const auto& tps) { sink.on_revoke(tps); },
    };
    auto consumer = kafka::Consumer::create(options.bootstrap_servers, options.group_id, hooks);
    if (!consumer) return std::unexpected(consumer.error());
    if (auto st = (*consumer)->subscribe(topics); !st) return std::unexpected(st.error());
    log::info("store consuming", {{"group", options.group_id}, {"batch_size", static_cast<std::int64_t>(options.batch_size)}});

    bool rejoin = false;
    auto batch_started = std::chrono::steady_clock::now();
    while (!stop.stop_requested() && !rejoin) {
      auto messages = (*consumer)->poll_batch(options.batch_size - std::min(options.batch_size, sink.buffered()),
                                              std::chrono::milliseconds(100));
      for (const auto& m : messages) {
        if (auto err = m.error()) {
          log::warn("consumer error", {{"error", err->message}});
          continue;
        }
        sink.add(m);
      }
      const bool full = sink.buffered() >= options.batch_size;
      const bool waited = std::chrono::steady_clock::now() - batch_started >= options.batch_wait;
      if (!full && !waited) continue;
      Status st = sink.flush();
      batch_started = std::chrono::steady_clock::now();
      if (st) {
        backoff = std::chrono::milliseconds(200);
        (void)(*consumer)->commit(sink.last_commit());  // for lag monitoring only
        continue;
      }
      log::error("store batch failed", {{"error", st.error().message}, {"code", to_string(st.error().code)}});
      if (st.error().code == Errc::kFenced || sink.broken()) {
        rejoin = true;  // leave the group and start over from stored offsets
      } else if (!st.error().retryable() && sink.db_ok()) {
        return std::unexpected(st.error());
      } else {
        // PostgreSQL or Kafka is down: reconnect and seek back by rejoining.
        sleep_unless_stopped(backoff, stop);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
        if (!sink.db_ok()) {
          if (auto rc = sink.reconnect(); !rc) log::warn("postgres reconnect failed", {{"error", rc.error().message}});
        }
        rejoin = true;
      }
    }
    if (!rejoin) {
      // Graceful stop: write what is buffered before leaving the group.
      if (auto st = sink.flush(); !st) log::warn("final batch not written", {{"error", st.error().message}});
    }
    sink.drop_buffer();
    (*consumer)->close();
  }
  const auto& r = sink.report();
  log::info("store stopped", {{"ticks", static_cast<std::int64_t>(r.ticks)},
                              {"news", static_cast<std::int64_t>(r.news)},
                              {"candles", static_cast<std::int64_t>(r.candles)},
                              {"indicators", static_cast<std::int64_t>(r.indicators)},
                              {"dead_letters", static_cast<std::int64_t>(r.dead_letters)}});
  return r;
}

}  // namespace st::store
