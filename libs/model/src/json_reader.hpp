#pragma once
// Reads one JSON object field by field with schema-style checks; the first
// problem becomes an Error naming the field. Private to the model module.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/error.hpp"

namespace st::model::detail {

/// Parses `json` (size-limited) into an object, or fails with a reason.
Result<boost::json::object> parse_object(std::string_view json);

class ObjectReader {
 public:
  explicit ObjectReader(const boost::json::object& obj) : obj_(obj) {}

  /// Checks the schema version field "v".
  void version();
  void string(std::string_view key, std::string& out, std::size_t min_len, std::size_t max_len);
  void symbol(std::string_view key, std::string& out);
  void number(std::string_view key, double& out);
  void integer(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void symbols(std::string_view key, std::vector<std::string>& out, std::size_t max_items);
  /// Fails when the object has a field not read above.
  Status finish();

 private:
  const boost::json::value* field(std::string_view key);
  void set_error(std::string_view key, std::string_view what);

  const boost::json::object& obj_;
  std::vector<std::string_view> seen_;  // keys read, to find unknown ones
  std::string error_;
};

}  // namespace st::model::detail
