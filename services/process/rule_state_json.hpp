#pragma once
// The rule part of a symbol's changelog record ("s:<symbol>"): market state
// and each rule's runtime. Fields a kind does not use are left out, so a
// price-level rule costs what it did before the stateful kinds existed.
#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <string_view>

#include "rules.hpp"

namespace st::process {

/// Adds "market" and "rules" to `o`.
void encode_rule_state(const SymbolState& state, boost::json::object& o);
/// Reads them back (absent: defaults); throws on a malformed record, which
/// the caller turns into a Status.
void decode_rule_state(const boost::json::object& o, SymbolState& state);

/// The indicator rules' record ("i"): their runtimes by rule key.
std::string encode_indicator_state(const std::map<std::string, RuleRuntime>& states);
/// Throws on a malformed record, like decode_rule_state.
std::map<std::string, RuleRuntime> decode_indicator_state(std::string_view json);

}  // namespace st::process
