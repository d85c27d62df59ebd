#pragma once
// The OpenAPI 3.1 document of the API: docs/openapi.json, embedded at build
// time (cmake/embed_text.cmake), served at GET /api/openapi.json and
// checked against the router by openapi_test.cpp.
#include <string_view>

namespace st::api {

std::string_view openapi_document();

}  // namespace st::api
