#include "article_extract.hpp"

#include <gumbo.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <memory>

#include "stocktracker/base/time_format.hpp"

namespace st::ingest::scraper {
namespace {

struct OutputDeleter {
  void operator()(GumboOutput* o) const { gumbo_destroy_output(&kGumboDefaultOptions, o); }
};
using Output = std::unique_ptr<GumboOutput, OutputDeleter>;

bool is_element(const GumboNode* n) { return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE; }

std::string_view attr(const GumboNode* n, const char* name) {
  if (!is_element(n)) return {};
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a != nullptr ? std::string_view(a->value) : std::string_view{};
}

GumboTag tag_of(const GumboNode* n) { return is_element(n) ? n->v.element.tag : GUMBO_TAG_UNKNOWN; }

ElementView view(const GumboNode* n) {
  return {gumbo_normalized_tagname(tag_of(n)), attr(n, "id"), attr(n, "class")};
}

const GumboVector& children(const GumboNode* n) {
  static const GumboVector kNone{nullptr, 0, 0};
  return is_element(n) ? n->v.element.children : kNone;
}

/// Elements whose text is never the article's.
bool boilerplate(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_IFRAME:
      return true;
    default:
      return false;
  }
}

/// Text content with runs of white space collapsed to one space.
void append_text(const GumboNode* n, std::string& out) {
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
    for (const char* c = n->v.text.text; *c != '\0'; ++c) {
      const bool space = *c == ' ' || *c == '\n' || *c == '\t' || *c == '\r' || *c == '\f';
      if (space) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += *c;
      }
    }
    return;
  }
  if (!is_element(n) || boilerplate(tag_of(n))) return;
  if (tag_of(n) == GUMBO_TAG_BR && !out.empty() && out.back() != ' ') out += ' ';
  const auto& kids = children(n);
  for (unsigned i = 0; i < kids.length; ++i) append_text(static_cast<const GumboNode*>(kids.data[i]), out);
}

std::string text_of(const GumboNode* n) {
  std::string out;
  append_text(n, out);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

template <class F>
void walk(const GumboNode* n, F&& visit) {
  if (!is_element(n)) return;
  if (!visit(n)) return;  // false: do not descend
  const auto& kids = children(n);
  for (unsigned i = 0; i < kids.length; ++i) walk(static_cast<const GumboNode*>(kids.data[i]), visit);
}

bool selector_matches(const Selector& sel, const GumboNode* n) {
  if (!matches(sel.chain.back(), view(n))) return false;
  // The other compounds, innermost first, each on some ancestor further out.
  const GumboNode* at = n->parent;
  for (std::size_t k = sel.chain.size() - 1; k-- > 0;) {
    while (at != nullptr && !(is_element(at) && matches(sel.chain[k], view(at)))) at = at->parent;
    if (at == nullptr) return false;
    at = at->parent;
  }
  return true;
}

std::vector<const GumboNode*> select_all(const GumboNode* root, const Selector& sel) {
  std::vector<const GumboNode*> out;
  walk(root, [&](const GumboNode* n) {
    if (selector_matches(sel, n)) out.push_back(n);
    return true;
  });
  return out;
}

const GumboNode* first_tag(const GumboNode* root, GumboTag tag) {
  const GumboNode* found = nullptr;
  walk(root, [&](const GumboNode* n) {
    if (found != nullptr) return false;
    if (tag_of(n) == tag) found = n;
    return found == nullptr;
  });
  return found;
}

std::string_view meta_content(const GumboNode* root, std::initializer_list<std::string_view> names) {
  std::string_view found;
  walk(root, [&](const GumboNode* n) {
    if (!found.empty()) return false;
    if (tag_of(n) == GUMBO_TAG_META) {
      const std::string_view key = !attr(n, "property").empty() ? attr(n, "property") : attr(n, "name");
      for (auto name : names) {
        if (key == name && !attr(n, "content").empty()) found = attr(n, "content");
      }
    }
    return true;
  });
  return found;
}

/// The first string `key` in JSON-LD (objects, arrays, "@graph").
std::optional<std::string> json_ld_field(const boost::json::value& v, std::string_view key) {
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (const auto* f = o.if_contains(key); f != nullptr && f->is_string()) return std::string(f->as_string());
    for (const auto& [k, child] : o) {
      if (child.is_object() || child.is_array()) {
        if (auto found = json_ld_field(child, key)) return found;
      }
    }
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) {
      if (auto found = json_ld_field(child, key)) return found;
    }
  }
  return std::nullopt;
}

std::optional<std::string> json_ld(const GumboNode* root, std::string_view key) {
  std::optional<std::string> found;
  walk(root, [&](const GumboNode* n) {
    if (found) return false;
    if (tag_of(n) == GUMBO_TAG_SCRIPT && attr(n, "type") == "application/ld+json") {
      std::string body;
      const auto& kids = children(n);
      for (unsigned i = 0; i < kids.length; ++i) {
        const auto* t = static_cast<const GumboNode*>(kids.data[i]);
        if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_WHITESPACE || t->type == GUMBO_NODE_CDATA) body += t->v.text.text;
      }
      boost::system::error_code ec;
      const auto v = boost::json::parse(body, ec);
      if (!ec) found = json_ld_field(v, key);  // a broken block is skipped, not fatal
      return false;
    }
    return true;
  });
  return found;
}

std::optional<EpochMs> time_of(const GumboNode* n) {
  for (const char* a : {"datetime", "content"}) {
    if (auto t = parse_time(attr(n, a))) return t;
  }
  return parse_time(text_of(n));
}

/// The paragraphs under `container`, skipping boilerplate.
std::vector<std::string> paragraphs(const GumboNode* container) {
  std::vector<std::string> out;
  walk(container, [&](const GumboNode* n) {
    if (boilerplate(tag_of(n))) return false;
    if (tag_of(n) == GUMBO_TAG_P) {
      if (auto t = text_of(n); !t.empty()) out.push_back(std::move(t));
      return false;
    }
    return true;
  });
  return out;
}

/// The element whose own <p> children hold the most text.
const GumboNode* densest_container(const GumboNode* root) {
  const GumboNode* best = nullptr;
  std::size_t best_len = 0;
  walk(root, [&](const GumboNode* n) {
    if (boilerplate(tag_of(n))) return false;
    std::size_t len = 0;
    const auto& kids = children(n);
    for (unsigned i = 0; i < kids.length; ++i) {
      const auto* k = static_cast<const GumboNode*>(kids.data[i]);
      if (tag_of(k) == GUMBO_TAG_P) len += text_of(k).size();
    }
    if (len > best_len) {
      best_len = len;
      best = n;
    }
    return true;
  });
  return best;
}

std::string join_lines(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += '\n';
    out += p;
  }
  return out;
}

}  // namespace

Result<SiteRule> parse_site_rule(std::string_view line) {
  SiteRule rule;
  std::size_t i = 0;
  const auto next_word = [&]() {
    while (i < line.size() && line[i] == ' ') ++i;
    const std::size_t begin = i;
    while (i < line.size() && line[i] != ' ') ++i;
    return line.substr(begin, i - begin);
  };
  rule.host = std::string(next_word());
  if (rule.host.empty()) return fail(Errc::kInvalidInput, "site rule: no host");
  // Fields are "name=selector words ..." up to the next "name=".
  std::string field;
  std::string value;
  const auto flush = [&]() -> Status {
    if (field.empty()) return {};
    auto sel = parse_selector(value);
    if (!sel) return fail(Errc::kInvalidInput, "site rule " + rule.host + ": " + field + ": unsupported selector \"" + value + "\"");
    if (field == "title") {
      rule.title = *sel;
    } else if (field == "text") {
      rule.text = *sel;
    } else if (field == "time") {
      rule.time = *sel;
    } else {
      return fail(Errc::kInvalidInput, "site rule " + rule.host + ": unknown field " + field);
    }
    field.clear();
    value.clear();
    return {};
  };
  for (auto word = next_word(); !word.empty(); word = next_word()) {
    if (const auto eq = word.find('='); eq != std::string_view::npos) {
      if (auto st = flush(); !st) return std::unexpected(st.error());
      field = std::string(word.substr(0, eq));
      value = std::string(word.substr(eq + 1));
    } else {
      if (field.empty()) return fail(Errc::kInvalidInput, "site rule " + rule.host + ": expected name=selector");
      value += ' ';
      value += word;
    }
  }
  if (auto st = flush(); !st) return std::unexpected(st.error());
  return rule;
}

Result<std::vector<SiteRule>> load_site_rules(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(Errc::kNotFound, "site rules: cannot read " + path);
  std::vector<SiteRule> rules;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    auto rule = parse_site_rule(std::string_view(line).substr(first));
    if (!rule) return fail(Errc::kInvalidInput, path + ":" + std::to_string(number) + ": " + rule.error().message);
    rules.push_back(std::move(*rule));
  }
  return rules;
}

const SiteRule* rule_for(const std::vector<SiteRule>& rules, std::string_view host) {
  const SiteRule* suffix = nullptr;
  for (const auto& r : rules) {
    if (r.host == host) return &r;
    if (r.host.starts_with('.') && (host.ends_with(r.host) || host == std::string_view(r.host).substr(1))) suffix = &r;
  }
  return suffix;
}

Result<ExtractedArticle> extract_article(std::string_view html, const SiteRule* rule) {
  Output out(gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()));
  if (!out) return fail(Errc::kInvalidInput, "html: not parsed");
  const GumboNode* root = out->root;
  ExtractedArticle a;

  if (rule != nullptr && rule->title) {
    if (const auto found = select_all(root, *rule->title); !found.empty()) a.title = text_of(found.front());
  }
  if (a.title.empty()) a.title = std::string(meta_content(root, {"og:title", "twitter:title"}));
  if (a.title.empty()) a.title = json_ld(root, "headline").value_or("");
  if (a.title.empty()) {
    if (const auto* h1 = first_tag(root, GUMBO_TAG_H1)) a.title = text_of(h1);
  }
  if (a.title.empty()) {
    if (const auto* t = first_tag(root, GUMBO_TAG_TITLE)) a.title = text_of(t);
  }

  if (rule != nullptr && rule->time) {
    for (const auto* n : select_all(root, *rule->time)) {
      if ((a.published_ts = time_of(n))) break;
    }
  }
  if (!a.published_ts) a.published_ts = parse_time(meta_content(root, {"article:published_time", "pubdate", "date"}));
  if (!a.published_ts) {
    if (const auto ld = json_ld(root, "datePublished")) a.published_ts = parse_time(*ld);
  }
  if (!a.published_ts) {
    walk(root, [&](const GumboNode* n) {
      if (a.published_ts) return false;
      if (tag_of(n) == GUMBO_TAG_TIME) a.published_ts = parse_time(attr(n, "datetime"));
      return true;
    });
  }

  std::vector<std::string> parts;
  if (rule != nullptr && rule->text) {
    for (const auto* n : select_all(root, *rule->text)) {
      if (auto t = text_of(n); !t.empty()) parts.push_back(std::move(t));
    }
  }
  if (parts.empty()) {
    if (const auto* article = first_tag(root, GUMBO_TAG_ARTICLE)) parts = paragraphs(article);
  }
  if (parts.empty()) {
    if (const auto* dense = densest_container(root)) parts = paragraphs(dense);
  }
  a.text = join_lines(parts);
  if (a.title.empty() && a.text.empty()) return fail(Errc::kInvalidInput, "html: no title and no article text");
  return a;
}

}  // namespace st::ingest::scraper
