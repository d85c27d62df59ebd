#pragma once
// JSON text to a Boost.JSON value, numbers correctly rounded.
#include <boost/json/value.hpp>
#include <string_view>

namespace st::model {

/// boost::json::parse, except that every number with a fraction or an
/// exponent is correctly rounded (std::from_chars). Boost.JSON 1.81 reads
/// about one in ten 17-digit decimals one unit in the last place off, so a
/// double written in its shortest round-trip form came back as another one:
/// a threshold a user PUT, read back and PUT again changed each time. The
/// model's decoders and the API's request bodies parse with it.
boost::json::value parse_json(std::string_view json, boost::system::error_code& ec);

}  // namespace st::model
