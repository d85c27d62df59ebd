#include "request_body.hpp"

#include <algorithm>

#include "stocktracker/model/json.hpp"

namespace st::api {

http::Response invalid_field(std::string_view field, std::string_view detail) {
  return http::problem(400, "Invalid request body", std::string(field) + ": " + std::string(detail), field);
}

std::optional<std::string> unknown_key(const boost::json::object& object,
                                       std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : object) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end()) {
      return std::string(kv.key());
    }
  }
  return std::nullopt;
}

std::expected<boost::json::object, http::Response> parse_body(const http::Request& req,
                                                              std::initializer_list<std::string_view> allowed,
                                                              bool required) {
  if (req.body.empty() && !required) return boost::json::object{};
  if (auto type = req.header("Content-Type"); type && !type->starts_with("application/json")) {
    return std::unexpected(http::problem(415, "Unsupported Media Type", "the body must be application/json"));
  }
  boost::system::error_code ec;
  auto value = model::parse_json(req.body, ec);  // numbers correctly rounded
  if (ec) return std::unexpected(http::problem(400, "Invalid request body", "the body is not valid JSON"));
  if (!value.is_object()) {
    return std::unexpected(http::problem(400, "Invalid request body", "the body must be a JSON object"));
  }
  if (auto key = unknown_key(value.as_object(), allowed)) {
    return std::unexpected(invalid_field(*key, "is not a field of this request"));
  }
  return std::move(value.as_object());
}

std::expected<std::string, http::Response> string_field(const boost::json::object& body, std::string_view name,
                                                        std::size_t max_bytes) {
  const auto* v = body.if_contains(name);
  if (v == nullptr) return std::unexpected(invalid_field(name, "is required"));
  if (!v->is_string()) return std::unexpected(invalid_field(name, "must be a string"));
  if (v->as_string().size() > max_bytes) {
    return std::unexpected(invalid_field(name, "must be at most " + std::to_string(max_bytes) + " bytes"));
  }
  return std::string(v->as_string());
}

}  // namespace st::api
