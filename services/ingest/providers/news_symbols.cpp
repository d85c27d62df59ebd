#include "news_symbols.hpp"


namespace st::ingest::providers {
namespace {

bool is_word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         static_cast<unsigned char>(c) >= 0x80;  // inside a UTF-8 letter
}

/// UTF-8 of U+2000-U+203F (curly quotes, dashes): punctuation, not letters.
bool punctuation_at(std::string_view text, std::size_t at) {
  return at + 1 < text.size() && text[at] == '\xE2' && text[at + 1] == '\x80';
}

/// Whether `what` occurs in `text` at `at` as a whole word.
bool whole_word_at(std::string_view text, std::size_t at, std::size_t length) {
  const bool left = at == 0 || !is_word_char(text[at - 1]) || (at >= 3 && punctuation_at(text, at - 3));
  const std::size_t end = at + length;
  // "BRK.B." ends a sentence; "AAPL.O" is another listing's code.
  const bool right = end == text.size() || punctuation_at(text, end) ||
                     (!is_word_char(text[end]) &&
                      !(text[end] == '.' && end + 1 < text.size() && is_word_char(text[end + 1])));
  return left && right;
}

bool contains_word(std::string_view text, std::string_view word) {
  for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    if (whole_word_at(text, at, word.size())) return true;
  }
  return false;
}

/// "$AAPL", "NYSE: IBM", "Nasdaq:MSFT" and the like.
bool tagged(std::string_view text, std::string_view symbol) {
  static constexpr std::string_view kExchanges[] = {"NYSE", "NASDAQ", "Nasdaq", "NYSEArca", "AMEX", "NYSE American"};
  for (auto at = text.find(symbol); at != std::string_view::npos; at = text.find(symbol, at + 1)) {
    if (!whole_word_at(text, at, symbol.size())) continue;
    if (at >= 1 && text[at - 1] == '$') return true;
    std::size_t before = at;
    while (before > 0 && text[before - 1] == ' ') --before;
    if (before == 0 || text[before - 1] != ':') continue;
    const std::string_view head = text.substr(0, before - 1);
    for (auto exchange : kExchanges) {
      if (head.ends_with(exchange)) return true;
    }
  }
  return false;
}

std::string_view trim_punctuation(std::string_view s) {
  while (!s.empty() && (s.back() == ',' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

}  // namespace

std::string short_company_name(std::string_view name) {
  // The legal forms a name ends with, longest spelling first where one
  // contains another ("Inc." before "Inc").
  static constexpr std::string_view kForms[] = {"Inc.", "Inc", "Incorporated", "Corporation", "Corp.", "Corp",
                                                "Company", "Co.", "Co", "Ltd.", "Limited", "plc", "PLC",
                                                "Holdings", "Group", "N.V.", "S.A.", "AG", "SE", "& Co."};
  std::string_view s = trim_punctuation(name);
  if (s.starts_with("The ")) s.remove_prefix(4);
  for (bool changed = true; changed;) {
    changed = false;
    s = trim_punctuation(s);
    for (auto form : kForms) {
      if (s.size() > form.size() && s.ends_with(form) && s[s.size() - form.size() - 1] == ' ') {
        s.remove_suffix(form.size());
        changed = true;
      }
    }
    if (s.ends_with(" &")) {
      s.remove_suffix(2);
      changed = true;
    }
  }
  if (s.ends_with(".com")) s.remove_suffix(4);  // "Amazon.com" is written "Amazon" in the news
  s = trim_punctuation(s);
  return s.size() >= 3 ? std::string(s) : std::string();
}

SymbolMatcher::SymbolMatcher(const std::vector<CompanyName>& companies) {
  entries_.reserve(companies.size());
  for (const auto& c : companies) entries_.push_back({c.symbol, short_company_name(c.name)});
}

std::vector<std::string> SymbolMatcher::mentioned(std::string_view text) const {
  constexpr std::size_t kMaxSymbols = 50;
  std::vector<std::string> out;
  for (const auto& e : entries_) {
    if (out.size() >= kMaxSymbols) break;
    const bool by_ticker = e.symbol.size() >= 3 ? contains_word(text, e.symbol) : tagged(text, e.symbol);
    if (by_ticker || (!e.name.empty() && contains_word(text, e.name))) out.push_back(e.symbol);
  }
  return out;
}

}  // namespace st::ingest::providers
