#include "poll_scheduler.hpp"

#include <algorithm>
#include <limits>

namespace st::ingest::providers {

void PollScheduler::set_plan(const std::vector<SymbolRefresh>& plan, EpochMs now) {
  std::map<std::string, State> next;
  for (const auto& p : plan) {
    State s;
    if (auto it = states_.find(p.symbol); it != states_.end()) {
      s = it->second;
      s.due = std::min(s.due, now + p.interval_ms);
    } else {
      s.due = now;
    }
    s.interval_ms = p.interval_ms;
    next.emplace(p.symbol, s);
  }
  states_ = std::move(next);
}

std::vector<PollAttempt> PollScheduler::take_due(EpochMs now, std::size_t max) {
  std::vector<std::pair<EpochMs, const std::string*>> due;
  for (const auto& [symbol, s] : states_) {
    if (!s.in_flight && s.due <= now) due.emplace_back(s.due, &symbol);
  }
  std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : *a.second < *b.second;
  });

  std::vector<PollAttempt> attempts;
  for (const auto& [at, symbol] : due) {
    if (attempts.size() >= max) break;
    State& s = states_[*symbol];
    if (const auto provider = chain_.acquire(now, s.tried)) {
      s.in_flight = true;
      attempts.push_back({*symbol, *provider});
    } else if (s.tried == 0) {
      s.due = std::max(now + 1, chain_.available_at(now));  // no provider can take anything yet
    } else {
      give_up(s, now);
    }
  }
  return attempts;
}

void PollScheduler::complete(const PollAttempt& attempt, const FetchResult& result, EpochMs now) {
  chain_.record(attempt.provider, result, now);
  const auto it = states_.find(attempt.symbol);
  if (it == states_.end()) return;  // dropped from the plan meanwhile
  State& s = it->second;
  s.in_flight = false;
  if (result.outcome == Outcome::kOk) {
    s.tried = 0;
    s.only_unknown = true;
    s.due = hours_ ? next_poll_at(now, s.interval_ms, *hours_) : now + s.interval_ms;
    return;
  }
  s.tried |= ProviderMask{1} << attempt.provider;
  if (result.outcome != Outcome::kBadSymbol) s.only_unknown = false;
  if ((s.tried & chain_.all()) == chain_.all()) {
    give_up(s, now);
  } else {
    s.due = now;  // the next provider, at once
  }
}

void PollScheduler::give_up(State& s, EpochMs now) {
  s.due = s.only_unknown ? now + s.interval_ms : std::max(now + 1, std::min(now + s.interval_ms, chain_.available_at(now)));
  s.tried = 0;
  s.only_unknown = true;
}

EpochMs PollScheduler::next_due(EpochMs now) const {
  EpochMs next = std::numeric_limits<EpochMs>::max();
  for (const auto& [symbol, s] : states_) {
    if (!s.in_flight) next = std::min(next, s.due);
  }
  return std::max(next, now);
}

}  // namespace st::ingest::providers
