#pragma once
// Reads one JSON object field by field with schema-style checks; the first
// problem becomes an Error naming the field. Private to the model module.
#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/base/error.hpp"
#include "stocktracker/base/strong_id.hpp"
#include "stocktracker/model/named_enum.hpp"

namespace st::model::detail {

/// The largest `*_ts` of every schema: 9999-12-31T23:59:59.999Z.
inline constexpr EpochMs kMaxEpochMs = 253402300799999;

/// Bounds of a number field, as the schema's minimum / exclusiveMinimum and
/// maximum / exclusiveMaximum say. The default allows any finite number.
struct NumberBounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
};

/// Prices of every schema: greater than 0 and less than 10^12.
inline constexpr NumberBounds kPriceBounds{0, 1e12, true, true};
/// Volumes (ticks, candles): at most 10^12.
inline constexpr std::int64_t kMaxVolume = 1'000'000'000'000;
/// Sentiment scores: -1 to 1.
inline constexpr NumberBounds kSentimentBounds{-1, 1};

/// Parses `json` (size-limited) into an object, or fails with a reason.
/// `storage` backs the parsed object (a per-message monotonic buffer).
Result<boost::json::object> parse_object(std::string_view json, boost::json::storage_ptr storage);

/// boost::json::parse, except that numbers with a fraction or an exponent
/// are correctly rounded. Boost.JSON 1.81 reads about one in ten 17-digit
/// decimals one unit in the last place off, so a double the encoders wrote
/// in its shortest round-trip form (std::to_chars) came back as another
/// double: a candle's vwap, an alert's price, a rule's threshold changed on
/// the way through Kafka. Every reader of the model module parses with it.
boost::json::value parse_json(std::string_view json, boost::system::error_code& ec,
                              boost::json::storage_ptr storage = {}, const boost::json::parse_options& opts = {});

/// The double a JSON number's text denotes, correctly rounded (std::from_chars);
/// `fallback` (Boost.JSON's reading) when the text is out of double's range.
double precise_double(std::string_view number, double fallback);

class ObjectReader {
 public:
  // One allocation for the keys read instead of one per doubling: this
  // runs for every message (a tick has seven fields).
  explicit ObjectReader(const boost::json::object& obj) : obj_(obj) { seen_.reserve(obj.size()); }

  /// Checks the schema version field "v".
  void version();
  /// Lengths count characters (code points), as JSON Schema's do.
  void string(std::string_view key, std::string& out, std::size_t min_len, std::size_t max_len);
  void symbol(std::string_view key, std::string& out);
  void number(std::string_view key, double& out, const NumberBounds& bounds = {});
  void integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  /// An epoch-milliseconds time: greater than 0, at most kMaxEpochMs.
  void timestamp(std::string_view key, EpochMs& out);
  void boolean(std::string_view key, bool& out);
  /// Unique symbols, at most `max_items`.
  void symbols(std::string_view key, std::vector<std::string>& out, std::size_t max_items);
  /// Any JSON object (finite numbers only), kept as its compact text.
  void object_text(std::string_view key, std::string& out);

  // Nullable fields: the field must be present; null gives nullopt.
  void string(std::string_view key, std::optional<std::string>& out, std::size_t min_len, std::size_t max_len);
  void symbol(std::string_view key, std::optional<std::string>& out);
  void number(std::string_view key, std::optional<double>& out, const NumberBounds& bounds = {});

  /// A row id: an integer of at least 1.
  template <class Tag>
  void id(std::string_view key, StrongId<Tag>& out) {
    std::int64_t v = 0;
    integer(key, v, 1, std::numeric_limits<std::int64_t>::max());
    out = StrongId<Tag>(v);
  }
  template <class Tag>
  void id(std::string_view key, std::optional<StrongId<Tag>>& out) {
    or_null(key, out, [&](StrongId<Tag>& v) { id(key, v); });
  }

  template <NamedEnum E>
  void enumeration(std::string_view key, E& out) {
    if (auto index = one_of(key, EnumNames<E>::kNames)) out = static_cast<E>(*index);
  }

  /// Reads the object field `key` with `read(reader, out)`; a problem inside
  /// names the path, e.g. "channels.email".
  template <class T, class Read>
  void object(std::string_view key, T& out, Read read) {
    if (const auto* obj = object_field(key)) read_child(*obj, std::string(key), out, read);
  }
  template <class T, class Read>
  void object(std::string_view key, std::optional<T>& out, Read read) {
    or_null(key, out, [&](T& v) { object(key, v, read); });
  }
  /// Reads the array field `key` of at most `max_items` objects; a problem
  /// inside names the path, e.g. "rules[2].kind".
  template <class T, class Read>
  void objects(std::string_view key, std::vector<T>& out, std::size_t max_items, Read read) {
    const auto* arr = array_field(key, max_items);
    if (arr == nullptr) return;
    out.clear();
    for (std::size_t i = 0; i < arr->size() && error_.empty(); ++i) {
      const auto& item = (*arr)[i];
      const std::string path = std::string(key) + "[" + std::to_string(i) + "]";
      if (!item.is_object()) return reject(path, "must be an object");
      read_child(item.get_object(), path, out.emplace_back(), read);
    }
  }

  /// Records a problem with field `key` found by a check of the caller,
  /// unless an earlier problem is recorded already.
  void reject(std::string_view key, std::string_view what);
  /// Fails when the object has a field not read above, or with the first problem.
  Status finish();

 private:
  ObjectReader(const boost::json::object& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  const boost::json::value* field(std::string_view key);
  /// True, and the field counts as read, when `key` is present and null.
  bool take_null(std::string_view key);
  const boost::json::object* object_field(std::string_view key);
  const boost::json::array* array_field(std::string_view key, std::size_t max_items);
  std::optional<std::size_t> one_of(std::string_view key, std::span<const std::string_view> names);

  template <class T, class Read>
  void or_null(std::string_view key, std::optional<T>& out, Read read) {
    if (take_null(key)) {
      out.reset();
    } else {
      read(out.emplace());
    }
  }
  template <class T, class Read>
  void read_child(const boost::json::object& obj, const std::string& key, T& out, Read read) {
    ObjectReader child(obj, path_ + key + ".");
    read(child, out);
    if (auto st = child.finish(); !st && error_.empty()) error_ = std::move(st.error().message);
  }

  const boost::json::object& obj_;
  std::string path_;                    // "parent." inside a nested object, else empty
  std::vector<std::string_view> seen_;  // keys read, to find unknown ones
  std::string error_;
};

/// Parses `json` and reads one message of this build's schema version with
/// `read(reader, value)`; every field must be read.
template <class T, class Read>
Result<T> decode_message(std::string_view json, Read read) {
  // Small messages parse into a stack buffer: no heap allocation for the
  // DOM, which is dropped when the typed value has been read out of it.
  unsigned char buffer[4096];
  boost::json::monotonic_resource memory(buffer, sizeof buffer);
  auto obj = parse_object(json, &memory);
  if (!obj) return std::unexpected(obj.error());
  ObjectReader r(*obj);
  T value;
  r.version();
  read(r, value);
  if (auto st = r.finish(); !st) return std::unexpected(st.error());
  return value;
}

}  // namespace st::model::detail
