#include "subscription_index.hpp"

#include <algorithm>

namespace st::api {
namespace {

const std::vector<ConnId> kNoConnections;
const std::vector<std::string> kNoSymbols;

template <class T>
bool erase_one(std::vector<T>& v, const T& value) {
  auto it = std::find(v.begin(), v.end(), value);
  if (it == v.end()) return false;
  *it = std::move(v.back());  // order among subscribers does not matter
  v.pop_back();
  return true;
}

}  // namespace

bool SubscriptionIndex::subscribe(ConnId conn, const std::vector<std::string>& symbols, std::size_t max) {
  auto& mine = by_conn_[conn];
  std::vector<const std::string*> fresh;
  for (const auto& s : symbols) {
    if (std::find(mine.begin(), mine.end(), s) == mine.end() &&
        std::none_of(fresh.begin(), fresh.end(), [&](const std::string* f) { return *f == s; })) {
      fresh.push_back(&s);
    }
  }
  if (mine.size() + fresh.size() > max) {
    if (mine.empty()) by_conn_.erase(conn);
    return false;
  }
  for (const auto* s : fresh) {
    mine.push_back(*s);
    by_symbol_[*s].push_back(conn);
  }
  if (mine.empty()) by_conn_.erase(conn);
  return true;
}

void SubscriptionIndex::unsubscribe(ConnId conn, const std::vector<std::string>& symbols) {
  auto it = by_conn_.find(conn);
  if (it == by_conn_.end()) return;
  for (const auto& s : symbols) {
    auto pos = std::find(it->second.begin(), it->second.end(), s);
    if (pos == it->second.end()) continue;
    it->second.erase(pos);  // keeps the subscription order the client sees
    drop(conn, s);
  }
  if (it->second.empty()) by_conn_.erase(it);
}

void SubscriptionIndex::remove(ConnId conn) {
  auto it = by_conn_.find(conn);
  if (it == by_conn_.end()) return;
  for (const auto& s : it->second) drop(conn, s);
  by_conn_.erase(it);
}

void SubscriptionIndex::drop(ConnId conn, const std::string& symbol) {
  auto it = by_symbol_.find(symbol);
  if (it == by_symbol_.end()) return;
  erase_one(it->second, conn);
  if (it->second.empty()) by_symbol_.erase(it);
}

const std::vector<ConnId>& SubscriptionIndex::subscribers(const std::string& symbol) const {
  auto it = by_symbol_.find(symbol);
  return it == by_symbol_.end() ? kNoConnections : it->second;
}

const std::vector<std::string>& SubscriptionIndex::symbols_of(ConnId conn) const {
  auto it = by_conn_.find(conn);
  return it == by_conn_.end() ? kNoSymbols : it->second;
}

}  // namespace st::api
