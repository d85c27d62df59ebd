#pragma once
// Shared by the rule tests: one AAPL rule of a user's preferences.
#include <cstdint>
#include <string>

#include "stocktracker/model/alert_messages.hpp"

namespace st::process::test {

inline model::AlertRuleSpec aapl_rule(std::int64_t id, model::RuleKind kind, std::string params,
                                      model::RepeatMode repeat = model::RepeatMode::kRepeat,
                                      std::int64_t cooldown_s = 0) {
  model::AlertRuleSpec r;
  r.id = model::AlertRuleId(id);
  r.symbol = "AAPL";
  r.kind = kind;
  r.params = std::move(params);
  r.repeat_mode = repeat;
  r.cooldown_seconds = cooldown_s;
  return r;
}

}  // namespace st::process::test
