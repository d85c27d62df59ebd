#include "replay_service.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "progress.hpp"
#include "replay_file.hpp"
#include "stocktracker/base/log.hpp"
#include "stocktracker/base/stop.hpp"
#include "stocktracker/kafka/dead_letter.hpp"
#include "stocktracker/kafka/kafka.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/topics.hpp"

namespace st::ingest::replay {
namespace {

using Steady = std::chrono::steady_clock;

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::kNotFound, "cannot open " + path);
  std::string text;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) return fail(Errc::kInvalidInput, "cannot read " + path);
  text.resize(static_cast<std::size_t>(size));
  in.seekg(0);
  in.read(text.data(), size);
  if (!in) return fail(Errc::kInvalidInput, "cannot read " + path);
  return text;
}

/// Reports and dead-letters the rows that could not be used.
Status report_bad_rows(kafka::Producer& producer, const LoadedFile& file, const ReplayOptions& o) {
  static constexpr kafka::DeadLetterOrigin kOrigin{.topic = model::topic::kStockPrices, .service = "replay"};
  const std::string name = std::filesystem::path(o.file).filename().string();
  std::size_t logged = 0;
  for (const auto& bad : file.bad) {
    // "parse: close: ..." -> "parse: replay: AAPL.csv:17: close: ..."
    const auto colon = bad.reason.find(": ");
    std::string reason = colon == std::string::npos ? "parse: " : bad.reason.substr(0, colon + 2);
    reason += "replay: ";
    reason += name;
    reason += ':';
    reason += std::to_string(bad.line);
    reason += ": ";
    reason += colon == std::string::npos ? bad.reason : bad.reason.substr(colon + 2);
    if (logged < o.logged_bad_rows) {
      log::warn("bad row skipped", {{"file", name}, {"line", bad.line}, {"reason", reason}});
      ++logged;
    }
    if (auto st = kafka::send_to_dlq(producer, kOrigin, bad.symbol, bad.raw, reason); !st) return st;
  }
  if (file.bad.size() > logged) {
    log::warn("more bad rows skipped (not logged one by one; all are in stock-prices.dlq)",
              {{"file", name}, {"count", file.bad.size() - logged}});
  }
  return {};
}

}  // namespace

std::optional<double> parse_speed(std::string_view text) {
  if (text == "max") return 0.0;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
  return v;
}

Result<ReplayReport> run_replay(const ReplayOptions& o, std::stop_token stop) {
  if (!(o.speed >= 0)) return fail(Errc::kInvalidInput, "--speed: must be a positive number or max");
  auto text = read_file(o.file);
  if (!text) return std::unexpected(text.error());
  RowDefaults defaults{.symbol = o.symbol.empty() ? symbol_from_file_name(o.file) : o.symbol,
                       .source = o.source,
                       .currency = o.currency,
                       .zone = o.zone};
  auto file = load_price_csv(*text, defaults);
  if (!file) return fail(Errc::kInvalidInput, o.file + ": " + file.error().message);
  text->clear();
  text->shrink_to_fit();

  ReplayReport report;
  report.rows = file->rows.size();
  report.bad_rows = file->bad.size();
  report.blank_lines = file->blank_lines;
  log::info("replay started", {{"file", o.file},
                               {"layout", file->layout.kind == LayoutKind::kLong ? "long" : "per-symbol"},
                               {"rows", report.rows},
                               {"bad_rows", report.bad_rows},
                               {"symbols", file->symbols.size()},
                               {"speed", o.speed}});

  auto producer = kafka::Producer::create(o.bootstrap_servers);
  if (!producer) return std::unexpected(producer.error());
  if (auto st = report_bad_rows(**producer, *file, o); !st) return std::unexpected(st.error());

  // One prototype tick per (symbol, currency) pair would do; per symbol and
  // refreshing the currency is simpler and as cheap.
  std::vector<model::PriceTick> proto(file->symbols.size());
  for (std::size_t i = 0; i < proto.size(); ++i) {
    proto[i].symbol = file->symbols[i];
    proto[i].source = o.source;
  }
  ProgressReporter progress("replay", "rows", report.rows, o.progress_bar);
  std::string payload;
  payload.reserve(256);
  const auto started = Steady::now();
  const EpochMs first_ts = file->rows.empty() ? 0 : file->rows.front().ts;
  for (const Row& row : file->rows) {
    if (stop.stop_requested()) break;
    if (o.speed > 0) {
      // Paced against the start, not the previous tick, so the pace does
      // not drift with the time spent producing.
      const auto due = started + std::chrono::duration_cast<Steady::duration>(
                                     std::chrono::duration<double, std::milli>(static_cast<double>(row.ts - first_ts) / o.speed));
      while (Steady::now() < due && !stop.stop_requested()) {
        (*producer)->poll();
        progress.update(report.published, report.published);
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - Steady::now());
        sleep_unless_stopped(std::clamp(left, std::chrono::milliseconds(1), std::chrono::milliseconds(100)), stop);
      }
      if (stop.stop_requested()) break;
    }
    model::PriceTick& tick = proto[row.symbol];
    tick.price = row.price;
    tick.volume = row.volume;
    tick.ts = row.ts;
    tick.currency = file->currencies[row.currency];
    payload.clear();
    model::encode_to(payload, tick);
    if (auto st = (*producer)->produce(o.topic, tick.symbol, payload); !st) {
      return std::unexpected(st.error());
    }
    ++report.published;
    if ((report.published & 1023) == 0) progress.update(report.published, report.published);
  }
  if (auto st = (*producer)->flush(std::chrono::seconds(60)); !st) return std::unexpected(st.error());
  report.seconds = std::chrono::duration<double>(Steady::now() - started).count();
  progress.finish(report.published, report.published);
  log::info("replay stopped", {{"file", o.file},
                               {"published", report.published},
                               {"rows", report.rows},
                               {"bad_rows", report.bad_rows},
                               {"seconds", report.seconds},
                               {"complete", report.published == report.rows}});
  return report;
}

}  // namespace st::ingest::replay
