// The lexicon scorer. A text is cut into words (lower case, split on anything
// not a letter or digit, possessive 's dropped, "n't" read as "not",
// articles dropped) and into clauses (punctuation, conjunctions). The
// longest lexicon entry is matched at each word; modifiers then act on the
// terms near them within their clause (negation flips, intensifiers scale),
// each clause is weighted (a reason given after "as"/"after" counts less, a
// concession after "despite" less still), and the sum, title twice the
// summary, is squashed into [-1, 1] as VADER does (x / sqrt(x^2 + alpha)).
// Nothing here allocates per word: words are views into one buffer per
// thread, and the lexicon is a hash map built once.
#include "sentiment.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <unordered_map>

namespace st::process {
namespace {

using lexicon::Kind;

constexpr double kTitleWeight = 2.0;
constexpr double kSummaryWeight = 1.0;
constexpr double kSquashAlpha = 15.0;
constexpr double kNegationFactor = -0.75;    // "not good" is less bad than "bad"
constexpr std::uint32_t kNegationWindow = 3;  // content words a negator reaches
constexpr std::uint32_t kModifierWindow = 2;  // ... an intensifier or adverb
constexpr std::uint32_t kObjectWindow = 4;    // "cuts full-year revenue guidance"

// --- words -----------------------------------------------------------------------------

struct Token {
  std::uint32_t begin = 0;  // in Tokens::text
  std::uint32_t size = 0;
  std::uint32_t src_begin = 0;  // in the text given
  std::uint32_t src_size = 0;
  std::uint32_t content_before = 0;  // content words before this one
  bool break_before = false;         // punctuation between this word and the previous
  bool content = true;               // counts in the modifier windows (not a stop word or number)
};

struct Tokens {
  std::string text;  // the words, lower case, joined by single spaces
  std::vector<Token> list;
  std::uint32_t content_total = 0;

  std::string_view word(std::size_t i) const { return std::string_view(text).substr(list[i].begin, list[i].size); }
  // Words first..last as they appear in `text`, i.e. joined by spaces.
  std::string_view words(std::size_t first, std::size_t last) const {
    return std::string_view(text).substr(list[first].begin, list[last].begin + list[last].size - list[first].begin);
  }
  std::uint32_t content_after(std::size_t last) const {
    return last + 1 < list.size() ? list[last + 1].content_before : content_total;
  }
};

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::array<std::string_view, 10> kDropped{"a", "an", "the", "its", "their", "his", "her", "our", "your", "my"};
constexpr std::array<std::string_view, 22> kStopWords{"to",  "of",   "in",   "on",   "for",  "at",   "by",  "with",
                                                      "from", "into", "it",   "is",   "are",  "was",  "were", "be",
                                                      "been", "has",  "have", "had",  "and",  "or"};
// Abbreviations whose period does not end a clause ("Apple Inc. rises").
constexpr std::array<std::string_view, 9> kAbbreviations{"inc", "corp", "co", "ltd", "jr", "sr", "st", "vs", "no"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view w) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

bool all_digits(std::string_view w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Bytes of an apostrophe (' or U+2019) at text[i]; 0 if there is none.
std::size_t apostrophe_at(std::string_view text, std::size_t i) {
  if (text[i] == '\'') return 1;
  return text.substr(i, 3) == "\xE2\x80\x99" ? 3 : 0;
}

// Whether the non-word bytes at text[i] end a clause; sets `skip` to their length.
bool ends_clause(std::string_view text, std::size_t i, std::string_view previous_word, std::size_t& skip) {
  skip = 1;
  const char c = text[i];
  switch (c) {
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case '|':
    case '(':
    case ')':
    case '[':
    case ']':
      return true;
    case '.': {
      const bool at_gap = i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n' || text[i + 1] == '\t';
      // "U.S." and "Inc." are no sentence ends.
      return at_gap && previous_word.size() > 1 && !contains(kAbbreviations, previous_word);
    }
    case '-':
      // A dash between spaces ("Apple - shares rise") ends a clause; a hyphen
      // ("better-than-expected") only separates words.
      return i > 0 && text[i - 1] == ' ' && i + 1 < text.size() && (text[i + 1] == ' ' || text[i + 1] == '-');
    default:
      break;
  }
  // En and em dashes.
  if (text.substr(i, 3) == "\xE2\x80\x93" || text.substr(i, 3) == "\xE2\x80\x94") {
    skip = 3;
    return true;
  }
  return false;
}

void tokenize(std::string_view text, Tokens& out) {
  out.text.clear();
  out.list.clear();
  out.content_total = 0;
  bool pending_break = false;
  // The last word, lower case, for the abbreviation check (a copy: `text` may move).
  std::array<char, 8> previous{};
  std::size_t previous_size = 0;

  const auto push = [&](std::size_t mark, std::size_t begin, std::size_t src_begin, std::size_t src_size) {
    const std::string_view w = std::string_view(out.text).substr(begin);
    if (contains(kDropped, w)) {
      out.text.resize(mark);
      return;
    }
    Token t;
    t.begin = static_cast<std::uint32_t>(begin);
    t.size = static_cast<std::uint32_t>(w.size());
    t.src_begin = static_cast<std::uint32_t>(src_begin);
    t.src_size = static_cast<std::uint32_t>(src_size);
    t.content_before = out.content_total;
    t.break_before = pending_break && !out.list.empty();
    t.content = !contains(kStopWords, w) && !all_digits(w);
    pending_break = false;
    if (t.content) ++out.content_total;
    out.list.push_back(t);
  };

  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    if (!is_alnum(text[i])) {
      std::size_t skip = 1;
      const std::string_view previous_word(previous.data(), std::min(previous_size, previous.size()));
      if (ends_clause(text, i, previous_word, skip)) pending_break = true;
      i += skip;
      continue;
    }
    const std::size_t mark = out.text.size();
    if (mark != 0) out.text.push_back(' ');
    const std::size_t begin = out.text.size();
    const std::size_t src_begin = i;
    std::size_t src_end = i;
    bool negated = false;
    while (i < n) {
      if (is_alnum(text[i])) {
        out.text.push_back(to_lower(text[i]));
        src_end = ++i;
        continue;
      }
      const std::size_t apostrophe = apostrophe_at(text, i);
      if (apostrophe == 0 || i + apostrophe >= n || !is_alnum(text[i + apostrophe])) break;
      const std::size_t j = i + apostrophe;
      const bool word_ends = j + 1 >= n || !is_alnum(text[j + 1]);
      const char next = to_lower(text[j]);
      if (word_ends && next == 's') {  // possessive: "Apple's" is "apple"
        i = j + 1;
        break;
      }
      if (word_ends && next == 't' && out.text.size() > begin + 1 && out.text.back() == 'n') {
        out.text.pop_back();  // "doesn't" is "does not"
        --src_end;
        negated = true;
        i = j + 1;
        break;
      }
      i = j;  // "O'Neill" is "oneill"
    }
    const std::string_view word = std::string_view(out.text).substr(begin);
    previous_size = word.size();  // longer words keep their first 8 letters: no abbreviation is that long
    std::copy_n(word.begin(), std::min(word.size(), previous.size()), previous.begin());
    push(mark, begin, src_begin, src_end - src_begin);
    if (negated) {
      const std::size_t not_mark = out.text.size();
      if (not_mark != 0) out.text.push_back(' ');
      const std::size_t not_begin = out.text.size();
      out.text += "not";
      push(not_mark, not_begin, src_end, 0);
    }
  }
}

// --- lexicon ---------------------------------------------------------------------------

struct Entry {
  Kind kind = Kind::kTerm;
  std::uint8_t words = 1;
  double value = 0;
  double solo = 0;
  std::size_t row = 0;
};

/// The expanded lexicon: every pattern alternative, normalised, in a hash
/// map keyed by its words joined by spaces. Built once on first use
/// (thread-safe static), then read-only and shared by all threads.
class Lexicon {
 public:
  static const Lexicon& get() {
    static const Lexicon lexicon;
    return lexicon;
  }

  /// The longest entry at word `i` that lies inside one clause and covers no
  /// masked word; `words` receives its length.
  const Entry* match(const Tokens& t, std::size_t i, const std::vector<bool>& masked, std::size_t& words) const {
    const auto first = longest_.find(t.word(i));
    if (first == longest_.end()) return nullptr;
    std::size_t limit = std::min<std::size_t>(first->second, t.list.size() - i);
    for (std::size_t k = 1; k < limit; ++k) {
      if (t.list[i + k].break_before || masked[i + k]) {
        limit = k;
        break;
      }
    }
    for (std::size_t k = limit; k >= 1; --k) {
      const auto it = entries_.find(t.words(i, i + k - 1));
      if (it != entries_.end()) {
        words = k;
        return &it->second;
      }
    }
    return nullptr;
  }

  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  Lexicon() {
    const auto rows = lexicon::rows();
    Tokens normalised;
    std::vector<std::string> expanded;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      expanded.clear();
      expand(rows[r].pattern, expanded);
      for (const std::string& phrase : expanded) {
        tokenize(phrase, normalised);
        if (normalised.list.empty()) continue;
        const std::string& key = keys_.emplace_back(normalised.text);
        const Entry entry{rows[r].kind, static_cast<std::uint8_t>(normalised.list.size()), rows[r].value,
                          rows[r].solo, r};
        const auto [it, inserted] = entries_.emplace(key, entry);
        if (!inserted) {
          if (it->second.row != r) duplicates_.push_back(key);
          keys_.pop_back();
          continue;
        }
        const std::string_view first_word = std::string_view(key).substr(0, key.find(' '));
        auto& longest = longest_[first_word];
        longest = std::max(longest, entry.words);
      }
    }
  }

  // Every phrase a pattern stands for: words separated by spaces, "a|b"
  // alternatives, a leading '?' for an optional word.
  static void expand(std::string_view pattern, std::vector<std::string>& out) {
    out.assign(1, std::string());
    std::size_t pos = 0;
    while (pos < pattern.size()) {
      std::size_t end = pattern.find(' ', pos);
      if (end == std::string_view::npos) end = pattern.size();
      std::string_view slot = pattern.substr(pos, end - pos);
      pos = end + 1;
      if (slot.empty()) continue;
      const bool optional = slot.front() == '?';
      if (optional) slot.remove_prefix(1);
      std::vector<std::string> next;
      for (const std::string& head : out) {
        if (optional) next.push_back(head);
        std::size_t a = 0;
        while (a <= slot.size()) {
          std::size_t bar = slot.find('|', a);
          if (bar == std::string_view::npos) bar = slot.size();
          std::string phrase = head;
          if (!phrase.empty()) phrase.push_back(' ');
          phrase.append(slot.substr(a, bar - a));
          next.push_back(std::move(phrase));
          a = bar + 1;
        }
      }
      out = std::move(next);
    }
  }

  std::deque<std::string> keys_;  // stable storage for the views below
  std::unordered_map<std::string_view, Entry> entries_;
  std::unordered_map<std::string_view, std::uint8_t> longest_;  // longest entry by first word
  std::vector<std::string> duplicates_;
};

// --- scoring ---------------------------------------------------------------------------

struct Item {
  Kind kind = Kind::kTerm;
  double value = 0;
  double solo = 0;
  std::uint32_t first_content = 0;  // content words before the item
  std::uint32_t after_content = 0;  // content words before the word after it
  std::uint32_t segment = 0;
  double mult = 1;
  bool negated = false;
};

struct Segment {
  std::uint32_t first_token = 0;
  double weight = 1;  // how much the clause counts in the whole text
  double hedge = 1;
  double sum = 0;  // its terms, modifiers applied
};

struct Analysis {
  std::vector<Item> items;
  std::vector<Segment> segments;
  double neutraliser = 1;

  double segment_value(const Segment& s) const { return s.sum * s.hedge * neutraliser; }
  double total() const {
    double total = 0;
    for (const Segment& s : segments) total += s.weight * segment_value(s);
    return total;
  }
};

void match_items(const Tokens& t, const std::vector<bool>& masked, Analysis& a) {
  const Lexicon& lexicon = Lexicon::get();
  a.items.clear();
  a.segments.assign(1, Segment{});
  a.neutraliser = 1;
  std::size_t i = 0;
  while (i < t.list.size()) {
    if (i > 0 && t.list[i].break_before) a.segments.push_back(Segment{static_cast<std::uint32_t>(i)});
    std::size_t words = 0;
    const Entry* e = masked[i] ? nullptr : lexicon.match(t, i, masked, words);
    if (e == nullptr) {
      ++i;
      continue;
    }
    if (e->kind == Kind::kClause) {
      if (a.segments.back().first_token == i) {
        a.segments.back().weight = e->value;  // ", while ..."
      } else {
        a.segments.push_back(Segment{static_cast<std::uint32_t>(i), e->value});
      }
    } else if (e->kind != Kind::kInert) {
      Item item;
      item.kind = e->kind;
      item.value = e->value;
      item.solo = e->solo;
      item.first_content = t.list[i].content_before;
      item.after_content = t.content_after(i + words - 1);
      item.segment = static_cast<std::uint32_t>(a.segments.size() - 1);
      a.items.push_back(item);
    }
    i += words;
  }
}

// The nearest term in the same clause after item `m` within `window` content
// words; nullptr if there is none.
Item* term_after(std::vector<Item>& items, std::size_t m, std::uint32_t window) {
  for (std::size_t j = m + 1; j < items.size() && items[j].segment == items[m].segment; ++j) {
    if (items[j].first_content - items[m].after_content >= window) return nullptr;
    if (items[j].kind == Kind::kTerm) return &items[j];
  }
  return nullptr;
}

Item* term_before(std::vector<Item>& items, std::size_t m, std::uint32_t window) {
  for (std::size_t j = m; j-- > 0 && items[j].segment == items[m].segment;) {
    if (items[m].first_content - items[j].after_content >= window) return nullptr;
    if (items[j].kind == Kind::kTerm) return &items[j];
  }
  return nullptr;
}

void apply_modifiers(Analysis& a) {
  auto& items = a.items;
  for (std::size_t m = 0; m < items.size(); ++m) {
    Segment& segment = a.segments[items[m].segment];
    const double value = items[m].value;
    switch (items[m].kind) {
      case Kind::kNegator:
        for (std::size_t j = m + 1; j < items.size() && items[j].segment == items[m].segment; ++j) {
          if (items[j].first_content - items[m].after_content >= kNegationWindow) break;
          if (items[j].kind == Kind::kTerm && !items[j].negated) {
            items[j].mult *= kNegationFactor;
            items[j].negated = true;
          }
        }
        segment.sum += items[m].solo;
        break;
      case Kind::kIntensifier:
        if (Item* t = term_after(items, m, kModifierWindow)) {
          t->mult *= value;
        } else {
          segment.sum += items[m].solo;
        }
        break;
      case Kind::kAdverb: {
        Item* t = term_before(items, m, kModifierWindow);
        if (t == nullptr) t = term_after(items, m, kModifierWindow);
        if (t != nullptr) {
          t->mult *= value;
        } else {
          segment.sum += items[m].solo;
        }
        break;
      }
      case Kind::kObject:
        if (Item* t = term_before(items, m, kObjectWindow)) t->mult *= value;
        break;
      case Kind::kHedge:
        segment.hedge *= value;
        break;
      case Kind::kNeutraliser:
        a.neutraliser = std::min(a.neutraliser, value);
        break;
      case Kind::kTerm:
      case Kind::kClause:
      case Kind::kInert:
        break;
    }
  }
  for (const Item& item : items) {
    if (item.kind == Kind::kTerm) a.segments[item.segment].sum += item.value * item.mult;
  }
}

void analyse(const Tokens& t, const std::vector<bool>& masked, Analysis& a) {
  match_items(t, masked, a);
  apply_modifiers(a);
}

Sentiment squash(double raw) {
  const double score = raw / std::sqrt(raw * raw + kSquashAlpha);
  auto label = model::SentimentLabel::kNeutral;
  if (score >= kNeutralBand) label = model::SentimentLabel::kPositive;
  if (score <= -kNeutralBand) label = model::SentimentLabel::kNegative;
  return {score, label};
}

/// Per-thread buffers, so that scoring allocates only while they grow.
struct Scratch {
  Tokens tokens;
  Analysis analysis;
  std::vector<bool> masked;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

double score_part(std::string_view text, Scratch& s) {
  tokenize(text, s.tokens);
  s.masked.assign(s.tokens.list.size(), false);
  analyse(s.tokens, s.masked, s.analysis);
  return s.analysis.total();
}

// --- companies -------------------------------------------------------------------------

constexpr std::array<std::string_view, 17> kLegalSuffixes{
    "inc",  "incorporated", "corp",     "corporation", "co", "company", "plc", "ltd",  "limited",
    "llc",  "lp",           "sa",       "ag",          "nv", "se",      "com", "class"};

struct CompanyPattern {
  std::vector<std::string> name;  // normalised words, legal suffixes removed
  std::string symbol;
};

CompanyPattern make_pattern(const CompanyName& c) {
  CompanyPattern p;
  p.symbol = c.symbol;
  Tokens t;
  tokenize(c.name, t);
  for (std::size_t i = 0; i < t.list.size(); ++i) p.name.emplace_back(t.word(i));
  // "Goldman Sachs Group, Inc." is "goldman sachs"; "Holdings" alone stays.
  while (p.name.size() > 1 && (contains(kLegalSuffixes, p.name.back()) || p.name.back() == "group" ||
                               p.name.back() == "holdings")) {
    p.name.pop_back();
  }
  return p;
}

// Whether a word as written has a capital or a digit: "Apple", "eBay", "3M".
bool looks_like_a_name(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// The company's name at word i, each word written like a name (so that
// "price target" is not Target Corp.); its length in words or 0.
std::size_t name_at(const Tokens& t, std::string_view src, std::size_t i, const CompanyPattern& p) {
  if (p.name.empty() || i + p.name.size() > t.list.size()) return 0;
  for (std::size_t k = 0; k < p.name.size(); ++k) {
    const Token& w = t.list[i + k];
    if (t.word(i + k) != p.name[k] || !looks_like_a_name(src.substr(w.src_begin, w.src_size))) return 0;
  }
  return p.name.size();
}

// The ticker, exactly as given (case-sensitive), at word i; one-letter
// tickers only as "$F". Its length in words or 0.
std::size_t symbol_at(const Tokens& t, std::string_view src, std::size_t i, const CompanyPattern& p) {
  if (p.symbol.empty()) return 0;
  const std::size_t begin = t.list[i].src_begin;
  if (src.substr(begin, p.symbol.size()) != p.symbol) return 0;
  const std::size_t end = begin + p.symbol.size();
  if (end < src.size() && is_alnum(src[end])) return 0;
  if (p.symbol.size() == 1 && (begin == 0 || src[begin - 1] != '$')) return 0;
  std::size_t k = i;
  while (k < t.list.size() && t.list[k].src_begin < end) ++k;
  return k - i;
}

struct Attribution {
  std::vector<double> raw;          // per company, title and summary weighted
  std::vector<std::uint8_t> named;  // per company
  std::vector<std::uint8_t> lead;   // companies of the title's first naming clause
};

// Scores one part (title or summary) and adds each clause to the companies it
// is about.
void attribute_part(std::string_view text, double part_weight, const std::vector<CompanyPattern>& patterns,
                    bool is_title, Attribution& out, Scratch& s) {
  const std::size_t n = patterns.size();
  Tokens& t = s.tokens;
  tokenize(text, t);
  s.masked.assign(t.list.size(), false);
  // mentions[i] = company + 1 named at word i.
  std::vector<std::uint32_t> mentions(t.list.size(), 0);
  for (std::size_t i = 0; i < t.list.size(); ++i) {
    for (std::size_t c = 0; c < n; ++c) {
      const std::size_t len = std::max(name_at(t, text, i, patterns[c]), symbol_at(t, text, i, patterns[c]));
      if (len == 0) continue;
      mentions[i] = static_cast<std::uint32_t>(c + 1);
      for (std::size_t k = i; k < i + len; ++k) s.masked[k] = true;
      break;
    }
  }
  Analysis& a = s.analysis;
  analyse(t, s.masked, a);

  // named_in[segment * n + company]
  std::vector<std::uint8_t> named_in(a.segments.size() * n, 0);
  std::size_t seg = 0;
  for (std::size_t i = 0; i < t.list.size(); ++i) {
    while (seg + 1 < a.segments.size() && a.segments[seg + 1].first_token <= i) ++seg;
    if (mentions[i] != 0) named_in[seg * n + mentions[i] - 1] = 1;
  }
  const auto names_any = [&](std::size_t sg) {
    return std::any_of(named_in.begin() + static_cast<std::ptrdiff_t>(sg * n),
                       named_in.begin() + static_cast<std::ptrdiff_t>((sg + 1) * n), [](std::uint8_t v) { return v; });
  };

  // A clause naming nobody is about the company named before it; clauses
  // before the first name are about the first one named (in the summary:
  // about the title's subject).
  std::vector<std::uint8_t> current = is_title ? std::vector<std::uint8_t>(n, 0) : out.lead;
  if (std::none_of(current.begin(), current.end(), [](std::uint8_t v) { return v; })) {
    for (std::size_t sg = 0; sg < a.segments.size(); ++sg) {
      if (names_any(sg)) {
        current.assign(named_in.begin() + static_cast<std::ptrdiff_t>(sg * n),
                       named_in.begin() + static_cast<std::ptrdiff_t>((sg + 1) * n));
        break;
      }
    }
  }
  if (is_title) out.lead = current;
  for (std::size_t sg = 0; sg < a.segments.size(); ++sg) {
    double weight = a.segments[sg].weight;
    if (names_any(sg)) {
      current.assign(named_in.begin() + static_cast<std::ptrdiff_t>(sg * n),
                     named_in.begin() + static_cast<std::ptrdiff_t>((sg + 1) * n));
      weight = 1;  // "..., while Intel slumps" is all about Intel
    }
    const double value = part_weight * weight * a.segment_value(a.segments[sg]);
    for (std::size_t c = 0; c < n; ++c) {
      if (current[c] == 0) continue;
      out.raw[c] += value;
      out.named[c] = 1;
    }
  }
}

}  // namespace

Sentiment score_text(std::string_view title, std::string_view summary) {
  Scratch& s = scratch();
  double raw = kTitleWeight * score_part(title, s);
  if (!summary.empty()) raw += kSummaryWeight * score_part(summary, s);
  return squash(raw);
}

std::vector<std::pair<std::string, Sentiment>> score_per_company(std::string_view title, std::string_view summary,
                                                                 const std::vector<CompanyName>& companies) {
  std::vector<std::pair<std::string, Sentiment>> result;
  if (companies.empty()) return result;
  std::vector<CompanyPattern> patterns;
  patterns.reserve(companies.size());
  for (const CompanyName& c : companies) patterns.push_back(make_pattern(c));

  Scratch& s = scratch();
  Attribution at;
  at.raw.assign(companies.size(), 0);
  at.named.assign(companies.size(), 0);
  attribute_part(title, kTitleWeight, patterns, true, at, s);
  if (!summary.empty()) attribute_part(summary, kSummaryWeight, patterns, false, at, s);

  for (std::size_t c = 0; c < companies.size(); ++c) {
    if (at.named[c] != 0) {
      result.emplace_back(companies[c].symbol, squash(at.raw[c]));
    } else if (companies.size() == 1) {
      result.emplace_back(companies[c].symbol, score_text(title, summary));
    }
  }
  return result;
}

namespace lexicon {
std::vector<std::string> duplicate_keys() { return Lexicon::get().duplicates(); }
}  // namespace lexicon

}  // namespace st::process
