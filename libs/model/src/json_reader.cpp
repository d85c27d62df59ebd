#include "json_reader.hpp"

#include "stocktracker/model/json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/symbol.hpp"

namespace st::model::detail {
namespace {

/// Characters of text Boost.JSON has validated as UTF-8: the bytes that do
/// not continue a multi-byte sequence.
std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string number_text(double v) {
  char buf[400];  // fixed notation of any double fits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, end);
}

bool within(const NumberBounds& b, double v) {
  return (b.min_exclusive ? v > b.min : v >= b.min) && (b.max_exclusive ? v < b.max : v <= b.max);
}

/// Names the bound `v` breaks, in the words of the integer check when both
/// bounds are inclusive.
std::string bounds_text(const NumberBounds& b, double v) {
  if (!b.min_exclusive && !b.max_exclusive && std::isfinite(b.min) && std::isfinite(b.max)) {
    return "must be from " + number_text(b.min) + " to " + number_text(b.max);
  }
  if (b.min_exclusive ? !(v > b.min) : !(v >= b.min)) {
    return (b.min_exclusive ? "must be greater than " : "must be at least ") + number_text(b.min);
  }
  return (b.max_exclusive ? "must be less than " : "must be at most ") + number_text(b.max);
}

/// Boost.JSON parses 1e999 as infinity, which no JSON text can carry back.
bool numbers_finite(const boost::json::value& v) {
  if (v.is_double()) return std::isfinite(v.get_double());
  if (const auto* arr = v.if_array()) return std::all_of(arr->begin(), arr->end(), numbers_finite);
  if (const auto* obj = v.if_object()) {
    return std::all_of(obj->begin(), obj->end(), [](const auto& kv) { return numbers_finite(kv.value()); });
  }
  return true;
}

/// Builds the DOM as boost::json::parse's own handler does, with every
/// fractional or exponent number read again from its text (precise_double).
class PreciseHandler {
 public:
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();

  using ec_t = boost::json::error_code;
  using sv_t = boost::json::string_view;

  PreciseHandler(boost::json::storage_ptr sp, unsigned char* temp, std::size_t temp_size)
      : st(std::move(sp), temp, temp_size) {}

  boost::json::value_stack st;

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_object_begin(ec_t&) { return true; }
  bool on_object_end(std::size_t n, ec_t&) { return st.push_object(n), true; }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t n, ec_t&) { return st.push_array(n), true; }
  bool on_key_part(sv_t s, std::size_t, ec_t&) { return st.push_chars(s), true; }
  bool on_key(sv_t s, std::size_t, ec_t&) { return st.push_key(s), true; }
  bool on_string_part(sv_t s, std::size_t, ec_t&) { return st.push_chars(s), true; }
  bool on_string(sv_t s, std::size_t, ec_t&) { return st.push_string(s), true; }
  // A number split over several writes arrives in parts; parse_json writes
  // once, but the parts are kept rather than assumed away.
  bool on_number_part(sv_t s, ec_t&) { return number_.append(s.data(), s.size()), true; }
  bool on_int64(std::int64_t i, sv_t, ec_t&) { return number_.clear(), st.push_int64(i), true; }
  bool on_uint64(std::uint64_t u, sv_t, ec_t&) { return number_.clear(), st.push_uint64(u), true; }
  bool on_double(double d, sv_t s, ec_t&) {
    if (number_.empty()) {
      d = precise_double(std::string_view(s.data(), s.size()), d);
    } else {
      number_.append(s.data(), s.size());
      d = precise_double(number_, d);
      number_.clear();
    }
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, ec_t&) { return st.push_bool(b), true; }
  bool on_null(ec_t&) { return st.push_null(), true; }
  bool on_comment_part(sv_t, ec_t&) { return true; }
  bool on_comment(sv_t, ec_t&) { return true; }

 private:
  std::string number_;
};

}  // namespace

double precise_double(std::string_view number, double fallback) {
  double d = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), d);
  return ec == std::errc{} && end == number.data() + number.size() ? d : fallback;
}

boost::json::value parse_json(std::string_view json, boost::system::error_code& ec, boost::json::storage_ptr storage,
                              const boost::json::parse_options& opts) {
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  boost::json::basic_parser<PreciseHandler> parser(opts, boost::json::storage_ptr(), temp, sizeof temp);
  parser.handler().st.reset(std::move(storage));
  const std::size_t used = parser.write_some(false, json.data(), json.size(), ec);
  if (!ec && used < json.size()) ec = boost::json::error::extra_data;
  if (ec) return nullptr;
  return parser.handler().st.release();
}

Result<boost::json::object> parse_object(std::string_view json, boost::json::storage_ptr storage) {
  if (json.size() > kMaxMessageBytes) {
    return fail(Errc::kInvalidInput, "oversize: message is " + std::to_string(json.size()) +
                                         " bytes, the limit is " + std::to_string(kMaxMessageBytes));
  }
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 16;
  boost::json::value v = parse_json(json, ec, std::move(storage), opts);
  if (ec) return fail(Errc::kInvalidInput, "parse: malformed JSON: " + ec.message());
  if (!v.is_object()) return fail(Errc::kInvalidInput, "parse: message must be a JSON object");
  return std::move(v.as_object());
}

const boost::json::value* ObjectReader::field(std::string_view key) {
  if (!error_.empty()) return nullptr;
  const auto* v = obj_.if_contains(key);
  if (v == nullptr) {
    reject(key, "is required");
    return nullptr;
  }
  seen_.push_back(key);
  return v;
}

bool ObjectReader::take_null(std::string_view key) {
  const auto* v = obj_.if_contains(key);
  if (!error_.empty() || v == nullptr || !v->is_null()) return false;
  seen_.push_back(key);
  return true;
}

void ObjectReader::reject(std::string_view key, std::string_view what) {
  if (error_.empty()) error_ = "schema: " + path_ + std::string(key) + ": " + std::string(what);
}

void ObjectReader::version() {
  std::int64_t v = 0;
  integer("v", v, 0, INT32_MAX);
  if (error_.empty() && v != kSchemaVersion) {
    error_ = "version: unknown schema version " + std::to_string(v) + " (this build reads version " +
             std::to_string(kSchemaVersion) + ")";
  }
}

void ObjectReader::string(std::string_view key, std::string& out, std::size_t min_len, std::size_t max_len) {
  const auto* v = field(key);
  if (v == nullptr) return;
  if (!v->is_string()) return reject(key, "must be a string");
  const auto& s = v->get_string();
  const std::size_t length = utf8_length(s);
  if (length < min_len || length > max_len) {
    return reject(key, min_len == max_len ? "length must be " + std::to_string(min_len)
                                          : "length must be from " + std::to_string(min_len) + " to " +
                                                std::to_string(max_len));
  }
  out.assign(s.data(), s.size());
}

void ObjectReader::symbol(std::string_view key, std::string& out) {
  string(key, out, 1, 10);
  if (error_.empty() && !valid_symbol(out)) reject(key, "must match [A-Z][A-Z0-9.-]{0,9}");
}

void ObjectReader::number(std::string_view key, double& out, const NumberBounds& bounds) {
  const auto* v = field(key);
  if (v == nullptr) return;
  if (v->is_double()) {
    out = v->get_double();
  } else if (v->is_int64()) {
    out = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    out = static_cast<double>(v->get_uint64());
  } else {
    return reject(key, "must be a number");
  }
  if (!std::isfinite(out)) return reject(key, "must be finite");
  if (!within(bounds, out)) reject(key, bounds_text(bounds, out));
}

void ObjectReader::integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  const auto* v = field(key);
  if (v == nullptr) return;
  // 2^63 is exact as a double; JSON Schema counts 5.0 as an integer.
  constexpr double kTwoPow63 = 9223372036854775808.0;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_double() && std::trunc(v->get_double()) == v->get_double() && v->get_double() >= -kTwoPow63 &&
             v->get_double() < kTwoPow63) {
    n = static_cast<std::int64_t>(v->get_double());
  } else {
    return reject(key, "must be an integer");
  }
  // Out of range leaves `out` as it was: the callers' checks after the
  // fields (e.g. end_ts == start_ts + 300000) then never compute with an
  // unchecked value (a start_ts of 2^63 - 1 overflowed; make fuzz found it).
  if (n < min || n > max) {
    return reject(key, max == INT64_MAX ? "must be at least " + std::to_string(min)
                                        : "must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  out = n;
}

void ObjectReader::timestamp(std::string_view key, EpochMs& out) { integer(key, out, 1, kMaxEpochMs); }

void ObjectReader::boolean(std::string_view key, bool& out) {
  const auto* v = field(key);
  if (v == nullptr) return;
  if (!v->is_bool()) return reject(key, "must be a boolean");
  out = v->get_bool();
}

void ObjectReader::symbols(std::string_view key, std::vector<std::string>& out, std::size_t max_items) {
  const auto* arr = array_field(key, max_items);
  if (arr == nullptr) return;
  out.clear();
  for (const auto& item : *arr) {
    if (!item.is_string() || !valid_symbol(item.get_string())) {
      return reject(key, "items must be symbols matching [A-Z][A-Z0-9.-]{0,9}");
    }
    out.emplace_back(item.get_string());
  }
  std::vector<std::string_view> sorted(out.begin(), out.end());
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) reject(key, "items must be unique");
}

void ObjectReader::object_text(std::string_view key, std::string& out) {
  const auto* obj = object_field(key);
  if (obj == nullptr) return;
  if (!numbers_finite(*obj)) return reject(key, "numbers must be finite");
  out = boost::json::serialize(*obj);
}

void ObjectReader::string(std::string_view key, std::optional<std::string>& out, std::size_t min_len,
                          std::size_t max_len) {
  or_null(key, out, [&](std::string& v) { string(key, v, min_len, max_len); });
}

void ObjectReader::symbol(std::string_view key, std::optional<std::string>& out) {
  or_null(key, out, [&](std::string& v) { symbol(key, v); });
}

void ObjectReader::number(std::string_view key, std::optional<double>& out, const NumberBounds& bounds) {
  or_null(key, out, [&](double& v) { number(key, v, bounds); });
}

const boost::json::object* ObjectReader::object_field(std::string_view key) {
  const auto* v = field(key);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    reject(key, "must be an object");
    return nullptr;
  }
  return &v->get_object();
}

const boost::json::array* ObjectReader::array_field(std::string_view key, std::size_t max_items) {
  const auto* v = field(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    reject(key, "must be an array");
    return nullptr;
  }
  if (v->get_array().size() > max_items) {
    reject(key, "has more than " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return &v->get_array();
}

std::optional<std::size_t> ObjectReader::one_of(std::string_view key, std::span<const std::string_view> names) {
  const auto* v = field(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    const auto it = std::find(names.begin(), names.end(), std::string_view(v->get_string()));
    if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  }
  std::string what = "must be one of ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) what += ", ";
    what += names[i];
  }
  reject(key, what);
  return std::nullopt;
}

Status ObjectReader::finish() {
  if (error_.empty() && seen_.size() != obj_.size()) {
    for (const auto& kv : obj_) {
      if (std::find(seen_.begin(), seen_.end(), std::string_view(kv.key())) == seen_.end()) {
        reject(kv.key(), "unknown field (the schema allows no other fields)");
        break;
      }
    }
  }
  if (!error_.empty()) return fail(Errc::kInvalidInput, error_);
  return {};
}

}  // namespace st::model::detail

namespace st::model {

boost::json::value parse_json(std::string_view json, boost::system::error_code& ec) {
  return detail::parse_json(json, ec);
}

}  // namespace st::model
