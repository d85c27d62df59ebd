#include "email_message.hpp"

#include <array>
#include <ctime>

#include <fmt/format.h>

#include "crypto.hpp"

namespace st::notify {
namespace {

constexpr std::size_t kBase64LineChars = 76;
// 45 bytes are 60 base64 characters: with "=?UTF-8?B?" and "?=" a word of 72.
constexpr std::size_t kWordBytes = 45;
constexpr std::size_t kPlainHeaderChars = 60;

/// Removes CR and LF: a value must never end the header and start another.
std::string one_line(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

/// `text` with every line end (CRLF, LF or CR) as CRLF: the canonical form
/// of text/plain (RFC 2046 §4.1.1) before base64.
std::string crlf_lines(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string rfc5322_date(EpochMs ms) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[static_cast<std::size_t>(tm.tm_wday)],
                     tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string alert_message_id(std::string_view alert_id, std::string_view from) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string digest = crypto::sha256(alert_id);
  std::string id = "<";
  for (std::size_t i = 0; i < 16; ++i) {
    const auto b = static_cast<unsigned char>(digest[i]);
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  const auto at = from.rfind('@');
  id += ".alert@";
  id += at == std::string_view::npos ? std::string_view("localhost") : one_line(from.substr(at + 1));
  id.push_back('>');
  return id;
}

std::string encode_header_text(std::string_view text) {
  const std::string value = one_line(text);
  bool plain = value.size() <= kPlainHeaderChars;
  for (const char c : value) plain = plain && c >= 0x20 && c < 0x7f;
  if (plain) return value;
  std::string out;
  std::size_t start = 0;
  while (start < value.size()) {
    std::size_t end = std::min(start + kWordBytes, value.size());
    // Back off to a character boundary: continuation bytes are 10xxxxxx.
    while (end < value.size() && end > start + 1 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?";
    out += crypto::base64_encode(std::string_view(value).substr(start, end - start));
    out += "?=";
    start = end;
  }
  return out;
}

std::string base64_lines(std::string_view bytes) {
  const std::string encoded = crypto::base64_encode(bytes);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += kBase64LineChars) {
    out += std::string_view(encoded).substr(i, kBase64LineChars);
    out += "\r\n";
  }
  return out;
}

std::string render_email(const EmailParts& p) {
  std::string m;
  m += "Date: " + rfc5322_date(p.date) + "\r\n";
  m += "From: Stock Tracker <" + one_line(p.from) + ">\r\n";
  m += "To: <" + one_line(p.to) + ">\r\n";
  m += "Subject: " + encode_header_text(p.subject) + "\r\n";
  m += "Message-ID: " + alert_message_id(p.alert_id, p.from) + "\r\n";
  // RFC 3834: machine-generated, so auto-responders stay quiet.
  m += "Auto-Submitted: auto-generated\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n";
  m += "\r\n";
  m += base64_lines(crlf_lines(p.text));
  return m;
}

}  // namespace st::notify
