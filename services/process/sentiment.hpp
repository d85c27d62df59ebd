#pragma once
// News sentiment for the stream processor (DESIGN.md §5): a finance-aware
// lexicon scorer, pure and allocation-light, called once per news article.
//
// Written by hand for this project: Debian packages no C++ sentiment library
// and the pipeline runs no model server. How it works and how well it does
// on the labelled set in tests/data: docs/sentiment.md.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stocktracker/model/messages.hpp"

namespace st::process {

/// The sentiment of a text: `score` in [-1, 1] (very negative to very
/// positive) and the label it falls in.
struct Sentiment {
  double score = 0;
  model::SentimentLabel label = model::SentimentLabel::kNeutral;
};

/// |score| below this is neutral. Chosen on the tuning part of the labelled
/// set (docs/sentiment.md).
inline constexpr double kNeutralBand = 0.25;

/// Scores a news article; the title counts twice as much as the summary.
/// Either may be empty. Case-insensitive; any bytes are accepted.
Sentiment score_text(std::string_view title, std::string_view summary);

/// A company as it may appear in news: its ticker ("AAPL") and its name as
/// registered ("Apple Inc."); legal suffixes are ignored when matching.
struct CompanyName {
  std::string symbol;
  std::string name;
};

/// Sentiment per company for an article that may name several: the text is
/// split into clauses (punctuation and conjunctions such as "while", "but",
/// "as", "after") and each clause counts for the companies it names; a
/// clause naming none counts for the company named before it. A company
/// named nowhere is scored on the whole text if it is the only one given,
/// and left out of the result otherwise. Result order follows `companies`;
/// the first of each pair is the symbol.
std::vector<std::pair<std::string, Sentiment>> score_per_company(
    std::string_view title, std::string_view summary, const std::vector<CompanyName>& companies);

/// The word and phrase lists (sentiment_lexicon.cpp), exposed for tests.
namespace lexicon {

/// What a lexicon entry does to the words around it.
enum class Kind : std::uint8_t {
  kTerm,         // carries `value` (negative to positive)
  kNegator,      // flips the terms in the next few words; `solo` always added
  kIntensifier,  // multiplies the next term by `value`; `solo` if there is none
  kAdverb,       // multiplies the term just before (else just after) by `value`
  kObject,       // multiplies the verb a few words before by `value` ("cuts ... guidance")
  kHedge,        // multiplies its clause by `value` ("may", "reportedly")
  kNeutraliser,  // multiplies its whole title or summary by `value` ("in line with")
  kClause,       // starts a clause weighted `value` ("after", "despite", "but")
  kInert,        // consumes the words, means nothing ("record date", "as well as")
};

/// One pattern: words separated by spaces; "a|b" offers alternatives for one
/// word and a leading '?' makes a word optional. Patterns are normalised like
/// text (lower case, hyphens split words, articles dropped).
struct Row {
  std::string_view pattern;
  Kind kind = Kind::kTerm;
  double value = 0;
  double solo = 0;
};

std::span<const Row> rows();

/// Expanded patterns that were already defined by an earlier row (the first
/// wins); a well-formed lexicon has none.
std::vector<std::string> duplicate_keys();

}  // namespace lexicon
}  // namespace st::process
