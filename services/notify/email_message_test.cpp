#include "email_message.hpp"

#include <gtest/gtest.h>

#include "crypto.hpp"

namespace st::notify {
namespace {

EmailParts sample() {
  return {.from = "alerts@stocktracker.example",
          .to = "ana@example.com",
          .subject = "Apple Inc. (AAPL) up 5.20%",
          .text = "AAPL rose.\nPrice 190.00\n",
          .alert_id = "a-1-7-1700000000000",
          .date = 1'700'000'000'000};
}

/// The header block and the body of a rendered message.
std::pair<std::string, std::string> split(const std::string& m) {
  const auto blank = m.find("\r\n\r\n");
  EXPECT_NE(blank, std::string::npos);
  return {m.substr(0, blank + 2), m.substr(blank + 4)};
}

TEST(Email, Rfc5322DateIsUtc) {
  EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(1'700'000'000'999), "Tue, 14 Nov 2023 22:13:20 +0000");
}

TEST(Email, MessageIdIsDerivedFromTheAlertId) {
  const std::string id = alert_message_id("a-1-7-1700000000000", "alerts@stocktracker.example");
  EXPECT_EQ(id, alert_message_id("a-1-7-1700000000000", "x@stocktracker.example"));
  EXPECT_NE(id, alert_message_id("a-1-7-1700000000001", "alerts@stocktracker.example"));
  EXPECT_TRUE(id.starts_with("<"));
  EXPECT_TRUE(id.ends_with(".alert@stocktracker.example>"));
  EXPECT_EQ(id.size(), 1 + 32 + std::string(".alert@stocktracker.example>").size());
}

TEST(Email, HasTheRequiredHeadersAndOnlyCrlfLineEnds) {
  const std::string m = render_email(sample());
  const auto [headers, body] = split(m);
  EXPECT_TRUE(headers.starts_with("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
  for (const char* h : {"\r\nFrom: Stock Tracker <alerts@stocktracker.example>\r\n", "\r\nTo: <ana@example.com>\r\n",
                        "\r\nSubject: Apple Inc. (AAPL) up 5.20%\r\n", "\r\nMIME-Version: 1.0\r\n",
                        "\r\nContent-Type: text/plain; charset=UTF-8\r\n",
                        "\r\nContent-Transfer-Encoding: base64\r\n", "\r\nMessage-ID: <"}) {
    EXPECT_NE(headers.find(h), std::string::npos) << h;
  }
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(Email, BodyIsBase64OfTheCrlfText) {
  const auto [headers, body] = split(render_email(sample()));
  std::string joined;
  for (std::size_t pos = 0; pos < body.size();) {
    const auto eol = body.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos);
    EXPECT_LE(eol - pos, 76u);
    joined += body.substr(pos, eol - pos);
    pos = eol + 2;
  }
  std::string url = joined;
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  EXPECT_EQ(crypto::base64url_decode(url), "AAPL rose.\r\nPrice 190.00\r\n");
}

TEST(Email, NonAsciiOrLongSubjectsBecomeEncodedWordsThatKeepCharactersWhole) {
  EXPECT_EQ(encode_header_text("Plain ASCII"), "Plain ASCII");
  EXPECT_EQ(encode_header_text("Caf\xC3\xA9"), "=?UTF-8?B?Q2Fmw6k=?=");
  // 30 two-byte characters: 60 bytes, more than one word holds.
  std::string accents;
  for (int i = 0; i < 30; ++i) accents += "\xC3\xA9";
  const std::string encoded = encode_header_text(accents);
  std::string decoded;
  std::size_t pos = 0;
  int words = 0;
  while ((pos = encoded.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto end = encoded.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u);
    std::string b64 = encoded.substr(pos + 10, end - pos - 10);
    for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
    const auto part = crypto::base64url_decode(b64);
    ASSERT_TRUE(part);
    EXPECT_EQ(part->size() % 2, 0u) << "a word split a character";
    decoded += *part;
    pos = end;
    ++words;
  }
  EXPECT_EQ(words, 2);
  EXPECT_EQ(decoded, accents);
  EXPECT_NE(encoded.find("?=\r\n =?UTF-8?B?"), std::string::npos);  // folded
}

TEST(Email, HeaderValuesCannotInjectHeaders) {
  EmailParts p = sample();
  p.subject = "Hi\r\nBcc: victim@example.com";
  p.to = "ana@example.com\r\nBcc: x@example.com";
  const auto [headers, body] = split(render_email(p));
  EXPECT_EQ(headers.find("\r\nBcc:"), std::string::npos);
}

}  // namespace
}  // namespace st::notify
