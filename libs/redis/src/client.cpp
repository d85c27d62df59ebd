#include "stocktracker/redis/client.hpp"

#include <hiredis/hiredis.h>

namespace st::redis {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

redisContext* raw(void* p) { return static_cast<redisContext*>(p); }

Error io_error(redisContext* c, std::string_view what) {
  return Error{Errc::kUnavailable, std::string("redis ") + std::string(what) + ": " + (c->errstr[0] ? c->errstr : "I/O error")};
}

/// The reply of a command answering a string or nil (GET, GETDEL).
Result<std::optional<std::string>> string_or_nil(redisContext* c, void* reply, const char* what) {
  Reply r(static_cast<redisReply*>(reply));
  if (!r) return std::unexpected(io_error(c, what));
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>{};
  if (r->type != REDIS_REPLY_STRING) return fail(Errc::kInternal, std::string("redis ") + what + ": unexpected reply");
  return std::optional<std::string>(std::string(r->str, r->len));
}

/// The reply of a command answering an integer (DEL, EXISTS).
Result<std::int64_t> integer(redisContext* c, void* reply, const char* what) {
  Reply r(static_cast<redisReply*>(reply));
  if (!r) return std::unexpected(io_error(c, what));
  if (r->type != REDIS_REPLY_INTEGER) return fail(Errc::kInternal, std::string("redis ") + what + ": unexpected reply");
  return static_cast<std::int64_t>(r->integer);
}

}  // namespace

void Client::Deleter::operator()(void* ctx) const { redisFree(static_cast<redisContext*>(ctx)); }

Result<Client> Client::connect(const std::string& host, int port, int db, const std::string& password,
                               std::chrono::milliseconds timeout) {
  const timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  Client c;
  c.ctx_.reset(redisConnectWithTimeout(host.c_str(), port, tv));
  if (!c.ctx_) return fail(Errc::kUnavailable, "redis connect: out of memory");
  if (raw(c.ctx_.get())->err != 0) return std::unexpected(io_error(raw(c.ctx_.get()), "connect"));
  redisSetTimeout(raw(c.ctx_.get()), tv);
  if (!password.empty()) {
    Reply r(static_cast<redisReply*>(redisCommand(raw(c.ctx_.get()), "AUTH %s", password.c_str())));
    if (!r) return std::unexpected(io_error(raw(c.ctx_.get()), "auth"));
    if (r->type == REDIS_REPLY_ERROR) return fail(Errc::kInvalidInput, "redis auth failed");
  }
  if (db != 0) {
    Reply r(static_cast<redisReply*>(redisCommand(raw(c.ctx_.get()), "SELECT %d", db)));
    if (!r || r->type == REDIS_REPLY_ERROR) return fail(Errc::kInvalidInput, "redis select failed");
  }
  return c;
}

Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Status Client::ping() {
  Reply r(static_cast<redisReply*>(redisCommand(raw(ctx_.get()), "PING")));
  if (!r) return std::unexpected(io_error(raw(ctx_.get()), "ping"));
  if (r->type == REDIS_REPLY_ERROR) return fail(Errc::kUnavailable, std::string("redis ping: ") + r->str);
  return {};
}

Result<std::optional<std::string>> Client::get(std::string_view key) {
  auto* c = raw(ctx_.get());
  return string_or_nil(c, redisCommand(c, "GET %b", key.data(), key.size()), "get");
}

Status Client::set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  Reply r(static_cast<redisReply*>(redisCommand(raw(ctx_.get()), "SET %b %b EX %lld", key.data(), key.size(),
                                                value.data(), value.size(),
                                                static_cast<long long>(ttl.count()))));
  if (!r) return std::unexpected(io_error(raw(ctx_.get()), "set"));
  if (r->type == REDIS_REPLY_ERROR) return fail(Errc::kInternal, std::string("redis set: ") + r->str);
  return {};
}

Result<std::optional<std::string>> Client::getdel(std::string_view key) {
  auto* c = raw(ctx_.get());
  return string_or_nil(c, redisCommand(c, "GETDEL %b", key.data(), key.size()), "getdel");
}

Result<std::int64_t> Client::del(std::string_view key) {
  auto* c = raw(ctx_.get());
  return integer(c, redisCommand(c, "DEL %b", key.data(), key.size()), "del");
}

Result<bool> Client::exists(std::string_view key) {
  auto* c = raw(ctx_.get());
  auto n = integer(c, redisCommand(c, "EXISTS %b", key.data(), key.size()), "exists");
  if (!n) return std::unexpected(n.error());
  return *n > 0;
}

Result<Client::Counter> Client::incr_with_expire(std::string_view key, std::chrono::seconds window) {
  auto* c = raw(ctx_.get());
  const auto seconds = static_cast<long long>(window.count());
  // Pipelined: three commands, one round trip.
  if (redisAppendCommand(c, "INCR %b", key.data(), key.size()) != REDIS_OK ||
      redisAppendCommand(c, "EXPIRE %b %lld NX", key.data(), key.size(), seconds) != REDIS_OK ||
      redisAppendCommand(c, "TTL %b", key.data(), key.size()) != REDIS_OK) {
    return std::unexpected(io_error(c, "incr"));
  }
  Reply replies[3];
  for (auto& reply : replies) {
    void* out = nullptr;
    if (redisGetReply(c, &out) != REDIS_OK) return std::unexpected(io_error(c, "incr"));
    reply.reset(static_cast<redisReply*>(out));
  }
  for (const auto& reply : replies) {
    if (reply->type == REDIS_REPLY_ERROR) return fail(Errc::kInternal, std::string("redis incr: ") + reply->str);
    if (reply->type != REDIS_REPLY_INTEGER) return fail(Errc::kInternal, "redis incr: unexpected reply");
  }
  Counter counter;
  counter.count = static_cast<std::int64_t>(replies[0]->integer);
  // TTL is -1 only if the key lost its expiry in between; report the window.
  counter.ttl = std::chrono::seconds(replies[2]->integer > 0 ? replies[2]->integer : seconds);
  return counter;
}

Status Client::replace_hash(std::string_view key, const Fields& fields, std::chrono::seconds ttl) {
  auto* c = raw(ctx_.get());
  std::vector<const char*> argv{"HSET", key.data()};
  std::vector<std::size_t> lens{4, key.size()};
  for (const auto& [field, value] : fields) {
    argv.insert(argv.end(), {field.data(), value.data()});
    lens.insert(lens.end(), {field.size(), value.size()});
  }
  const auto seconds = static_cast<long long>(ttl.count());
  if (redisAppendCommand(c, "MULTI") != REDIS_OK || redisAppendCommand(c, "DEL %b", key.data(), key.size()) != REDIS_OK ||
      (!fields.empty() && redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) ||
      redisAppendCommand(c, "EXPIRE %b %lld", key.data(), key.size(), seconds) != REDIS_OK ||
      redisAppendCommand(c, "EXEC") != REDIS_OK) {
    return std::unexpected(io_error(c, "replace_hash"));
  }
  const int replies = fields.empty() ? 4 : 5;
  for (int i = 0; i < replies; ++i) {
    void* out = nullptr;
    if (redisGetReply(c, &out) != REDIS_OK) return std::unexpected(io_error(c, "replace_hash"));
    Reply reply(static_cast<redisReply*>(out));
    if (reply->type == REDIS_REPLY_ERROR) return fail(Errc::kInternal, std::string("redis replace_hash: ") + reply->str);
    if (i == replies - 1 && reply->type != REDIS_REPLY_ARRAY) {
      return fail(Errc::kInternal, "redis replace_hash: the transaction was aborted");
    }
  }
  return {};
}

Result<Client::Fields> Client::hgetall(std::string_view key) {
  auto* c = raw(ctx_.get());
  Reply r(static_cast<redisReply*>(redisCommand(c, "HGETALL %b", key.data(), key.size())));
  if (!r) return std::unexpected(io_error(c, "hgetall"));
  // A flat array: field, value, field, value, ...
  if (r->type != REDIS_REPLY_ARRAY) return fail(Errc::kInternal, "redis hgetall: unexpected reply");
  Fields fields;
  for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
    const redisReply* k = r->element[i];
    const redisReply* v = r->element[i + 1];
    if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) continue;
    fields.emplace_back(std::string(k->str, k->len), std::string(v->str, v->len));
  }
  return fields;
}

Result<std::vector<std::string>> Client::scan(std::string_view pattern) {
  auto* c = raw(ctx_.get());
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    Reply r(static_cast<redisReply*>(
        redisCommand(c, "SCAN %b MATCH %b COUNT 100", cursor.data(), cursor.size(), pattern.data(), pattern.size())));
    if (!r) return std::unexpected(io_error(c, "scan"));
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING ||
        r->element[1]->type != REDIS_REPLY_ARRAY) {
      return fail(Errc::kInternal, "redis scan: unexpected reply");
    }
    cursor.assign(r->element[0]->str, r->element[0]->len);
    const redisReply* batch = r->element[1];
    for (std::size_t i = 0; i < batch->elements; ++i) {
      if (batch->element[i]->type == REDIS_REPLY_STRING) keys.emplace_back(batch->element[i]->str, batch->element[i]->len);
    }
  } while (cursor != "0");
  return keys;
}

bool Client::ok() const { return ctx_ && raw(ctx_.get())->err == 0; }

}  // namespace st::redis
