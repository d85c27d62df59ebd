#pragma once
// Redis keys one service writes and another reads: the contract between
// them, like the topic names in topics.hpp.
#include <string_view>

namespace st::model::redis_key {

/// ingest: a hash per provider ("providers:health:yahoo") with its health
/// (state, quota left, last success, last error, benched until, ...),
/// rewritten every health interval with a TTL of three intervals, so a
/// provider whose ingest stopped disappears; read by GET /api/providers.
inline constexpr std::string_view kProviderHealthPrefix = "providers:health:";

}  // namespace st::model::redis_key
