// Price CSV files for `stocktracker replay`: the whole file through
// load_price_csv (the RFC 4180 reader, header detection, time and number
// parsing), the first byte choosing the file's time zone and whether
// --symbol is given. Invariants: the CSV reader always moves forward; the
// good rows come out in event-time order, each a tick the stock-prices
// codec accepts as it is; every bad row has a line and a reason.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "replay/csv_reader.hpp"
#include "replay/replay_file.hpp"
#include "stocktracker/model/codec.hpp"

namespace {

namespace replay = st::ingest::replay;

void read_records(std::string_view text) {
  replay::CsvReader reader(text);
  replay::CsvRecord record;
  std::size_t position = reader.position();
  std::size_t line = 0;
  while (reader.next(record)) {
    FUZZ_CHECK(reader.position() > position, text);
    FUZZ_CHECK(record.line > line, text);
    FUZZ_CHECK(!record.fields.empty(), text);
    position = reader.position();
    line = record.line;
  }
  FUZZ_CHECK(reader.position() >= text.size(), text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  read_records(text);

  replay::RowDefaults defaults;
  defaults.symbol = (data[0] & 1) != 0 ? "AAPL" : "";
  switch ((data[0] >> 1) % 3) {
    case 0: defaults.zone = *replay::parse_file_zone("new-york"); break;
    case 1: defaults.zone = *replay::parse_file_zone("UTC"); break;
    default: defaults.zone = *replay::parse_file_zone("+05:30"); break;
  }
  const auto file = replay::load_price_csv(text, defaults);
  if (!file) {
    FUZZ_CHECK(!file.error().message.empty(), text);
    return 0;
  }
  FUZZ_CHECK(std::is_sorted(file->rows.begin(), file->rows.end(),
                            [](const replay::Row& a, const replay::Row& b) { return a.ts < b.ts; }),
             text);
  for (const auto& row : file->rows) {
    const auto tick = file->tick(row, defaults.source);
    const std::string encoded = st::model::encode(tick);
    const auto back = st::model::decode_tick(encoded);
    FUZZ_CHECK(back.has_value(), encoded);
    FUZZ_CHECK(*back == tick, encoded);
  }
  for (const auto& bad : file->bad) {
    FUZZ_CHECK(bad.line >= 1 && !bad.reason.empty(), bad.raw);
  }
  return 0;
}
