// The pure parts of the HTTP client: query encoding and header values.
#include <array>
#include <charconv>

#include "stocktracker/base/time_format.hpp"
#include "stocktracker/httpclient/client.hpp"

namespace st::httpclient {
namespace {

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

template <class T>
bool parse_int(std::string_view text, T& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

/// IMF-fixdate, the form RFC 9110 requires senders to use:
/// "Sun, 06 Nov 1994 08:49:37 GMT". (The obsolete RFC 850 and asctime forms
/// are not read; a caller then falls back to its own backoff.)
std::optional<EpochMs> parse_imf_fixdate(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  unsigned day = 0, month = 0, hour = 0, minute = 0, second = 0;
  int year = 0;
  for (std::size_t m = 0; m < kMonths.size(); ++m) {
    if (s.substr(8, 3) == kMonths[m]) month = static_cast<unsigned>(m + 1);
  }
  if (month == 0 || !parse_int(s.substr(5, 2), day) || !parse_int(s.substr(12, 4), year) ||
      !parse_int(s.substr(17, 2), hour) || !parse_int(s.substr(20, 2), minute) ||
      !parse_int(s.substr(23, 2), second) || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60'000 + static_cast<EpochMs>(second) * 1000;
}

}  // namespace

std::optional<std::string_view> Response::header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (unreserved(c)) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
  }
  return out;
}

std::string url_with_query(std::string_view url, const std::vector<Field>& query) {
  std::string out(url);
  char sep = url.find('?') == std::string_view::npos ? '?' : '&';
  for (const auto& [name, value] : query) {
    out.push_back(sep);
    out += percent_encode(name);
    out.push_back('=');
    out += percent_encode(value);
    sep = '&';
  }
  return out;
}

std::optional<EpochMs> parse_retry_after(std::string_view value, EpochMs now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  std::uint32_t seconds = 0;
  if (!value.empty() && parse_int(value, seconds)) return static_cast<EpochMs>(seconds) * 1000;
  if (const auto at = parse_imf_fixdate(value)) return *at > now ? *at - now : 0;
  return std::nullopt;
}

}  // namespace st::httpclient
