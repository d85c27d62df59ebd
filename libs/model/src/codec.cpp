#include "stocktracker/model/codec.hpp"

#include <algorithm>
#include <limits>

#include "json_reader.hpp"
#include "json_writer.hpp"
#include "tick_decoder.hpp"
#include "stocktracker/model/market_time.hpp"

namespace st::model {
namespace {

using detail::ObjectReader;
using detail::ObjectWriter;

using detail::kMaxVolume;
/// The largest integer every JSON reader holds exactly: 2^53 - 1.
constexpr std::int64_t kMaxSafeInteger = 9'007'199'254'740'991;

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

void read_tick(ObjectReader& r, PriceTick& t) {
  r.symbol("symbol", t.symbol);
  r.number("price", t.price, detail::kPriceBounds);
  r.integer("volume", t.volume, 0, kMaxVolume);
  r.timestamp("ts", t.ts);
  r.string("source", t.source, 1, 32);
  r.string("currency", t.currency, 3, 3);
  if (!std::all_of(t.currency.begin(), t.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    r.reject("currency", "must be an ISO 4217 code like USD");
  }
}

void write_tick(ObjectWriter& w, const PriceTick& t) {
  w.field("symbol", t.symbol);
  w.field("price", t.price);
  w.field("volume", t.volume);
  w.field("ts", t.ts);
  w.field("source", t.source);
  w.field("currency", t.currency);
}

// The fields of news-articles, which news-scored repeats.
void read_article(ObjectReader& r, NewsArticle& a) {
  r.string("id", a.id, 16, 64);
  r.string("url", a.url, 0, 2048);
  r.string("title", a.title, 1, 1000);
  r.string("summary", a.summary, 0, 20000);
  r.string("source", a.source, 1, 128);
  r.timestamp("published_ts", a.published_ts);
  r.symbols("symbols", a.symbols, 50);
  if (!is_hex_id(a.id)) r.reject("id", "must be 16 to 64 lowercase hex characters");
  if (!a.url.starts_with("http://") && !a.url.starts_with("https://")) {
    r.reject("url", "must be an http:// or https:// URL");
  }
}

void write_article(ObjectWriter& w, const NewsArticle& a) {
  w.field("id", a.id);
  w.field("url", a.url);
  w.field("title", a.title);
  w.field("summary", a.summary);
  w.field("source", a.source);
  w.field("published_ts", a.published_ts);
  w.field("symbols", a.symbols);
}

void read_scored_article(ObjectReader& r, ScoredArticle& s) {
  read_article(r, s.article);
  r.number("sentiment", s.sentiment, detail::kSentimentBounds);
  r.enumeration("label", s.label);
}

void write_scored_article(ObjectWriter& w, const ScoredArticle& s) {
  write_article(w, s.article);
  w.field("sentiment", s.sentiment);
  w.field("label", s.label);
}

void read_indicator(ObjectReader& r, EconomicIndicator& e) {
  r.string("id", e.id, 3, 128);
  r.string("indicator", e.indicator, 2, 64);
  r.string("period", e.period, 10, 10);
  r.number("value", e.value);
  r.string("unit", e.unit, 0, 32);
  r.string("source", e.source, 1, 32);
  r.timestamp("released_ts", e.released_ts);
  if (!is_indicator_name(e.indicator)) r.reject("indicator", "must match [A-Z][A-Z0-9_]+");
  if (!is_iso_date(e.period)) r.reject("period", "must be a date YYYY-MM-DD");
}

void write_indicator(ObjectWriter& w, const EconomicIndicator& e) {
  w.field("id", e.id);
  w.field("indicator", e.indicator);
  w.field("period", e.period);
  w.field("value", e.value);
  w.field("unit", e.unit);
  w.field("source", e.source);
  w.field("released_ts", e.released_ts);
}

void read_candle_fields(ObjectReader& r, Candle& c) {
  r.symbol("symbol", c.symbol);
  r.timestamp("start_ts", c.start_ts);
  r.timestamp("end_ts", c.end_ts);
  r.number("open", c.open, detail::kPriceBounds);
  r.number("high", c.high, detail::kPriceBounds);
  r.number("low", c.low, detail::kPriceBounds);
  r.number("close", c.close, detail::kPriceBounds);
  r.integer("volume", c.volume, 0, kMaxSafeInteger);
  r.number("vwap", c.vwap, detail::kPriceBounds);
  r.integer("ticks", c.ticks, 1, std::numeric_limits<std::int64_t>::max());
  r.boolean("final", c.final);
  // The schema's "null when volume is 0": VWAP is defined exactly when volume is.
  if (c.volume == 0 && c.vwap) r.reject("vwap", "must be null when volume is 0");
  if (c.volume > 0 && !c.vwap) r.reject("vwap", "must be a number when volume is above 0");
}

void read_candle(ObjectReader& r, Candle& c) {
  read_candle_fields(r, c);
  if (c.start_ts % kCandleWindowMs != 0) r.reject("start_ts", "must be a multiple of 300000");
  if (c.end_ts % kCandleWindowMs != 0) r.reject("end_ts", "must be a multiple of 300000");
  if (c.end_ts != c.start_ts + kCandleWindowMs) r.reject("end_ts", "must be start_ts + 300000");
}

void read_hour_candle(ObjectReader& r, Candle& c) {
  read_candle_fields(r, c);
  if (c.start_ts % kCandleHourMs != 0) r.reject("start_ts", "must be a multiple of 3600000");
  if (c.end_ts != c.start_ts + kCandleHourMs) r.reject("end_ts", "must be start_ts + 3600000");
}

void read_day_candle(ObjectReader& r, Candle& c) {
  read_candle_fields(r, c);
  if (new_york_ms_of_day(c.start_ts) != 0) r.reject("start_ts", "must be a New York midnight");
  if (new_york_ms_of_day(c.end_ts) != 0 || new_york_day(c.end_ts) != new_york_day(c.start_ts) + 1) {
    r.reject("end_ts", "must be the New York midnight after start_ts");
  }
}

void write_candle(ObjectWriter& w, const Candle& c) {
  w.field("symbol", c.symbol);
  w.field("start_ts", c.start_ts);
  w.field("end_ts", c.end_ts);
  w.field("open", c.open);
  w.field("high", c.high);
  w.field("low", c.low);
  w.field("close", c.close);
  w.field("volume", c.volume);
  w.field("vwap", c.vwap);
  w.field("ticks", c.ticks);
  w.field("final", c.final);
}

}  // namespace

Result<PriceTick> detail::decode_tick_fully(std::string_view json) {
  return detail::decode_message<PriceTick>(json, read_tick);
}

Result<PriceTick> decode_tick(std::string_view json) {
  if (auto tick = detail::decode_plain_tick(json)) return std::move(*tick);
  return detail::decode_tick_fully(json);
}

void encode_to(std::string& out, const PriceTick& tick) { detail::append_message(out, tick, write_tick); }

std::string encode(const PriceTick& tick) { return detail::encode_message(tick, write_tick); }

Result<NewsArticle> decode_news(std::string_view json) {
  return detail::decode_message<NewsArticle>(json, read_article);
}

std::string encode(const NewsArticle& article) { return detail::encode_message(article, write_article); }

Result<ScoredArticle> decode_scored_news(std::string_view json) {
  return detail::decode_message<ScoredArticle>(json, read_scored_article);
}

std::string encode(const ScoredArticle& article) { return detail::encode_message(article, write_scored_article); }

Result<EconomicIndicator> decode_indicator(std::string_view json) {
  return detail::decode_message<EconomicIndicator>(json, read_indicator);
}

std::string encode(const EconomicIndicator& indicator) { return detail::encode_message(indicator, write_indicator); }

Result<Candle> decode_candle(std::string_view json) { return detail::decode_message<Candle>(json, read_candle); }

Result<Candle> decode_hour_candle(std::string_view json) {
  return detail::decode_message<Candle>(json, read_hour_candle);
}

Result<Candle> decode_day_candle(std::string_view json) {
  return detail::decode_message<Candle>(json, read_day_candle);
}

std::string encode(const Candle& candle) { return detail::encode_message(candle, write_candle); }

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
