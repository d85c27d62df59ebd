// The alerting topics (stock-alerts, notifications, user-preferences) and
// the alert-rule parameters that both the API and process parse: the first
// byte picks the reader (and, for rule parameters, the rule kind), the rest
// is the text. A decoded message must encode to a message that decodes to
// the same value.
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "stocktracker/model/alert_codec.hpp"
#include "stocktracker/model/rule_params.hpp"

namespace {

void rule_params(std::uint8_t selector, std::string_view json) {
  constexpr auto& kinds = st::model::EnumNames<st::model::RuleKind>::kNames;
  const auto kind = static_cast<st::model::RuleKind>(selector % kinds.size());
  const auto parsed = st::model::parse_rule_params(kind, json);
  if (!parsed) FUZZ_CHECK(!parsed.error().field.empty() && !parsed.error().message.empty(), json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view json(reinterpret_cast<const char*>(data) + 1, size - 1);
  // selector % 4: 0-2 the three topics, 3 rule parameters of the kind selector / 4.
  switch (data[0] % 4) {
    case 0: st::fuzz::check_round_trip(st::model::decode_alert, json); break;
    case 1: st::fuzz::check_round_trip(st::model::decode_notification, json); break;
    case 2: st::fuzz::check_round_trip(st::model::decode_preferences, json); break;
    default: rule_params(static_cast<std::uint8_t>(data[0] / 4), json); break;
  }
  return 0;
}
