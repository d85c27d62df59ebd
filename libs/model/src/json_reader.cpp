#include "json_reader.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <algorithm>
#include <cmath>
#include <string>

#include "stocktracker/model/symbol.hpp"
#include "stocktracker/model/codec.hpp"

namespace st::model::detail {

Result<boost::json::object> parse_object(std::string_view json) {
  if (json.size() > kMaxMessageBytes) {
    return fail(Errc::kInvalidInput, "oversize: message is " + std::to_string(json.size()) +
                                         " bytes, the limit is " + std::to_string(kMaxMessageBytes));
  }
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 16;
  boost::json::value v = boost::json::parse(json, ec, {}, opts);
  if (ec) return fail(Errc::kInvalidInput, "parse: malformed JSON: " + ec.message());
  if (!v.is_object()) return fail(Errc::kInvalidInput, "parse: message must be a JSON object");
  return std::move(v.as_object());
}

const boost::json::value* ObjectReader::field(std::string_view key) {
  if (!error_.empty()) return nullptr;
  const auto* v = obj_.if_contains(key);
  if (v == nullptr) {
    set_error(key, "is required");
    return nullptr;
  }
  seen_.push_back(key);
  return v;
}

void ObjectReader::set_error(std::string_view key, std::string_view what) {
  if (error_.empty()) error_ = "schema: " + std::string(key) + ": " + std::string(what);
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
  if (!v->is_string()) return set_error(key, "must be a string");
  const auto& s = v->get_string();
  if (s.size() < min_len || s.size() > max_len) {
    return set_error(key, "length must be from " + std::to_string(min_len) + " to " + std::to_string(max_len));
  }
  out.assign(s.data(), s.size());
}

void ObjectReader::symbol(std::string_view key, std::string& out) {
  string(key, out, 1, 10);
  if (error_.empty() && !valid_symbol(out)) set_error(key, "must match [A-Z][A-Z0-9.-]{0,9}");
}

void ObjectReader::number(std::string_view key, double& out) {
  const auto* v = field(key);
  if (v == nullptr) return;
  if (v->is_double()) {
    out = v->get_double();
  } else if (v->is_int64()) {
    out = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    out = static_cast<double>(v->get_uint64());
  } else {
    return set_error(key, "must be a number");
  }
  if (!std::isfinite(out)) set_error(key, "must be finite");
}

void ObjectReader::integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  const auto* v = field(key);
  if (v == nullptr) return;
  if (v->is_int64()) {
    out = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    out = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return set_error(key, "must be an integer");
  }
  if (out < min || out > max) {
    set_error(key, "must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
}

void ObjectReader::symbols(std::string_view key, std::vector<std::string>& out, std::size_t max_items) {
  const auto* v = field(key);
  if (v == nullptr) return;
  if (!v->is_array()) return set_error(key, "must be an array of symbols");
  const auto& arr = v->get_array();
  if (arr.size() > max_items) return set_error(key, "has more than " + std::to_string(max_items) + " items");
  out.clear();
  for (const auto& item : arr) {
    if (!item.is_string() || !valid_symbol(item.get_string())) {
      return set_error(key, "items must be symbols matching [A-Z][A-Z0-9.-]{0,9}");
    }
    out.emplace_back(item.get_string());
  }
}

Status ObjectReader::finish() {
  if (error_.empty() && seen_.size() != obj_.size()) {
    for (const auto& kv : obj_) {
      if (std::find(seen_.begin(), seen_.end(), std::string_view(kv.key())) == seen_.end()) {
        set_error(kv.key(), "unknown field (the schema allows no other fields)");
        break;
      }
    }
  }
  if (!error_.empty()) return fail(Errc::kInvalidInput, error_);
  return {};
}

}  // namespace st::model::detail
