#pragma once
// The live /ws connections of this api process and what each follows: the
// Kafka fan-out publishes here (by symbol or by user), the connections'
// handlers subscribe here, and a sweeper closes connections whose token
// expired or was revoked and those whose peer stopped reading. A frame is
// serialized once, only when someone follows it, and the same immutable
// Payload is queued on every connection. Thread-safe: one shared_mutex;
// publishing takes it shared, so the feed threads run in parallel.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "stocktracker/base/strong_id.hpp"
#include "stocktracker/http/websocket.hpp"
#include "subscription_index.hpp"

namespace st::api {

struct WsClient {
  UserId user;
  std::string jti;              // of the access token that opened it (revocation)
  std::int64_t expires_at = 0;  // the token's exp, seconds since the epoch
};

class WsHub {
 public:
  explicit WsHub(std::size_t max_symbols_per_connection) : max_symbols_(max_symbols_per_connection) {}
  ~WsHub();
  WsHub(const WsHub&) = delete;
  WsHub& operator=(const WsHub&) = delete;

  ConnId attach(std::shared_ptr<http::WsConnection> connection, WsClient client);
  void detach(ConnId id);

  /// The connection's symbols after adding `symbols`; nullopt (nothing
  /// added) when that would pass the per-connection maximum.
  std::optional<std::vector<std::string>> subscribe(ConnId id, const std::vector<std::string>& symbols);
  std::vector<std::string> unsubscribe(ConnId id, const std::vector<std::string>& symbols);

  /// Sends `make()` to every connection following `symbol`, conflated
  /// under `key`; `make` is not called when nobody follows it. (Also starts
  /// the writes deferred on this thread before.)
  void publish_symbol(const std::string& symbol, const std::string& key, const std::function<std::string()>& make);
  /// publish_symbol for a batch: the frames are queued, and the connections
  /// start writing at the next flush_deferred() on this thread, so a
  /// connection that several of the batch's messages go to writes them in
  /// one go (one syscall rather than one per message).
  void publish_symbol_deferred(const std::string& symbol, const std::string& key,
                               const std::function<std::string()>& make);
  /// Starts the writes publish_symbol_deferred queued on this thread.
  static void flush_deferred();
  /// Sends `make()` to every connection of `user` (never conflated).
  void publish_user(UserId user, const std::function<std::string()>& make);

  /// Closes (4401) connections whose token expired by `now_s`, and drops
  /// those with a write in flight since before `now - stall_limit`.
  void sweep(std::int64_t now_s, std::chrono::steady_clock::time_point now, std::chrono::milliseconds stall_limit);
  /// The distinct token ids of the open connections (to ask Redis which
  /// were revoked).
  [[nodiscard]] std::vector<std::string> token_ids() const;
  /// Closes (4401) every connection opened with token `jti`.
  void revoke(const std::string& jti);

  [[nodiscard]] std::size_t size() const;
  /// Lets go of every connection: call after the server stopped and before
  /// it is destroyed, so no session outlives its io_context.
  void clear();

 private:
  struct Entry {
    std::shared_ptr<http::WsConnection> connection;  // null: a free slot
    WsClient client;
    std::uint32_t generation = 0;
  };
  // A ConnId is its entry's slot (low 32 bits) and the slot's generation
  // (high 32 bits; never 0, so no id is 0): the fan-out reaches a
  // subscriber's connection by index, not by a hash lookup per message, and
  // an id stays invalid once its connection detached, though the slot is
  // reused.
  [[nodiscard]] const Entry* find(ConnId id) const;
  const std::size_t max_symbols_;
  mutable std::shared_mutex mutex_;
  std::vector<Entry> connections_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t size_ = 0;
  std::unordered_map<UserId, std::vector<ConnId>> by_user_;
  SubscriptionIndex index_;
};

}  // namespace st::api
