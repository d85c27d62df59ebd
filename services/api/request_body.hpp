#pragma once
// Request bodies: a JSON object whose keys all belong to the endpoint's
// schema. Any other key -- a privileged one such as role, user_id or
// is_admin, or a typo -- is refused with a 400 naming it before anything is
// read or written (no mass assignment).
#include <boost/json/object.hpp>

#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "stocktracker/http/http.hpp"

namespace st::api {

/// The body as an object with only `allowed` keys; an empty body is an
/// empty object when `required` is false.
std::expected<boost::json::object, http::Response> parse_body(const http::Request& req,
                                                              std::initializer_list<std::string_view> allowed,
                                                              bool required = true);

/// The first key of `object` not in `allowed`, if any.
std::optional<std::string> unknown_key(const boost::json::object& object,
                                       std::initializer_list<std::string_view> allowed);

/// A required string field, at most `max_bytes` long.
std::expected<std::string, http::Response> string_field(const boost::json::object& body, std::string_view name,
                                                        std::size_t max_bytes);

/// 400 problem for a field that breaks the schema.
http::Response invalid_field(std::string_view field, std::string_view detail);

}  // namespace st::api
