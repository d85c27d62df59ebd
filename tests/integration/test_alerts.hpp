#pragma once
// Stock alerts for the notify integration tests: a percent move against the
// previous close, with figures and an event time derived from `n`.
#include <cstdint>
#include <string>

#include "stocktracker/model/alert_messages.hpp"

namespace st::itest {

/// `symbol` (`company`) 5% or more above `reference`; event time 15:00Z on
/// 2025-11-27 plus `n` minutes.
inline model::Alert pct_move_alert(UserId user, const std::string& alert_id, std::int64_t n, const std::string& symbol,
                                   const std::string& company, double reference) {
  model::Alert a;
  a.alert_id = alert_id;
  a.user_id = user;
  a.kind = model::RuleKind::kPctChangePrevClose;
  a.symbol = symbol;
  a.company_name = company;
  a.price = reference + reference / 20 + static_cast<double>(n) / 100;
  a.reference_price = reference;
  a.change_pct = 5 + static_cast<double>(n) / 200;
  a.threshold = 5;
  a.event_ts = 1764255600000 + n * 60000;
  a.message = symbol + " moved more than 5% since the previous close";
  return a;
}

}  // namespace st::itest
