#include "process_service.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "processor.hpp"
#include "txn_committer.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/topics.hpp"
#include "stocktracker/pg/connection.hpp"

namespace st::process {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t kOffsetBeginning = -2;  // RD_KAFKA_OFFSET_BEGINNING

/// Reads `partitions` from the beginning to their current end, calling
/// `apply` for every record. With read_committed, "the end" must also be
/// stable: while another instance's transaction is still open on a
/// partition (a zombie that stalled mid-batch), the readable end (the last
/// stable offset) lies below the high watermark, and restoring there would
/// miss that transaction if it later commits. So a partition counts as
/// read only when its position has reached the high watermark, i.e. no
/// transaction is pending; an open one resolves by commit, abort or the
/// transaction timeout.
Status read_to_end(const std::string& bootstrap, const std::string& group,
                   const std::vector<kafka::TopicPartition>& partitions,
                   const std::function<Status(const kafka::Message&)>& apply) {
  if (partitions.empty()) return {};
  auto reader = kafka::Consumer::create(bootstrap, group, {}, {{"enable.partition.eof", "true"}});
  if (!reader) return std::unexpected(reader.error());
  std::vector<kafka::TopicPartition> from_start = partitions;
  for (auto& tp : from_start) tp.offset = kOffsetBeginning;
  if (auto st = (*reader)->assign(from_start); !st) return st;
  std::set<std::int32_t> reached_eof;
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  for (;;) {
    if (std::chrono::steady_clock::now() > deadline) return fail(Errc::kTimeout, "restore did not reach the end");
    for (auto& m : (*reader)->poll_batch(10000, 200ms)) {
      if (m.is_partition_eof()) {
        reached_eof.insert(m.partition());
      } else if (auto err = m.error()) {
        log::warn("restore read error", {{"error", err->message}});
      } else if (auto st = apply(m); !st) {
        return st;
      }
    }
    if (reached_eof.size() < partitions.size()) continue;
    auto positions = (*reader)->positions(from_start);
    if (!positions) return std::unexpected(positions.error());
    bool stable = true;
    for (const auto& tp : *positions) {
      auto marks = (*reader)->watermarks(tp.topic, tp.partition, 5s);
      if (!marks && marks.error().retryable()) {
        // A topic just created may not have elected its leaders yet.
        log::info("restore retries", {{"error", marks.error().message}});
        stable = false;
        std::this_thread::sleep_for(200ms);
        break;
      }
      if (!marks) return std::unexpected(marks.error());
      const auto [low, high] = *marks;
      // No position yet: nothing was read, which is the end only for an
      // empty partition.
      const std::int64_t position = tp.offset >= 0 ? tp.offset : low;
      if (position < high) {
        stable = false;
        log::info("restore waits for an open transaction", {{"topic", tp.topic},
                                                             {"partition", tp.partition},
                                                             {"position", position},
                                                             {"high_watermark", high}});
      }
    }
    if (stable) break;
  }
  (*reader)->close();
  return {};
}

std::unordered_map<std::string, CompanyInfo> load_companies(const std::string& url) {
  std::unordered_map<std::string, CompanyInfo> out;
  if (url.empty()) return out;
  auto conn = pg::Connection::connect(url);
  if (!conn) {
    log::warn("companies not loaded; alerts will lack names", {{"error", conn.error().message}});
    return out;
  }
  auto rows = conn->exec("SELECT symbol, name, coalesce(sector, '') FROM companies");
  if (!rows) return out;
  for (int i = 0; i < rows->size(); ++i) {
    out[std::string(rows->get(i, 0))] = {std::string(rows->get(i, 1)), std::string(rows->get(i, 2))};
  }
  return out;
}

/// The user-preferences topic read as a table, kept current by polling.
class PreferencesTable {
 public:
  static Result<PreferencesTable> open(const ProcessOptions& o, Processor& processor) {
    auto admin = kafka::Admin::create(o.bootstrap_servers);
    if (!admin) return std::unexpected(admin.error());
    auto parts = (*admin)->end_offsets(std::string(model::topic::kUserPreferences), 10s);
    if (!parts) return std::unexpected(parts.error());
    PreferencesTable t;
    auto apply = [&processor](const kafka::Message& m) -> Status {
      apply_record(m, processor);
      return {};
    };
    // Bootstrap: the whole table before the first tick.
    if (auto st = read_to_end(o.bootstrap_servers, o.group_id + "-preferences", *parts, apply); !st) {
      return std::unexpected(st.error());
    }
    auto follower = kafka::Consumer::create(o.bootstrap_servers, o.group_id + "-preferences", {});
    if (!follower) return std::unexpected(follower.error());
    // Follow from the end positions reached (HW) onwards.
    if (auto st = (*follower)->assign(*parts); !st) return std::unexpected(st.error());
    t.follower_ = std::move(*follower);
    return t;
  }

  void poll(Processor& processor) {
    for (auto& m : follower_->poll_batch(1000, 0ms)) {
      if (!m.error()) apply_record(m, processor);
    }
  }

 private:
  static void apply_record(const kafka::Message& m, Processor& processor) {
    if (m.payload().empty()) {  // a tombstone: the user was deleted
      model::UserPreferences gone;
      std::int64_t id = 0;
      std::from_chars(m.key().data(), m.key().data() + m.key().size(), id);
      gone.user_id = UserId(id);
      gone.deleted = true;
      processor.set_preferences(gone);
      return;
    }
    auto prefs = model::decode_preferences(m.payload());
    if (!prefs) {
      log::warn("user-preferences record ignored", {{"reason", prefs.error().message}, {"offset", m.offset()}});
      return;
    }
    processor.set_preferences(*prefs);
  }
  std::unique_ptr<kafka::Consumer> follower_;
};

}  // namespace

std::string ProcessOptions::changelog_topic() const {
  return group_id == "stocktracker-process" ? std::string(model::topic::kProcessChangelog) : group_id + "-changelog";
}

std::string ProcessOptions::news_by_symbol_topic() const {
  return group_id == "stocktracker-process" ? std::string(model::topic::kProcessNewsBySymbol)
                                            : group_id + "-news-by-symbol";
}

namespace {

/// Creates the group's changelog topic when missing: compacted, with as
/// many partitions as the input, since partition p's state goes to p. The
/// news repartition topic too (with its DLQ): the same partition count, so
/// a symbol's news lands on the partition number of its ticks.
Status ensure_changelog(const ProcessOptions& o) {
  auto admin = kafka::Admin::create(o.bootstrap_servers);
  if (!admin) return std::unexpected(admin.error());
  auto input = (*admin)->end_offsets(std::string(model::topic::kStockPrices), 10s);
  if (!input) return std::unexpected(input.error());
  const model::TopicSpec spec{o.changelog_topic(), static_cast<int>(input->size()), true, -1};
  const model::TopicSpec news{o.news_by_symbol_topic(), static_cast<int>(input->size()), false, -1};
  const model::TopicSpec news_dlq{model::dlq_topic(news.name), 1, false, -1};
  if (auto created = (*admin)->create_topics({spec, news, news_dlq}, 30s); !created) {
    return std::unexpected(created.error());
  }
  return {};
}

/// The input consumer's prefetch queue. librdkafka 2.0 stops fetching once
/// the queue holds queued.min.messages records (or queued.max.messages.kbytes)
/// and looks again only when its broker thread next wakes up, up to a second
/// later (fetch.queue.backoff.ms, which bounds that pause, came in 2.2).
/// With the default 100,000 records the processor emptied the queue in about
/// 0.1 s while catching up and then waited for input: stalls of ~0.9 s every
/// second. A million records (about 110 MB of ticks) last about a second at
/// the processor's speed, so fetching resumes before the queue runs dry.
kafka::Properties prefetch_properties() {
  return {{"queued.min.messages", "1000000"}, {"queued.max.messages.kbytes", "131072"}};
}

/// Every topic a transaction may write to (Processor's outputs).
std::vector<std::string> output_topics(const ProcessOptions& o) {
  using namespace model::topic;
  std::vector<std::string> out{o.changelog_topic(), o.news_by_symbol_topic(), model::dlq_topic(o.news_by_symbol_topic())};
  for (const auto t : {kStockAlerts, kPriceCandles5m, kPriceCandles1h, kPriceCandles1d, kStockPricesLate, kNewsScored}) {
    out.emplace_back(t);
  }
  for (const auto t : {kStockPrices, kNewsArticles, kEconomicIndicators}) out.push_back(model::dlq_topic(t));
  return out;
}

}  // namespace

Result<ProcessReport> run_process(const ProcessOptions& o, std::stop_token stop) {
  if (auto st = ensure_changelog(o); !st) return std::unexpected(st.error());
  auto producer = kafka::TransactionalProducer::create(o.bootstrap_servers, o.transactional_id());
  if (!producer) return std::unexpected(producer.error());
  // Fences an earlier incarnation with the same id and aborts its open
  // transaction, so nothing it wrote after this point becomes visible.
  if (auto st = (*producer)->init(60s); !st) return std::unexpected(st.error());
  if (auto st = (*producer)->prepare_topics(output_topics(o), 30s); !st) return std::unexpected(st.error());

  Processor processor(o.windows);
  processor.set_news_by_symbol_topic(o.news_by_symbol_topic());
  processor.set_companies(load_companies(o.database_url));
  auto prefs = PreferencesTable::open(o, processor);
  if (!prefs) return std::unexpected(prefs.error());

  const std::string changelog = o.changelog_topic();
  const std::string input(model::topic::kStockPrices);
  const std::string news(model::topic::kNewsArticles);
  // Consumed in the same group and loop: the range assignor gives an
  // instance partition p of both stock-prices and this topic together.
  const std::string news_by_symbol = o.news_by_symbol_topic();
  const std::string indicators(model::topic::kEconomicIndicators);  // one partition: 0
  ProcessReport report;
  TxnCommitter committer(**producer);
  // What the debug log says of the transaction in flight.
  struct InFlight {
    std::string offsets;
    std::int64_t inputs = 0, records = 0, batch_ms = 0, produce_ms = 0;
  };
  std::optional<InFlight> in_flight;
  std::uint64_t generation = 0;
  Status restore_status;

  while (!stop.stop_requested()) {
    kafka::Consumer* consumer_ref = nullptr;  // set below; callbacks run inside its polls
    kafka::RebalanceHooks hooks{
        [&](const std::vector<kafka::TopicPartition>& tps) {
          ++generation;
          std::vector<kafka::TopicPartition> logs;
          for (const auto& tp : tps) {
            if (tp.topic != input) continue;  // news is stateless
            processor.assign(tp.partition);
            logs.push_back({changelog, tp.partition, kOffsetBeginning});
          }
          // First wait until the committed offsets are stable: a previous
          // owner may have sent its offsets in a transaction it has not
          // ended yet (a zombie resuming from a stall commits it). Only then
          // does the changelog hold that transaction's outcome too.
          if (auto stable = consumer_ref->committed_stable(tps, 90s); !stable) {
            restore_status = std::unexpected(stable.error());
            return tps;
          }
          // Restore each partition's state: the latest record per key.
          std::map<std::pair<std::int32_t, std::string>, std::string> latest;
          restore_status = read_to_end(o.bootstrap_servers, o.group_id + "-restore", logs,
                                       [&](const kafka::Message& m) -> Status {
                                         latest[{m.partition(), std::string(m.key())}] = std::string(m.payload());
                                         return {};
                                       });
          for (const auto& [key, value] : latest) {
            if (!restore_status) break;
            restore_status = processor.restore(key.first, key.second, value);
          }
          log::info("state restored", {{"partitions", static_cast<std::int64_t>(tps.size())},
                                       {"records", static_cast<std::int64_t>(latest.size())}});
          return tps;  // start from the offsets committed by the transactions
        },
        [&](const std::vector<kafka::TopicPartition>& tps) {
          ++generation;
          for (const auto& tp : tps) {
            if (tp.topic == input) processor.revoke(tp.partition);
          }
        },
    };
    auto consumer = kafka::Consumer::create(o.bootstrap_servers, o.group_id, hooks, prefetch_properties());
    if (!consumer) return std::unexpected(consumer.error());
    consumer_ref = consumer->get();
    if (auto st = (*consumer)->subscribe({input, news, news_by_symbol, indicators}); !st) {
      return std::unexpected(st.error());
    }

    bool rejoin = false;
    // The transaction in flight ends on the committer's thread while this
    // loop collects and processes the next batch; `settle` waits for it
    // before anything else is written (see txn_committer.hpp).
    const auto settle = [&]() -> Status {
      auto outcome = committer.wait();
      if (!outcome) return {};
      if (outcome->status) {
        ++report.transactions;
        if (in_flight) {
          log::debug("transaction committed", {{"offsets", in_flight->offsets},
                                               {"inputs", in_flight->inputs},
                                               {"records", in_flight->records},
                                               {"batch_ms", in_flight->batch_ms},
                                               {"produce_ms", in_flight->produce_ms},
                                               {"commit_ms", static_cast<std::int64_t>(outcome->took.count())}});
        }
        in_flight.reset();
        return {};
      }
      in_flight.reset();
      log::warn("transaction failed", {{"error", outcome->status.error().message},
                                       {"code", to_string(outcome->status.error().code)}});
      return outcome->status;  // already aborted unless fenced
    };
    while (!stop.stop_requested() && !rejoin) {
      prefs->poll(processor);
      // Collect a batch one record per poll. librdkafka serves a rebalance
      // callback inside a poll before it returns a record of the new
      // assignment, so the records collected before a callback belong to the
      // old assignment: they are dropped (and fetched again from the
      // committed offsets), while the record returned with the callback is
      // kept. Polling several records per call would mix the two.
      std::vector<kafka::Message> batch;
      const auto started = std::chrono::steady_clock::now();
      const auto until = started + o.batch_wait;
      while (batch.size() < o.batch_size) {
        const std::uint64_t before = generation;
        auto got = (*consumer)->poll(batch.empty() ? o.batch_wait : 0ms);
        if (generation != before) batch.clear();
        if (!got) break;  // nothing more fetched for now
        batch.push_back(std::move(*got));
        // The clock is read every 64 records: per record it cost a sixth of
        // this thread's time at a million records a second.
        if (batch.size() % 64 == 0 && std::chrono::steady_clock::now() >= until) break;
      }
      if (!restore_status) return std::unexpected(restore_status.error());
      if (batch.empty()) continue;

      std::vector<OutRecord> out;
      // The next offset per input partition. Records come in runs of one
      // partition, so the last entry is almost always the one to update; the
      // topic names are librdkafka's, alive while the batch holds records.
      struct Next {
        std::string_view topic;
        std::int32_t partition;
        std::int64_t offset;
      };
      std::vector<Next> next;
      // Which input a record is from, decided once per run of one topic
      // (librdkafka hands out one name pointer per topic).
      enum class Input { kTicks, kNews, kSymbolNews, kIndicators };
      const char* last_topic = nullptr;
      Input kind = Input::kTicks;
      for (const auto& m : batch) {
        if (m.error()) continue;
        const std::string_view topic = m.topic();
        if (topic.data() != last_topic) {
          last_topic = topic.data();
          kind = topic == news             ? Input::kNews
                 : topic == news_by_symbol ? Input::kSymbolNews
                 : topic == indicators     ? Input::kIndicators
                                           : Input::kTicks;
        }
        const std::int32_t partition = m.partition();
        if (kind == Input::kNews) {
          processor.on_news_record(partition, m.offset(), m.key(), m.payload(), out);
        } else if (!processor.owns(partition)) {
          continue;
        } else if (kind == Input::kSymbolNews) {
          processor.on_symbol_news_record(partition, m.offset(), m.key(), m.payload(), out);
        } else if (kind == Input::kIndicators) {
          processor.on_indicator_record(partition, m.offset(), m.key(), m.payload(), out);
        } else {
          processor.on_tick_record(partition, m.offset(), m.key(), m.payload(), out);
        }
        if (next.empty() || next.back().partition != partition || next.back().topic.data() != topic.data()) {
          auto it = std::find_if(next.begin(), next.end(), [&](const Next& n) {
            return n.partition == partition && n.topic.data() == topic.data();
          });
          if (it == next.end()) {
            next.push_back({topic, partition, 0});
          } else {
            std::rotate(it, it + 1, next.end());  // the hit becomes the last entry
          }
        }
        next.back().offset = m.offset() + 1;
      }
      // Only with a batch in hand: its offsets go into this transaction,
      // which fences a zombie's idle-closed windows like its other output.
      if (!next.empty()) processor.advance_idle(SystemClock::instance().now_ms(), out);
      processor.flush_changelog(changelog, out);
      if (next.empty()) continue;
      // The membership this batch was read under: no poll since.
      kafka::GroupMetadata group_meta = (*consumer)->group_metadata();

      const auto processed = std::chrono::steady_clock::now();
      const Status settled = settle();  // the previous transaction must have committed
      Status st = settled;
      if (st) st = (*producer)->begin();
      for (const auto& r : out) {
        if (!st) break;
        std::vector<kafka::Header> headers(r.headers.begin(), r.headers.end());
        st = (*producer)->produce(r.topic, r.partition, r.key, r.value, headers);
      }
      if (st) {
        std::vector<kafka::TopicPartition> offsets;
        for (const auto& n : next) offsets.push_back({std::string(n.topic), n.partition, n.offset});
        if (log::enabled(log::Level::kDebug)) {
          // Where a batch's time goes: collecting and processing, producing
          // (after the previous commit), the offsets and the commit.
          const auto ms = [](auto d) {
            return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
          };
          InFlight f{"", static_cast<std::int64_t>(batch.size()), static_cast<std::int64_t>(out.size()),
                     ms(processed - started), ms(std::chrono::steady_clock::now() - processed)};
          for (const auto& tp : offsets) {
            f.offsets += tp.topic + "/" + std::to_string(tp.partition) + "@" + std::to_string(tp.offset) + " ";
          }
          in_flight = std::move(f);
        }
        committer.start(std::move(offsets), std::move(group_meta));
        continue;
      }
      if (settled) {  // settle() logged a failed commit already
        log::warn("transaction failed", {{"error", st.error().message}, {"code", to_string(st.error().code)}});
      }
      if (st.error().code == Errc::kFenced) {
        (*consumer)->close();
        return std::unexpected(st.error());  // another instance owns our work: write nothing more
      }
      // Abortable: drop the transaction and the in-memory state it touched,
      // then rejoin; the state comes back from the changelog and the input
      // from the committed offsets. A failed commit was aborted already.
      if (settled) {
        if (auto ab = (*producer)->abort(60s); !ab && ab.error().code == Errc::kFenced) {
          (*consumer)->close();
          return std::unexpected(ab.error());
        }
      }
      rejoin = true;
    }
    // The last transaction ends before the consumer leaves the group.
    if (auto st = settle(); !st && st.error().code == Errc::kFenced) {
      (*consumer)->close();
      return std::unexpected(st.error());
    }
    (*consumer)->close();
  }
  report.processed = processor.stats();
  const auto& s = report.processed;
  log::info("process stopped", {{"ticks", static_cast<std::int64_t>(s.ticks)},
                                {"candles", static_cast<std::int64_t>(s.candles)},
                                {"alerts", static_cast<std::int64_t>(s.alerts)},
                                {"late", static_cast<std::int64_t>(s.late)},
                                {"transactions", static_cast<std::int64_t>(report.transactions)}});
  return report;
}

}  // namespace st::process
