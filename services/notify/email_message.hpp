#pragma once
// An alert e-mail as an RFC 5322 message: Date, a Message-ID derived from the
// alert id (a resend after a crash carries the same id, so mail systems can
// drop the copy), From/To, an RFC 2047 encoded Subject and a text/plain
// UTF-8 body in base64 (RFC 2045), CRLF line ends throughout. Pure.
#include <string>
#include <string_view>

#include "stocktracker/base/clock.hpp"

namespace st::notify {

struct EmailParts {
  std::string from;  // addr-spec, e.g. alerts@example.com
  std::string to;
  std::string subject;  // UTF-8
  std::string text;     // UTF-8, any line ends
  std::string alert_id;
  EpochMs date = 0;
};

[[nodiscard]] std::string render_email(const EmailParts& parts);

/// RFC 5322 §3.3 date-time in UTC, e.g. "Fri, 27 Nov 2026 13:43:26 +0000".
[[nodiscard]] std::string rfc5322_date(EpochMs ms);
/// "<32 hex digits of SHA-256(alert id)>.alert@<domain of from>" in angle brackets.
[[nodiscard]] std::string alert_message_id(std::string_view alert_id, std::string_view from);
/// The header value as is when it is short printable ASCII, else RFC 2047
/// "=?UTF-8?B?...?=" words of at most 75 characters, folded with CRLF SP
/// and never splitting a UTF-8 character.
[[nodiscard]] std::string encode_header_text(std::string_view text);
/// Base64 in lines of 76 characters, each ended by CRLF.
[[nodiscard]] std::string base64_lines(std::string_view bytes);

}  // namespace st::notify
