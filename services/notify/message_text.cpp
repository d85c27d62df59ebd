#include "message_text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "stocktracker/base/time_format.hpp"

namespace st::notify {
namespace {

using model::RuleKind;

constexpr std::string_view kEllipsis = "...";

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// Two decimals for ordinary prices, four significant digits for pennies.
std::string price_text(double price) {
  return std::abs(price) >= 1 ? fmt::format("{:.2f}", price) : fmt::format("{:.4g}", price);
}

std::string percent_text(double pct) { return fmt::format("{:.2f}%", std::abs(pct)); }

std::string_view direction(double pct) {
  if (pct > 0) return "up";
  if (pct < 0) return "down";
  return "moved";
}

/// "Apple Inc. (AAPL)", "AAPL", or "Economic indicator" for alerts on no symbol.
std::string subject(const model::Alert& a) {
  if (!a.symbol) return "Economic indicator";
  if (a.company_name && !a.company_name->empty()) return *a.company_name + " (" + *a.symbol + ")";
  return *a.symbol;
}

std::string title_of(const model::Alert& a) {
  const std::string who = subject(a);
  switch (a.kind) {
    case RuleKind::kPriceAbove:
      if (a.price && a.threshold) return who + " at " + price_text(*a.price) + ", above " + price_text(*a.threshold);
      return who + " rose above the alert price";
    case RuleKind::kPriceBelow:
      if (a.price && a.threshold) return who + " at " + price_text(*a.price) + ", below " + price_text(*a.threshold);
      return who + " fell below the alert price";
    case RuleKind::kPctChangePrevClose:
      if (a.change_pct) {
        return fmt::format("{} {} {} since the previous close", who, direction(*a.change_pct),
                           percent_text(*a.change_pct));
      }
      return who + " moved since the previous close";
    case RuleKind::kPctChangeWindow:
      if (a.change_pct) {
        return fmt::format("{} {} {} within the rule's window", who, direction(*a.change_pct),
                           percent_text(*a.change_pct));
      }
      return who + " moved within the rule's window";
    case RuleKind::kVolumeSpike:
      if (a.threshold) return fmt::format("{} volume spike: over {:g}x the usual volume", who, *a.threshold);
      return who + " volume spike";
    case RuleKind::kMaCross:
      return who + " moving averages crossed";
    case RuleKind::kNewsSentiment:
      if (a.sentiment) return fmt::format("{} news sentiment {:+.2f}", who, *a.sentiment);
      return who + " news sentiment alert";
    case RuleKind::kCompositeNewsDrop:
      if (a.change_pct) return fmt::format("{} down {} on negative news", who, percent_text(*a.change_pct));
      return who + " fell on negative news";
    case RuleKind::kIndicatorThreshold:
      if (a.threshold) return fmt::format("{} crossed {:g}", who, *a.threshold);
      return who + " crossed its threshold";
  }
  return who + " alert";
}

/// "Price 201.35, reference 190.00, change +5.97%; event time 2025-...Z."
std::string figures_of(const model::Alert& a) {
  std::string out;
  const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (a.price) add("price " + price_text(*a.price));
  if (a.reference_price) add("reference " + price_text(*a.reference_price));
  if (a.change_pct) add(fmt::format("change {:+.2f}%", *a.change_pct));
  if (a.threshold) add(fmt::format("threshold {:g}", *a.threshold));
  if (a.sentiment) add(fmt::format("sentiment {:+.2f}", *a.sentiment));
  add("event time " + format_iso8601(a.event_ts));
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out + ".";
}

}  // namespace

std::string truncate_chars(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t cut = text.size();  // byte offset where the kept prefix ends
  const std::size_t keep = max_chars - kEllipsis.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation_byte(text[i])) continue;
    if (chars == keep) cut = i;
    if (++chars > max_chars) return std::string(text.substr(0, cut)) + std::string(kEllipsis);
  }
  return std::string(text);
}

NotificationText compose(const model::Alert& alert) {
  return {truncate_chars(title_of(alert), kMaxTitleChars),
          truncate_chars(alert.message + "\n" + figures_of(alert), kMaxBodyChars)};
}

}  // namespace st::notify
