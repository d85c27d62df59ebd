#include "tick_decoder.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "json_reader.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::model::detail {
namespace {

namespace json = boost::json;

enum Field : unsigned { kV, kSymbol, kPrice, kVolume, kTs, kSource, kCurrency, kFieldCount, kNone };
constexpr std::string_view kNames[kFieldCount] = {"v", "symbol", "price", "volume", "ts", "source", "currency"};
constexpr unsigned kAllFields = (1U << kFieldCount) - 1;

bool in_price_bounds(double p) {
  return std::isfinite(p) && p > kPriceBounds.min && p < kPriceBounds.max;  // both bounds exclusive
}

/// Every handler either takes a value of the plain shape or refuses, which
/// stops the parse: the caller then falls back to the full reader.
class TickHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  PriceTick tick;
  unsigned seen = 0;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code& ec) { return depth_++ == 0 || refuse(ec); }
  bool on_object_end(std::size_t, json::error_code&) { return true; }
  bool on_array_begin(json::error_code& ec) { return refuse(ec); }
  bool on_array_end(std::size_t, json::error_code& ec) { return refuse(ec); }
  bool on_key_part(json::string_view, std::size_t, json::error_code& ec) { return refuse(ec); }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    const std::string_view key(s.data(), s.size());
    const auto it = std::find(std::begin(kNames), std::end(kNames), key);
    if (it == std::end(kNames)) return refuse(ec);  // unknown: the full reader names it
    const auto f = static_cast<Field>(it - std::begin(kNames));
    if ((seen & (1U << f)) != 0) return refuse(ec);  // a duplicate key
    field_ = f;
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code& ec) { return refuse(ec); }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    const std::string_view v(s.data(), s.size());
    switch (field_) {
      case kSymbol:
        if (!valid_symbol(v)) return refuse(ec);
        tick.symbol.assign(v);
        break;
      case kSource:
        // ASCII only, so the length in bytes is the length in characters.
        if (v.empty() || v.size() > 32 ||
            !std::all_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
          return refuse(ec);
        }
        tick.source.assign(v);
        break;
      case kCurrency:
        if (v.size() != 3 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
          return refuse(ec);
        }
        tick.currency.assign(v);
        break;
      default:
        return refuse(ec);
    }
    return took();
  }
  bool on_number_part(json::string_view, json::error_code& ec) { return refuse(ec); }
  bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
    switch (field_) {
      case kV:
        if (i != kSchemaVersion) return refuse(ec);
        break;
      case kPrice:
        tick.price = static_cast<double>(i);
        if (!in_price_bounds(tick.price)) return refuse(ec);
        break;
      case kVolume:
        if (i < 0 || i > kMaxVolume) return refuse(ec);
        tick.volume = i;
        break;
      case kTs:
        if (i < 1 || i > kMaxEpochMs) return refuse(ec);
        tick.ts = i;
        break;
      default:
        return refuse(ec);
    }
    return took();
  }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code& ec) { return refuse(ec); }
  bool on_double(double d, json::string_view text, json::error_code& ec) {
    d = precise_double(std::string_view(text.data(), text.size()), d);  // as the full reader
    if (field_ != kPrice || !in_price_bounds(d)) return refuse(ec);
    tick.price = d;
    return took();
  }
  bool on_bool(bool, json::error_code& ec) { return refuse(ec); }
  bool on_null(json::error_code& ec) { return refuse(ec); }
  bool on_comment_part(json::string_view, json::error_code& ec) { return refuse(ec); }
  bool on_comment(json::string_view, json::error_code& ec) { return refuse(ec); }

 private:
  bool took() {
    seen |= 1U << field_;
    field_ = kNone;
    return true;
  }
  static bool refuse(json::error_code& ec) {
    ec = json::error::exception;
    return false;
  }

  int depth_ = 0;
  Field field_ = kNone;
};

/// Reads the tick exactly as our encoder lays it out (codec.cpp write_tick:
/// "v" first, then the fields in schema order, no whitespace) by comparing
/// the fixed parts as literals and reading only the values: about 30% less
/// time than the SAX parser (BM_DecodeTick), whose time was the largest part
/// of a tick's cost in the processor. It answers only when it is sure the SAX reader would accept
/// the same text with the same value (strings of printable ASCII without
/// escapes, non-negative integers of at most 18 digits, prices without an
/// exponent, correctly rounded as the other readers read them, see
/// read_price). Any other text, valid or not, is nullopt and goes to the
/// SAX reader.
class TickScanner {
 public:
  explicit TickScanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  std::optional<PriceTick> scan() {
    // Values are read into locals and the tick is built at the end, once
    // the whole text is known to be ours.
    std::string_view symbol, source, currency;
    double price = 0;
    std::int64_t volume = 0, ts = 0;
    if (!literal(R"({"v":1,"symbol":")") || !read_string(symbol, 10) || !valid_symbol(symbol)) return std::nullopt;
    if (!literal(R"(","price":)") || !read_price(price) || !in_price_bounds(price)) return std::nullopt;
    if (!literal(R"(,"volume":)") || !read_integer(volume) || volume > kMaxVolume) return std::nullopt;
    if (!literal(R"(,"ts":)") || !read_integer(ts) || ts < 1 || ts > kMaxEpochMs) return std::nullopt;
    // Printable ASCII only (read_string), so its bytes are its characters.
    if (!literal(R"(,"source":")") || !read_string(source, 32) || source.empty()) return std::nullopt;
    if (!literal(R"(","currency":")") || !read_string(currency, 3) || currency.size() != 3 ||
        !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
      return std::nullopt;
    }
    if (!literal(R"("})") || p_ != end_) return std::nullopt;  // trailing bytes: the SAX reader's to judge
    std::optional<PriceTick> tick(std::in_place);
    tick->symbol.assign(symbol);
    tick->price = price;
    tick->volume = volume;
    tick->ts = ts;
    tick->source.assign(source);
    tick->currency.assign(currency);
    return tick;
  }

 private:
  static bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

  /// A fixed part; its size is a constant.
  template <std::size_t N>
  bool literal(const char (&s)[N]) {
    constexpr std::size_t n = N - 1;
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, s, n) != 0) return false;
    p_ += n;
    return true;
  }
  /// Up to `max` bytes of printable ASCII other than '\\' before a '"',
  /// which is left for the next literal.
  bool read_string(std::string_view& out, std::size_t max) {
    const char* start = p_;
    const char* limit = static_cast<std::size_t>(end_ - p_) > max ? p_ + max : end_;
    const char* q = p_;
    for (; q != limit && *q != '"'; ++q) {
      const auto c = static_cast<unsigned char>(*q);
      if (c == '\\' || c < 0x20 || c >= 0x80) return false;
    }
    p_ = q;
    out = std::string_view(start, static_cast<std::size_t>(q - start));
    return q != end_ && *q == '"';
  }
  /// 1 to 18 digits without a leading zero (so it fits int64_t) and no
  /// fraction or exponent: what Boost.JSON hands to on_int64 as is.
  bool read_digits(std::int64_t& out, int& count) {
    const char* const start = p_;
    const char* const limit = end_ - p_ > 19 ? p_ + 19 : end_;
    const char* q = p_;
    std::uint64_t v = 0;
    for (; q != limit; ++q) {
      const auto d = static_cast<unsigned>(static_cast<unsigned char>(*q)) - '0';
      if (d > 9) break;
      v = v * 10 + d;
    }
    p_ = q;
    count = static_cast<int>(q - start);
    if (count == 0 || count > 18 || (count > 1 && *start == '0')) return false;
    out = static_cast<std::int64_t>(v);
    return true;
  }
  bool read_integer(std::int64_t& out) {
    int count = 0;
    return read_digits(out, count) && (p_ == end_ || (*p_ != '.' && (*p_ | 32) != 'e'));
  }
  /// "I" or "I.F" without an exponent, read as every reader of the module
  /// reads a number: correctly rounded (precise_double). With at most 15
  /// digits in all, the mantissa and the power of ten are exact doubles, so
  /// one division is the correctly rounded value, and cheaper than
  /// std::from_chars, which reads the longer ones (the shortest round-trip
  /// form of most doubles has 16 or 17 digits). Other spellings are the SAX
  /// reader's.
  bool read_price(double& out) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char* const start = p_;
    std::int64_t whole = 0;
    int whole_digits = 0;
    if (!read_digits(whole, whole_digits)) return false;
    if (p_ == end_ || *p_ != '.') {
      if (p_ != end_ && (*p_ | 32) == 'e') return false;
      out = static_cast<double>(whole);  // an integer: on_int64
      return true;
    }
    const char* const frac = ++p_;
    // Unsigned: past 19 digits the mantissa wraps (defined) and is not used.
    auto mantissa = static_cast<std::uint64_t>(whole);
    for (; p_ != end_ && is_digit(*p_); ++p_) mantissa = mantissa * 10 + static_cast<unsigned>(*p_ - '0');
    const auto frac_digits = static_cast<int>(p_ - frac);
    if (frac_digits == 0 || (p_ != end_ && (*p_ | 32) == 'e')) return false;
    if (whole_digits + frac_digits <= 15) {
      out = static_cast<double>(mantissa) / kPow10[frac_digits];
      return true;
    }
    const auto [end, ec] = std::from_chars(start, p_, out);
    return ec == std::errc{} && end == p_;
  }

  const char* p_;
  const char* const end_;
};

}  // namespace

std::optional<PriceTick> scan_plain_tick(std::string_view text) {
  if (text.size() > kMaxMessageBytes) return std::nullopt;
  return TickScanner(text).scan();
}

std::optional<PriceTick> decode_plain_tick(std::string_view text) {
  std::optional<PriceTick> tick = scan_plain_tick(text);
  if (tick) return tick;
  return decode_plain_tick_sax(text);
}

std::optional<PriceTick> decode_plain_tick_sax(std::string_view text) {
  if (text.size() > kMaxMessageBytes) return std::nullopt;
  json::parse_options opts;
  opts.max_depth = 16;  // as parse_object
  json::basic_parser<TickHandler> parser(opts);
  json::error_code ec;
  // write_some stops at the end of the value: data after it is the full
  // reader's "extra data".
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || used != text.size() || !parser.done() || parser.handler().seen != kAllFields) return std::nullopt;
  return std::move(parser.handler().tick);
}

}  // namespace st::model::detail
