#pragma once
// Changelog encoding of a symbol's hourly and daily buckets (a JSON array
// each, inside the symbol's state record). Kept apart from
// candle_rollup.hpp so that only the changelog code sees Boost.JSON.
#include <vector>

#include <boost/json/array.hpp>

#include "candle_rollup.hpp"

namespace st::process {

boost::json::array encode_buckets(const std::vector<RollupBucket>& buckets);
/// Throws (Boost.JSON's or std::invalid_argument) on a malformed array; the
/// caller turns it into a Status.
std::vector<RollupBucket> decode_buckets(const boost::json::array& array);

}  // namespace st::process
