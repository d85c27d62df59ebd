#include "stocktracker/model/codec.hpp"

#include <charconv>
#include <cmath>

#include "json_reader.hpp"
#include "stocktracker/base/json_escape.hpp"

namespace st::model {
namespace {

constexpr std::int64_t kMaxEpochMs = 32503680000000;  // year 3000
constexpr std::int64_t kMaxVolume = 1'000'000'000'000;

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_double(std::string& out, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_key(std::string& out, std::string_view key) {
  out.push_back(',');
  out.push_back('"');
  out.append(key);
  out += "\":";
}

bool is_hex_id(std::string_view s) {
  if (s.size() < 16 || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_indicator_name(std::string_view s) {
  if (s.size() < 2 || s.size() > 64 || s[0] < 'A' || s[0] > 'Z') return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::uint64_t fnv1a64(std::string_view s, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

Result<PriceTick> decode_tick(std::string_view json) {
  auto obj = detail::parse_object(json);
  if (!obj) return std::unexpected(obj.error());
  detail::ObjectReader r(*obj);
  PriceTick t;
  r.version();
  r.symbol("symbol", t.symbol);
  r.number("price", t.price);
  r.integer("volume", t.volume, 0, kMaxVolume);
  r.integer("ts", t.ts, 1, kMaxEpochMs);
  r.string("source", t.source, 1, 32);
  r.string("currency", t.currency, 3, 3);
  if (auto st = r.finish(); !st) return std::unexpected(st.error());
  if (!(t.price > 0)) return fail(Errc::kInvalidInput, "schema: price: must be greater than 0");
  for (char c : t.currency) {
    if (c < 'A' || c > 'Z') return fail(Errc::kInvalidInput, "schema: currency: must be an ISO 4217 code like USD");
  }
  return t;
}

void encode_to(std::string& out, const PriceTick& t) {
  out += "{\"v\":1,\"symbol\":";
  append_json_string(out, t.symbol);
  append_key(out, "price");
  append_double(out, t.price);
  append_key(out, "volume");
  append_int(out, t.volume);
  append_key(out, "ts");
  append_int(out, t.ts);
  append_key(out, "source");
  append_json_string(out, t.source);
  append_key(out, "currency");
  append_json_string(out, t.currency);
  out.push_back('}');
}

std::string encode(const PriceTick& tick) {
  std::string out;
  out.reserve(128);
  encode_to(out, tick);
  return out;
}

Result<NewsArticle> decode_news(std::string_view json) {
  auto obj = detail::parse_object(json);
  if (!obj) return std::unexpected(obj.error());
  detail::ObjectReader r(*obj);
  NewsArticle a;
  r.version();
  r.string("id", a.id, 16, 64);
  r.string("url", a.url, 8, 2048);
  r.string("title", a.title, 1, 1000);
  r.string("summary", a.summary, 0, 20000);
  r.string("source", a.source, 1, 64);
  r.integer("published_ts", a.published_ts, 1, kMaxEpochMs);
  r.symbols("symbols", a.symbols, 50);
  if (auto st = r.finish(); !st) return std::unexpected(st.error());
  if (!is_hex_id(a.id)) return fail(Errc::kInvalidInput, "schema: id: must be 16 to 64 lowercase hex characters");
  if (!a.url.starts_with("http://") && !a.url.starts_with("https://")) {
    return fail(Errc::kInvalidInput, "schema: url: must be an http:// or https:// URL");
  }
  return a;
}

std::string encode(const NewsArticle& a) {
  std::string out = "{\"v\":1,\"id\":";
  append_json_string(out, a.id);
  append_key(out, "url");
  append_json_string(out, a.url);
  append_key(out, "title");
  append_json_string(out, a.title);
  append_key(out, "summary");
  append_json_string(out, a.summary);
  append_key(out, "source");
  append_json_string(out, a.source);
  append_key(out, "published_ts");
  append_int(out, a.published_ts);
  append_key(out, "symbols");
  out.push_back('[');
  for (std::size_t i = 0; i < a.symbols.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, a.symbols[i]);
  }
  out += "]}";
  return out;
}

Result<EconomicIndicator> decode_indicator(std::string_view json) {
  auto obj = detail::parse_object(json);
  if (!obj) return std::unexpected(obj.error());
  detail::ObjectReader r(*obj);
  EconomicIndicator e;
  r.version();
  r.string("id", e.id, 3, 128);
  r.string("indicator", e.indicator, 2, 64);
  r.string("period", e.period, 10, 10);
  r.number("value", e.value);
  r.string("unit", e.unit, 0, 32);
  r.string("source", e.source, 1, 32);
  r.integer("released_ts", e.released_ts, 1, kMaxEpochMs);
  if (auto st = r.finish(); !st) return std::unexpected(st.error());
  if (!is_indicator_name(e.indicator)) return fail(Errc::kInvalidInput, "schema: indicator: must match [A-Z][A-Z0-9_]+");
  if (!is_iso_date(e.period)) return fail(Errc::kInvalidInput, "schema: period: must be a date YYYY-MM-DD");
  return e;
}

std::string encode(const EconomicIndicator& e) {
  std::string out = "{\"v\":1,\"id\":";
  append_json_string(out, e.id);
  append_key(out, "indicator");
  append_json_string(out, e.indicator);
  append_key(out, "period");
  append_json_string(out, e.period);
  append_key(out, "value");
  append_double(out, e.value);
  append_key(out, "unit");
  append_json_string(out, e.unit);
  append_key(out, "source");
  append_json_string(out, e.source);
  append_key(out, "released_ts");
  append_int(out, e.released_ts);
  out.push_back('}');
  return out;
}

std::string article_id_for_url(std::string_view url) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint64_t parts[2] = {fnv1a64(url, 0xcbf29ce484222325ULL), fnv1a64(url, 0x84222325cbf29ce4ULL)};
  std::string out;
  out.reserve(32);
  for (std::uint64_t p : parts) {
    for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(p >> shift) & 0xF]);
  }
  return out;
}

}  // namespace st::model
