#pragma once
// The fast path of decode_tick, the processor's hottest input: a streaming
// (SAX) read with Boost.JSON's own tokenizer and number parser, so values
// are bit-identical to the DOM path's, without building a DOM. It accepts
// only a plain, valid tick (the schema's seven fields, once each, ASCII
// strings, integer v/volume/ts, no escapes split into parts) and answers
// nullopt for anything else; decode_tick then runs the full reader, which
// finds the same value or names the problem. Private to the model module.
#include <optional>
#include <string_view>

#include "stocktracker/base/error.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::model::detail {

std::optional<PriceTick> decode_plain_tick(std::string_view json);
/// The full reader alone (codec.cpp), which decode_tick falls back to.
Result<PriceTick> decode_tick_fully(std::string_view json);

}  // namespace st::model::detail
