#pragma once
// The fast paths of decode_tick, the processor's hottest input. First a
// hand-written scanner for the shape our encoders write (scan_plain_tick),
// which answers only when it is sure of Boost.JSON's reading; then a
// streaming (SAX) read with Boost.JSON's own tokenizer and number parser
// (decode_plain_tick_sax), so values are bit-identical to the DOM path's,
// without building a DOM. Both accept only a plain, valid tick (the
// schema's seven fields, once each, ASCII strings, integer v/volume/ts, no
// escapes split into parts) and answer nullopt for anything else;
// decode_tick then runs the full reader, which finds the same value or
// names the problem. Private to the model module.
#include <optional>
#include <string_view>

#include "stocktracker/base/error.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::model::detail {

/// scan_plain_tick, else decode_plain_tick_sax.
std::optional<PriceTick> decode_plain_tick(std::string_view json);
std::optional<PriceTick> scan_plain_tick(std::string_view json);
std::optional<PriceTick> decode_plain_tick_sax(std::string_view json);
/// The full reader alone (codec.cpp), which decode_tick falls back to.
Result<PriceTick> decode_tick_fully(std::string_view json);

}  // namespace st::model::detail
