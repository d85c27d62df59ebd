#include "tick_decoder.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>
#include <algorithm>
#include <cmath>

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
  bool on_double(double d, json::string_view, json::error_code& ec) {
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

}  // namespace

std::optional<PriceTick> decode_plain_tick(std::string_view text) {
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
