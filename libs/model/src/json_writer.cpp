#include "json_writer.hpp"

#include <charconv>

#include "stocktracker/base/json_escape.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::model::detail {

void ObjectWriter::begin_field(std::string_view key) {
  if (!first_) out_.push_back(',');
  first_ = false;
  out_.push_back('"');
  out_.append(key);
  out_ += "\":";
}

void ObjectWriter::version() { field("v", std::int64_t{kSchemaVersion}); }

void ObjectWriter::field(std::string_view key, std::string_view value) {
  begin_field(key);
  append_json_string(out_, value);
}

void ObjectWriter::field(std::string_view key, std::int64_t value) {
  begin_field(key);
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
}

void ObjectWriter::field(std::string_view key, double value) {
  begin_field(key);
  char buf[32];  // the shortest round-trip form of any double fits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
}

void ObjectWriter::field(std::string_view key, const std::vector<std::string>& values) {
  begin_field(key);
  out_.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out_.push_back(',');
    append_json_string(out_, values[i]);
  }
  out_.push_back(']');
}

void ObjectWriter::raw(std::string_view key, std::string_view json) {
  begin_field(key);
  out_.append(json);
}

}  // namespace st::model::detail
