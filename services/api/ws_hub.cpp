#include "ws_hub.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_set>

#include "stocktracker/base/log.hpp"

namespace st::api {
namespace {

// The connections publish_symbol_deferred queued to on this thread and that
// wait for a kick; per thread, since each Kafka feed thread batches its own.
thread_local std::vector<std::shared_ptr<http::WsConnection>> t_deferred;
thread_local std::size_t t_deferred_frames = 0;
// A batch this large starts its writes before it ends, so the first
// messages of a big batch do not wait for the last.
constexpr std::size_t kMaxDeferredFrames = 4096;

}  // namespace

WsHub::~WsHub() { clear(); }

void WsHub::clear() {
  std::unique_lock lock(mutex_);
  connections_.clear();
  free_slots_.clear();
  size_ = 0;
  by_user_.clear();
  index_ = {};
}

const WsHub::Entry* WsHub::find(ConnId id) const {
  const auto slot = static_cast<std::size_t>(id & 0xFFFF'FFFFU);
  if (slot >= connections_.size()) return nullptr;
  const Entry& e = connections_[slot];
  return e.connection && e.generation == static_cast<std::uint32_t>(id >> 32) ? &e : nullptr;
}

ConnId WsHub::attach(std::shared_ptr<http::WsConnection> connection, WsClient client) {
  std::unique_lock lock(mutex_);
  std::uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(connections_.size());
    connections_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Entry& e = connections_[slot];
  if (++e.generation == 0) e.generation = 1;
  e.connection = std::move(connection);
  e.client = std::move(client);
  ++size_;
  const ConnId id = (static_cast<ConnId>(e.generation) << 32) | slot;
  by_user_[e.client.user].push_back(id);
  return id;
}

void WsHub::detach(ConnId id) {
  std::unique_lock lock(mutex_);
  const Entry* found = find(id);
  if (found == nullptr) return;
  Entry& e = connections_[static_cast<std::size_t>(id & 0xFFFF'FFFFU)];
  if (auto u = by_user_.find(e.client.user); u != by_user_.end()) {
    std::erase(u->second, id);
    if (u->second.empty()) by_user_.erase(u);
  }
  index_.remove(id);
  e.connection.reset();
  e.client = {};
  free_slots_.push_back(static_cast<std::uint32_t>(id & 0xFFFF'FFFFU));
  --size_;
}

std::optional<std::vector<std::string>> WsHub::subscribe(ConnId id, const std::vector<std::string>& symbols) {
  std::unique_lock lock(mutex_);
  if (find(id) == nullptr) return std::vector<std::string>{};
  if (!index_.subscribe(id, symbols, max_symbols_)) return std::nullopt;
  return index_.symbols_of(id);
}

std::vector<std::string> WsHub::unsubscribe(ConnId id, const std::vector<std::string>& symbols) {
  std::unique_lock lock(mutex_);
  index_.unsubscribe(id, symbols);
  return index_.symbols_of(id);
}

void WsHub::publish_symbol(const std::string& symbol, const std::string& key,
                           const std::function<std::string()>& make) {
  publish_symbol_deferred(symbol, key, make);
  flush_deferred();
}

void WsHub::publish_symbol_deferred(const std::string& symbol, const std::string& key,
                                    const std::function<std::string()>& make) {
  {
    std::shared_lock lock(mutex_);
    const auto& ids = index_.subscribers(symbol);
    if (ids.empty()) return;
    const http::Payload frame = std::make_shared<const std::string>(make());
    for (const ConnId id : ids) {
      const Entry* e = find(id);
      if (e == nullptr) continue;
      if (e->connection->queue(frame, key)) t_deferred.push_back(e->connection);
    }
    t_deferred_frames += ids.size();
  }
  if (t_deferred_frames >= kMaxDeferredFrames) flush_deferred();
}

void WsHub::flush_deferred() {
  // One hand-off to the server's threads for the whole batch rather than
  // one per connection (see WsConnection::kick_batch).
  if (!t_deferred.empty()) {
    auto first = t_deferred.front();
    first->kick_batch(std::exchange(t_deferred, {}));
  }
  t_deferred_frames = 0;
}

void WsHub::publish_user(UserId user, const std::function<std::string()>& make) {
  std::shared_lock lock(mutex_);
  auto u = by_user_.find(user);
  if (u == by_user_.end()) return;
  const http::Payload frame = std::make_shared<const std::string>(make());
  for (const ConnId id : u->second) {
    if (const Entry* e = find(id)) e->connection->send(frame);
  }
}

void WsHub::sweep(std::int64_t now_s, std::chrono::steady_clock::time_point now,
                  std::chrono::milliseconds stall_limit) {
  std::shared_lock lock(mutex_);
  for (const auto& entry : connections_) {
    if (!entry.connection) continue;
    if (entry.client.expires_at <= now_s) {
      entry.connection->close(http::CloseCode::kUnauthorized, "token expired");
      continue;
    }
    const auto started = entry.connection->write_started();
    if (started != std::chrono::steady_clock::time_point{} && now - started > stall_limit) {
      log::info("websocket client dropped: it stopped reading", {{"user_id", entry.client.user.value()}});
      entry.connection->abort();
    }
  }
}

std::vector<std::string> WsHub::token_ids() const {
  std::shared_lock lock(mutex_);
  std::unordered_set<std::string> seen;
  for (const auto& entry : connections_) {
    if (entry.connection) seen.insert(entry.client.jti);
  }
  return {seen.begin(), seen.end()};
}

void WsHub::revoke(const std::string& jti) {
  std::shared_lock lock(mutex_);
  for (const auto& entry : connections_) {
    if (entry.connection && entry.client.jti == jti) entry.connection->close(http::CloseCode::kUnauthorized, "logged out");
  }
}

std::size_t WsHub::size() const {
  std::shared_lock lock(mutex_);
  return size_;
}

}  // namespace st::api
