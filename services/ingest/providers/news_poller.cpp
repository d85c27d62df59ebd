#include "news_poller.hpp"

#include <algorithm>

namespace st::ingest::providers {
namespace {

constexpr EpochMs kOverlapMs = 3'600'000;  // articles are indexed a little after their publication time
constexpr int kAlphaVantageLimit = 50;     // articles per NEWS_SENTIMENT answer

std::vector<ProviderGate> news_gates(const NewsPollerOptions& o, std::uint64_t seed, EpochMs now) {
  std::vector<ProviderGate> gates;
  if (o.api_key.empty()) return gates;  // Alpha Vantage only stands in: its quota is the quotes'
  gates.emplace_back(ProviderId::kNewsApi, GateOptions{.limits = o.limits}, seed, now);
  if (!o.alpha_vantage_api_key.empty()) {
    gates.emplace_back(ProviderId::kAlphaVantage, GateOptions{.limits = o.alpha_vantage_limits}, seed + 1, now);
  }
  return gates;
}

}  // namespace

NewsPoller::NewsPoller(NewsPollerOptions options, std::uint64_t seed, EpochMs now)
    : options_(std::move(options)), chain_(news_gates(options_, seed, now)), due_(now), seen_(options_.remember) {}

void NewsPoller::set_companies(const std::vector<CompanyName>& companies) {
  companies_ = companies;
  matcher_ = SymbolMatcher(companies_);
  query_ = news_api::query_for(companies_);
}

void NewsPoller::remember(const std::string& id) { seen_.insert(id); }

EpochMs NewsPoller::interval_ms() const {
  // The pace is the first provider's: the secondary only stands in for it.
  const double per_day = chain_.size() > 0 ? chain_.gate(0).per_day() * options_.budget_share : 0;
  const EpochMs by_quota = per_day > 0 ? static_cast<EpochMs>(86'400'000.0 / per_day) : 86'400'000;
  return std::max(options_.min_interval_ms, by_quota);
}

std::optional<httpclient::Request> NewsPoller::take_due(EpochMs now) {
  if (in_flight_ || now < due_ || !enabled()) return std::nullopt;
  const auto provider = chain_.acquire(now, tried_);
  if (!provider) {
    if ((tried_ & chain_.all()) == chain_.all()) {
      tried_ = 0;  // every provider failed this turn: the next turn
      due_ = now + interval_ms();
    } else {
      due_ = std::max(now + 1, chain_.available_at(now, tried_));
    }
    return std::nullopt;
  }
  in_flight_ = true;
  in_flight_provider_ = *provider;
  in_flight_everything_ = false;
  if (chain_.gate(*provider).provider() == ProviderId::kAlphaVantage) {
    std::string ticker;
    if (!companies_.empty()) ticker = companies_[next_company_ % companies_.size()].symbol;
    return alpha_vantage::news_request(options_.alpha_vantage_base_url, options_.alpha_vantage_api_key, ticker,
                                       std::nullopt, kAlphaVantageLimit);
  }
  // Without companies there is nothing to search for: headlines only.
  in_flight_everything_ = everything_next_ && !query_.empty();
  if (in_flight_everything_) {
    std::optional<EpochMs> from;
    if (newest_seen_) from = *newest_seen_ - kOverlapMs;
    return news_api::everything_request(options_.base_url, options_.api_key, query_, from);
  }
  return news_api::top_headlines_request(options_.base_url, options_.api_key, "business", "us");
}

FetchResult NewsPoller::complete(const Result<httpclient::Response>& answer, EpochMs now) {
  in_flight_ = false;
  const ProviderId provider = chain_.gate(in_flight_provider_).provider();
  FetchResult result;
  if (!answer) {
    result = transport_failure(provider, answer.error());
  } else if (provider == ProviderId::kAlphaVantage) {
    result = alpha_vantage::read_news(*answer, matcher_, now);
  } else {
    result = news_api::read_articles(*answer, matcher_, now);
  }
  chain_.record(in_flight_provider_, result, now);
  if (result.outcome != Outcome::kOk) {
    // The next provider now; when none is left, take_due waits for the gates.
    tried_ |= ProviderMask{1} << in_flight_provider_;
    due_ = std::max(now, chain_.available_at(now, tried_));
    if ((tried_ & chain_.all()) == chain_.all()) {
      tried_ = 0;
      due_ = std::max(now + interval_ms(), chain_.available_at(now));
    }
    return result;
  }
  tried_ = 0;
  due_ = std::max(now + interval_ms(), chain_.available_at(now));

  if (provider == ProviderId::kAlphaVantage) {
    ++next_company_;
  } else {
    everything_next_ = !in_flight_everything_;
  }
  if (in_flight_everything_) {
    for (const auto& article : result.articles) newest_seen_ = std::max(newest_seen_.value_or(0), article.published_ts);
  }
  duplicates_ += seen_.keep_first_seen(result.articles);
  return result;
}

EpochMs NewsPoller::next_due(EpochMs now) const { return in_flight_ ? now + 1'000 : std::max(now, due_); }

std::vector<ProviderHealth> NewsPoller::health_all(EpochMs now) const {
  std::vector<ProviderHealth> out;
  for (std::size_t i = 0; i < chain_.size(); ++i) out.push_back(chain_.gate(i).health(now));
  return out;
}

}  // namespace st::ingest::providers
