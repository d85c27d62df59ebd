#include "replay_file.hpp"

#include <algorithm>
#include <unordered_map>

#include "csv_reader.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::ingest::replay {
namespace {

/// Interns short strings (symbols, currencies) as 16-bit indexes.
class Interner {
 public:
  explicit Interner(std::vector<std::string>& table) : table_(table) {}
  std::optional<std::uint16_t> index(const std::string& s) {
    if (const auto it = ids_.find(s); it != ids_.end()) return it->second;
    if (table_.size() >= 65535) return std::nullopt;
    const auto id = static_cast<std::uint16_t>(table_.size());
    table_.push_back(s);
    ids_.emplace(s, id);
    return id;
  }

 private:
  std::vector<std::string>& table_;
  std::unordered_map<std::string, std::uint16_t> ids_;
};

}  // namespace

model::PriceTick LoadedFile::tick(const Row& r, std::string_view source) const {
  return model::PriceTick{.symbol = symbols[r.symbol],
                          .price = r.price,
                          .volume = r.volume,
                          .ts = r.ts,
                          .source = std::string(source),
                          .currency = currencies[r.currency]};
}

Result<LoadedFile> load_price_csv(std::string_view text, const RowDefaults& defaults) {
  LoadedFile out;
  CsvReader reader(text);
  CsvRecord record;
  // The header is the first line that is not blank.
  bool have_header = false;
  while (reader.next(record)) {
    if (record.blank()) {
      ++out.blank_lines;
      continue;
    }
    if (!record.error.empty()) {
      return fail(Errc::kInvalidInput, "line " + std::to_string(record.line) + ": header: " + record.error);
    }
    auto layout = detect_layout(record.fields);
    if (!layout) return fail(Errc::kInvalidInput, "line " + std::to_string(record.line) + ": " + layout.error().message);
    out.layout = *layout;
    have_header = true;
    break;
  }
  if (!have_header) return fail(Errc::kInvalidInput, "the file is empty (no header row)");
  if (out.layout.symbol < 0 && !model::valid_symbol(defaults.symbol)) {
    return fail(Errc::kInvalidInput, "the file has no symbol column and \"" + defaults.symbol +
                                         "\" (from --symbol or the file name) is not a symbol; pass --symbol");
  }

  Interner symbols(out.symbols);
  Interner currencies(out.currencies);
  out.rows.reserve(text.size() / 48);
  bool sorted = true;
  while (reader.next(record)) {
    if (record.blank()) {
      ++out.blank_lines;
      continue;
    }
    const auto bad = [&](std::string reason) {
      std::string symbol = out.layout.symbol >= 0 && static_cast<std::size_t>(out.layout.symbol) < record.fields.size()
                               ? record.fields[static_cast<std::size_t>(out.layout.symbol)]
                               : defaults.symbol;
      out.bad.push_back({record.line, std::move(reason), std::string(record.raw), std::move(symbol)});
    };
    if (!record.error.empty()) {
      bad("parse: " + record.error);
      continue;
    }
    auto tick = read_row(out.layout, record.fields, defaults);
    if (!tick) {
      bad(tick.error().message);
      continue;
    }
    const auto sym = symbols.index(tick->symbol);
    const auto cur = currencies.index(tick->currency);
    if (!sym || !cur) {
      bad("rejected: more than 65,535 distinct symbols or currencies in one file");
      continue;
    }
    if (!out.rows.empty() && tick->ts < out.rows.back().ts) sorted = false;
    out.rows.push_back({tick->ts, tick->price, tick->volume, static_cast<std::uint32_t>(record.line), *sym, *cur});
  }
  // Exports are often newest first, and long files are often grouped by
  // symbol: replay is in event-time order whatever the file's order.
  if (!sorted) std::stable_sort(out.rows.begin(), out.rows.end(), [](const Row& a, const Row& b) { return a.ts < b.ts; });
  return out;
}

}  // namespace st::ingest::replay
