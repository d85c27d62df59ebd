#pragma once
// Test helpers: the provider answers under tests/data/providers/, times.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "stocktracker/base/time_format.hpp"
#include "stocktracker/httpclient/client.hpp"

namespace st::ingest::providers::test_data {

/// An ISO 8601 UTC time ("2024-03-15T20:00:00Z") as epoch ms.
inline EpochMs utc(std::string_view iso) {
  const auto t = parse_time(iso);
  if (!t) throw std::runtime_error("not a time: " + std::string(iso));
  return *t;
}

/// A Monday after the fixtures' trading days: "now" for reading them.
inline const EpochMs kMonday = utc("2024-03-18T14:00:00Z");

inline std::string fixture(const std::string& name) {
  const char* root = std::getenv("ST_SOURCE_DIR");
  const std::string path = std::string(root != nullptr ? root : ".") + "/tests/data/providers/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + path + " (run through ctest)");
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline httpclient::Response answer(std::string body, int status = 200, std::vector<httpclient::Field> headers = {}) {
  return {.status = status, .headers = std::move(headers), .body = std::move(body)};
}

/// `text` with the first `from` replaced by `to` (which must be there).
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture has no " + from);
  return text.replace(at, from.size(), to);
}

}  // namespace st::ingest::providers::test_data
