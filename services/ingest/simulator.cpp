#include "simulator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "stocktracker/base/time_format.hpp"
#include "stocktracker/model/codec.hpp"
#include "stocktracker/model/market_time.hpp"

namespace st::ingest {
namespace {

// Price levels of late 2025 (rounded), yearly volatility and average daily
// volume, close enough to real ones that charts and alerts look familiar.
const std::vector<SymbolProfile> kProfiles = {
    {"AAPL", "Apple", 230.0, 0.25, 55e6},           {"AMGN", "Amgen", 290.0, 0.22, 2.5e6},
    {"AMZN", "Amazon", 220.0, 0.30, 45e6},          {"AXP", "American Express", 300.0, 0.24, 3e6},
    {"BA", "Boeing", 210.0, 0.35, 8e6},             {"CAT", "Caterpillar", 390.0, 0.28, 3e6},
    {"CRM", "Salesforce", 250.0, 0.32, 6e6},        {"CSCO", "Cisco", 65.0, 0.22, 18e6},
    {"CVX", "Chevron", 155.0, 0.24, 7e6},           {"DIS", "Walt Disney", 112.0, 0.27, 9e6},
    {"GS", "Goldman Sachs", 600.0, 0.28, 2.2e6},    {"HD", "Home Depot", 380.0, 0.22, 3.5e6},
    {"HON", "Honeywell", 210.0, 0.20, 3.5e6},       {"IBM", "IBM", 250.0, 0.24, 4.5e6},
    {"JNJ", "Johnson & Johnson", 165.0, 0.16, 7e6}, {"JPM", "JPMorgan Chase", 250.0, 0.22, 9e6},
    {"KO", "Coca-Cola", 68.0, 0.15, 13e6},          {"MCD", "McDonald's", 295.0, 0.17, 3.3e6},
    {"MMM", "3M", 150.0, 0.26, 3.5e6},              {"MRK", "Merck", 85.0, 0.24, 11e6},
    {"MSFT", "Microsoft", 430.0, 0.24, 21e6},       {"NKE", "Nike", 70.0, 0.33, 12e6},
    {"NVDA", "NVIDIA", 140.0, 0.50, 230e6},         {"PG", "Procter & Gamble", 160.0, 0.15, 7e6},
    {"SHW", "Sherwin-Williams", 350.0, 0.23, 1.7e6}, {"TRV", "Travelers", 260.0, 0.20, 1.3e6},
    {"UNH", "UnitedHealth", 330.0, 0.38, 9e6},      {"V", "Visa", 330.0, 0.19, 6.5e6},
    {"VZ", "Verizon", 42.0, 0.18, 18e6},            {"WMT", "Walmart", 95.0, 0.19, 16e6},
    {"GOOGL", "Alphabet", 180.0, 0.30, 28e6},       {"META", "Meta Platforms", 600.0, 0.35, 13e6},
    {"TSLA", "Tesla", 330.0, 0.60, 95e6},           {"NFLX", "Netflix", 1100.0, 0.35, 3.5e6},
    {"AMD", "Advanced Micro Devices", 160.0, 0.50, 45e6}, {"INTC", "Intel", 24.0, 0.45, 60e6},
    {"ORCL", "Oracle", 220.0, 0.38, 10e6},          {"ADBE", "Adobe", 380.0, 0.33, 3.5e6},
    {"PEP", "PepsiCo", 145.0, 0.17, 6.5e6},         {"COST", "Costco", 930.0, 0.20, 2e6},
    {"XOM", "Exxon Mobil", 112.0, 0.23, 15e6},      {"BAC", "Bank of America", 46.0, 0.25, 38e6},
    {"WFC", "Wells Fargo", 75.0, 0.27, 17e6},       {"PFE", "Pfizer", 25.0, 0.23, 38e6},
    {"T", "AT&T", 27.0, 0.20, 33e6},                {"QCOM", "Qualcomm", 160.0, 0.36, 8e6},
    {"AVGO", "Broadcom", 300.0, 0.45, 25e6},        {"SBUX", "Starbucks", 88.0, 0.30, 9e6},
    {"UBER", "Uber Technologies", 90.0, 0.40, 18e6}, {"PYPL", "PayPal", 68.0, 0.35, 12e6},
};

constexpr double kMsPerTradingYear = 252.0 * 6.5 * 3600 * 1000;
// Jumps (news, block trades) arrive as a Poisson process in time, about one
// per symbol every ten trading days, with a 1.5% standard deviation.
constexpr double kMsBetweenJumps = 10.0 * 6.5 * 3600 * 1000;
constexpr double kJumpSigma = 0.015;
constexpr double kTickSize = 0.01;

struct IndicatorSpec {
  std::string_view name;
  std::string_view unit;
  double start;
  double step_sigma;
};
constexpr IndicatorSpec kIndicators[] = {
    {"CPI", "index 1982-1984=100", 315.0, 0.4},
    {"INFLATION", "percent", 2.9, 0.1},
    {"UNEMPLOYMENT", "percent", 4.2, 0.1},
    {"FEDERAL_FUNDS_RATE", "percent", 4.33, 0.05},
    {"TREASURY_YIELD", "percent", 4.25, 0.06},
    {"REAL_GDP", "billions of chained 2017 USD", 23500.0, 60.0},
};

struct Headline {
  const char* text;  // {} is the company name
  int polarity;      // +1, -1, 0
};
constexpr Headline kHeadlines[] = {
    {"{} beats quarterly earnings estimates as revenue jumps", 1},
    {"{} raises full-year guidance on strong demand", 1},
    {"{} shares surge after analyst upgrade to buy", 1},
    {"{} announces record buyback and dividend increase", 1},
    {"{} wins major contract, shares rally", 1},
    {"{} misses earnings expectations, cuts outlook", -1},
    {"{} shares plunge after regulator opens probe", -1},
    {"{} recalls products over safety concerns", -1},
    {"{} downgraded to sell as margins shrink", -1},
    {"{} faces lawsuit over accounting practices", -1},
    {"{} to present at industry conference next week", 0},
    {"{} names new chief financial officer", 0},
    {"{} schedules quarterly earnings call", 0},
    {"{} completes previously announced reorganisation", 0},
};

std::string replace_name(std::string_view tmpl, std::string_view name) {
  std::string out(tmpl);
  if (const auto pos = out.find("{}"); pos != std::string::npos) out.replace(pos, 2, name);
  return out;
}

}  // namespace

const std::vector<SymbolProfile>& known_profiles() { return kProfiles; }

const SymbolProfile* find_profile(std::string_view symbol) {
  for (const auto& p : kProfiles) {
    if (p.symbol == symbol) return &p;
  }
  return nullptr;
}

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  if (spare_) {
    const double v = *spare_;
    spare_.reset();
    return v;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
  return r * std::cos(2.0 * std::numbers::pi * u2);
}

double intraday_volume_factor(EpochMs ts) {
  const EpochMs ms_of_day = model::new_york_ms_of_day(ts);
  constexpr EpochMs kOpen = (9 * 60 + 30) * 60000LL;
  constexpr EpochMs kClose = 16 * 3600000LL;
  if (ms_of_day < kOpen || ms_of_day >= kClose) return 0.15;  // extended hours trade thinly
  const double x = static_cast<double>(ms_of_day - kOpen) / static_cast<double>(kClose - kOpen);
  // U shape: 2.5x at the open and the close, 0.5x at midday.
  const double c = 2.0 * x - 1.0;
  return 0.5 + 2.0 * c * c;
}

MarketSimulator::MarketSimulator(std::uint64_t seed, const std::vector<std::string>& symbols) : rng_(seed) {
  if (symbols.empty()) {
    for (const auto& p : kProfiles) symbols_.emplace_back(p.symbol);
  } else {
    symbols_ = symbols;
  }
  double total = 0;
  for (const auto& s : symbols_) {
    const SymbolProfile* known = find_profile(s);
    SymbolProfile profile = known != nullptr ? *known : SymbolProfile{s, s, 100.0, 0.30, 5e6};
    // Start within ±2% of the reference so two seeds differ from the start.
    const double start = profile.reference_price * (1.0 + 0.02 * (2.0 * rng_.uniform() - 1.0));
    states_.push_back({profile, start, 0});
    total += std::sqrt(profile.avg_daily_volume);  // busy symbols tick more often, sub-linearly
    cumulative_weight_.push_back(total);
  }
  for (const auto& ind : kIndicators) indicator_values_.push_back(ind.start);
}

model::PriceTick MarketSimulator::next_tick(EpochMs ts) {
  const double pick = rng_.uniform() * cumulative_weight_.back();
  const auto index = static_cast<std::size_t>(
      std::upper_bound(cumulative_weight_.begin(), cumulative_weight_.end(), pick) - cumulative_weight_.begin());
  State& s = states_[std::min(index, states_.size() - 1)];

  // Geometric Brownian motion over the time since this symbol's last tick,
  // with a floor so back-to-back ticks still move, plus rare jumps.
  const double dt_ms = s.last_ts == 0 ? 1000.0 : std::max(50.0, static_cast<double>(ts - s.last_ts));
  const double sigma = s.profile.annual_volatility * std::sqrt(dt_ms / kMsPerTradingYear);
  double log_return = -0.5 * sigma * sigma + sigma * rng_.normal();
  if (rng_.uniform() < dt_ms / kMsBetweenJumps) log_return += kJumpSigma * rng_.normal();
  // Mean reversion toward the reference keeps long runs in a familiar range.
  log_return += 1e-5 * std::log(s.profile.reference_price / s.price);
  s.price = std::max(kTickSize, s.price * std::exp(log_return));
  s.last_ts = ts;

  // Volume: round lots mostly, odd lots sometimes, scaled by the time of day.
  const double mean_lots = std::max(1.0, s.profile.avg_daily_volume / 2e6) * intraday_volume_factor(ts);
  const double lots = std::ceil(-std::log(1.0 - rng_.uniform()) * mean_lots);
  std::int64_t volume = static_cast<std::int64_t>(lots) * 100;
  if (rng_.uniform() < 0.2) volume = 1 + static_cast<std::int64_t>(rng_.uniform() * 99);

  model::PriceTick tick;
  tick.symbol = std::string(s.profile.symbol);
  tick.price = std::max(kTickSize, std::round(s.price * 100.0) / 100.0);  // cents
  tick.volume = volume;
  tick.ts = ts;
  tick.source = "simulator";
  tick.currency = "USD";
  return tick;
}

model::NewsArticle MarketSimulator::next_news(EpochMs ts) {
  const auto index = static_cast<std::size_t>(rng_.uniform() * static_cast<double>(states_.size()));
  const State& s = states_[std::min(index, states_.size() - 1)];
  const auto h = static_cast<std::size_t>(rng_.uniform() * std::size(kHeadlines));
  const Headline& headline = kHeadlines[std::min(h, std::size(kHeadlines) - 1)];
  ++news_seq_;
  model::NewsArticle a;
  a.url = "https://news.simulator.invalid/" + std::string(s.profile.symbol) + "/" + std::to_string(ts) + "-" +
          std::to_string(news_seq_);
  a.id = model::article_id_for_url(a.url);
  a.title = replace_name(headline.text, s.profile.name);
  a.summary = a.title + ". Simulated report for testing; not financial news.";
  a.source = "simulator";
  a.published_ts = ts;
  a.symbols = {std::string(s.profile.symbol)};
  return a;
}

model::EconomicIndicator MarketSimulator::next_indicator(EpochMs ts) {
  const std::size_t i = indicator_seq_ % std::size(kIndicators);
  const std::uint64_t round = indicator_seq_ / std::size(kIndicators);
  ++indicator_seq_;
  const IndicatorSpec& spec = kIndicators[i];
  indicator_values_[i] += spec.step_sigma * rng_.normal();
  // Each round of releases is one more month after January 2020.
  const auto year = static_cast<int>(2020 + round / 12);
  const auto month = static_cast<int>(round % 12 + 1);
  char period[16];
  std::snprintf(period, sizeof period, "%04d-%02d-01", year % 10000, month);
  model::EconomicIndicator e;
  e.indicator = std::string(spec.name);
  e.period = period;
  e.id = e.indicator + ":" + e.period;
  e.value = std::round(indicator_values_[i] * 1000.0) / 1000.0;
  e.unit = std::string(spec.unit);
  e.source = "simulator";
  e.released_ts = ts;
  return e;
}

}  // namespace st::ingest
