#include "price_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "providers/new_york_time.hpp"
#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::ingest::replay {
namespace {

constexpr EpochMs kDayMs = 86'400'000;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// `count` decimal digits at `pos`, or nullopt.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t count) {
  if (pos + count > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::optional<std::int64_t> civil_day(int y, int m, int d) {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::unexpected<Error> bad_time(std::string_view text, std::string_view why) {
  std::string msg = "not a time (";
  msg += why;
  msg += "): \"";
  msg += text.substr(0, 64);
  msg += '"';
  return fail(Errc::kInvalidInput, std::move(msg));
}

/// "Z", "+01:00", "-0500", "+01": the offset east of UTC in ms.
std::optional<EpochMs> parse_offset(std::string_view s) {
  if (s == "Z" || s == "z") return 0;
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const auto h = digits(s, 1, 2);
  if (!h || *h > 23) return std::nullopt;
  int m = 0;
  if (s.size() == 6 && s[3] == ':') {
    const auto mm = digits(s, 4, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  } else if (s.size() == 5) {
    const auto mm = digits(s, 3, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  } else if (s.size() != 3) {
    return std::nullopt;
  }
  if (m > 59) return std::nullopt;
  const EpochMs ms = (static_cast<EpochMs>(*h) * 60 + m) * 60'000;
  return s[0] == '-' ? -ms : ms;
}

/// A number as exports write it: "185.64", "$185.64".
std::optional<double> parse_price(std::string_view s) {
  if (s.starts_with('$')) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;  // "nan", "inf"
  return v;
}

/// A whole number; "1234.0" too (some exports write volumes as floats).
std::optional<std::int64_t> parse_volume(std::string_view s) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc{} && ptr == s.data() + s.size()) return v;
  const auto d = parse_price(s);
  if (d && std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 9e15) return static_cast<std::int64_t>(*d);
  return std::nullopt;
}

std::unexpected<Error> parse_error(std::string_view column, std::string_view what, std::string_view text) {
  std::string msg = "parse: ";
  msg += column;
  msg += ": ";
  msg += what;
  msg += " (\"";
  msg += text.substr(0, 64);
  msg += "\")";
  return fail(Errc::kInvalidInput, std::move(msg));
}

}  // namespace

std::optional<FileZone> parse_file_zone(std::string_view text) {
  const std::string t = lower(text);
  if (t == "new-york" || t == "new_york" || t == "america/new_york" || t == "us/eastern") return FileZone{};
  if (t == "utc" || t == "z") return FileZone{.new_york = false, .fixed_offset_ms = 0};
  if (const auto off = parse_offset(text)) return FileZone{.new_york = false, .fixed_offset_ms = *off};
  return std::nullopt;
}

Result<EpochMs> parse_csv_time(std::string_view text, const FileZone& zone) {
  if (text.empty()) return bad_time(text, "empty");
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (text.size() > 13) return bad_time(text, "too many digits for epoch seconds or milliseconds");
    const auto v = static_cast<EpochMs>(std::stoll(std::string(text)));
    return text.size() <= 11 ? v * 1000 : v;
  }
  std::optional<std::int64_t> day;
  std::size_t pos = 0;
  if (text.size() >= 10 && text[2] == '/' && text[5] == '/') {  // US: MM/DD/YYYY
    const auto m = digits(text, 0, 2), d = digits(text, 3, 2), y = digits(text, 6, 4);
    if (!m || !d || !y) return bad_time(text, "expected MM/DD/YYYY");
    day = civil_day(*y, *m, *d);
    pos = 10;
  } else {
    const auto y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
    if (!y || !m || !d || text[4] != '-' || text[7] != '-') return bad_time(text, "expected YYYY-MM-DD");
    day = civil_day(*y, *m, *d);
    pos = 10;
  }
  if (!day) return bad_time(text, "no such date");
  if (pos == text.size()) return providers::new_york_close_utc(*day);  // a daily bar

  if (text[pos] != 'T' && text[pos] != ' ') return bad_time(text, "expected 'T' or a space after the date");
  ++pos;
  const auto hh = digits(text, pos, 2);
  const auto mi = digits(text, pos + 3, 2);
  if (!hh || !mi || text[pos + 2] != ':' || *hh > 23 || *mi > 59) return bad_time(text, "expected HH:MM");
  pos += 5;
  EpochMs ms_of_day = (static_cast<EpochMs>(*hh) * 60 + *mi) * 60'000;
  if (pos < text.size() && text[pos] == ':') {
    const auto ss = digits(text, pos + 1, 2);
    if (!ss || *ss > 59) return bad_time(text, "expected seconds 00-59");
    ms_of_day += static_cast<EpochMs>(*ss) * 1000;
    pos += 3;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      EpochMs frac = 0;
      int n = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (n < 3) frac = frac * 10 + (text[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0) return bad_time(text, "expected digits after the decimal point");
      for (; n < 3; ++n) frac *= 10;
      ms_of_day += frac;
    }
  }
  std::string_view rest = text.substr(pos);
  while (rest.starts_with(' ')) rest.remove_prefix(1);
  const EpochMs local = *day * kDayMs + ms_of_day;
  if (!rest.empty()) {
    const auto off = parse_offset(rest);
    if (!off) return bad_time(text, "expected Z or an offset like +01:00 after the time");
    return local - *off;
  }
  if (zone.new_york) return providers::new_york_local_to_utc(local);
  return local - zone.fixed_offset_ms;
}

Result<Layout> detect_layout(const std::vector<std::string>& header) {
  Layout l;
  l.columns = header.size();
  int close = -1, price = -1;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = lower(header[i]);
    const int idx = static_cast<int>(i);
    if (name == "date" || name == "datetime" || name == "timestamp" || name == "time") {
      if (l.time < 0) l.time = idx;
    } else if (name == "close" || name == "close/last") {
      close = idx;
    } else if (name == "price") {
      price = idx;
    } else if (name == "volume") {
      l.volume = idx;
    } else if (name == "symbol" || name == "ticker") {
      l.symbol = idx;
    } else if (name == "currency") {
      l.currency = idx;
    }
  }
  if (l.time < 0) return fail(Errc::kInvalidInput, "the header names no Date, Datetime or Timestamp column");
  if (close >= 0) {
    l.kind = LayoutKind::kPerSymbol;  // a symbol column, when present, still wins over the file name
    l.price = close;
  } else if (price >= 0 && l.symbol >= 0) {
    l.kind = LayoutKind::kLong;
    l.price = price;
  } else {
    return fail(Errc::kInvalidInput,
                "the header is neither Date,Open,High,Low,Close,Volume nor symbol,timestamp,price,volume");
  }
  return l;
}

std::string symbol_from_file_name(std::string_view path) {
  std::string name = std::filesystem::path(path).filename().string();
  const auto dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  if (const auto cut = name.find_first_of("_ "); cut != std::string::npos) name.resize(cut);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return name;
}

Result<model::PriceTick> read_row(const Layout& layout, const std::vector<std::string>& fields,
                                  const RowDefaults& defaults) {
  if (fields.size() != layout.columns) {
    return fail(Errc::kInvalidInput, "parse: expected " + std::to_string(layout.columns) + " fields, got " +
                                         std::to_string(fields.size()));
  }
  model::PriceTick tick;
  tick.source = defaults.source;
  tick.symbol = layout.symbol >= 0 ? fields[static_cast<std::size_t>(layout.symbol)] : defaults.symbol;
  tick.currency = layout.currency >= 0 ? fields[static_cast<std::size_t>(layout.currency)] : defaults.currency;

  const std::string& time_text = fields[static_cast<std::size_t>(layout.time)];
  auto ts = parse_csv_time(time_text, defaults.zone);
  if (!ts) return fail(Errc::kInvalidInput, "parse: time: " + ts.error().message);
  tick.ts = *ts;

  const std::string& price_text = fields[static_cast<std::size_t>(layout.price)];
  const auto price = parse_price(price_text);
  if (!price) return parse_error(layout.kind == LayoutKind::kLong ? "price" : "close", "not a number", price_text);
  tick.price = *price;

  if (layout.volume >= 0) {
    const std::string& volume_text = fields[static_cast<std::size_t>(layout.volume)];
    const auto volume = parse_volume(volume_text);
    if (!volume) return parse_error("volume", "not a whole number", volume_text);
    tick.volume = *volume;
  }
  // The topic's own rules (canonical symbol, finite positive price, volume
  // >= 0, ISO currency), so replay cannot publish what consumers refuse.
  thread_local std::string encoded;
  encoded.clear();
  model::encode_to(encoded, tick);
  if (auto checked = model::decode_tick(encoded); !checked) return std::unexpected(checked.error());
  return tick;
}

}  // namespace st::ingest::replay
