#pragma once
// Who follows what on /ws: symbol -> connections and connection -> symbols,
// kept consistent. Pure and not thread-safe (WsHub guards it).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace st::api {

using ConnId = std::uint64_t;

class SubscriptionIndex {
 public:
  /// Adds the symbols `conn` does not follow yet. Refuses (adding nothing)
  /// when it would follow more than `max` symbols; true otherwise.
  bool subscribe(ConnId conn, const std::vector<std::string>& symbols, std::size_t max);
  void unsubscribe(ConnId conn, const std::vector<std::string>& symbols);
  /// Forgets `conn` entirely (it closed).
  void remove(ConnId conn);

  /// The connections following `symbol` (empty when none).
  [[nodiscard]] const std::vector<ConnId>& subscribers(const std::string& symbol) const;
  /// The symbols `conn` follows, in the order subscribed.
  [[nodiscard]] const std::vector<std::string>& symbols_of(ConnId conn) const;
  /// Symbols with at least one subscriber.
  [[nodiscard]] std::size_t symbol_count() const { return by_symbol_.size(); }

 private:
  void drop(ConnId conn, const std::string& symbol);
  // Vectors, not sets: a symbol has few subscribers per entry to scan on
  // unsubscribe, and iteration on every tick must be cheap.
  std::unordered_map<std::string, std::vector<ConnId>> by_symbol_;
  std::unordered_map<ConnId, std::vector<std::string>> by_conn_;
};

}  // namespace st::api
