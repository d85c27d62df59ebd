#pragma once
// Writes one JSON object field by field, in the order the codecs list them,
// straight into a string (no intermediate DOM). Private to the model module.
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/strong_id.hpp"
#include "stocktracker/model/named_enum.hpp"

namespace st::model::detail {

class ObjectWriter {
 public:
  /// Appends '{' to `out`; close() appends the matching '}'.
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  void close() { out_.push_back('}'); }

  /// "v": this build's schema version.
  void version();
  void field(std::string_view key, std::string_view value);
  void field(std::string_view key, std::int64_t value);
  void field(std::string_view key, double value);
  /// Exactly bool: a pointer or an int must not land here.
  void field(std::string_view key, std::same_as<bool> auto value) { raw(key, value ? "true" : "false"); }
  /// An array of strings.
  void field(std::string_view key, const std::vector<std::string>& values);
  template <class Tag>
  void field(std::string_view key, StrongId<Tag> id) {
    field(key, id.value());
  }
  template <NamedEnum E>
  void field(std::string_view key, E value) {
    field(key, to_string(value));
  }
  /// null when empty.
  template <class T>
  void field(std::string_view key, const std::optional<T>& value) {
    if (value) {
      field(key, *value);
    } else {
      raw(key, "null");
    }
  }
  /// `json` must be one JSON value; it is written as it is.
  void raw(std::string_view key, std::string_view json);

  /// A nested object whose fields `write(writer, value)` writes.
  template <class T, class Write>
  void object(std::string_view key, const T& value, Write write) {
    begin_field(key);
    ObjectWriter child(out_);
    write(child, value);
    child.close();
  }
  template <class T, class Write>
  void object(std::string_view key, const std::optional<T>& value, Write write) {
    if (value) {
      object(key, *value, write);
    } else {
      raw(key, "null");
    }
  }
  /// An array of objects, each written by `write(writer, item)`.
  template <class T, class Write>
  void objects(std::string_view key, const std::vector<T>& items, Write write) {
    begin_field(key);
    out_.push_back('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out_.push_back(',');
      ObjectWriter child(out_);
      write(child, items[i]);
      child.close();
    }
    out_.push_back(']');
  }

 private:
  /// Appends `"key":`, after a comma unless it is the first field.
  void begin_field(std::string_view key);

  std::string& out_;
  bool first_ = true;
};

/// Appends one message to `out`: "v" and then the fields `write(writer, value)` writes.
template <class T, class Write>
void append_message(std::string& out, const T& value, Write write) {
  ObjectWriter w(out);
  w.version();
  write(w, value);
  w.close();
}

template <class T, class Write>
std::string encode_message(const T& value, Write write) {
  std::string out;
  out.reserve(256);
  append_message(out, value, write);
  return out;
}

}  // namespace st::model::detail
