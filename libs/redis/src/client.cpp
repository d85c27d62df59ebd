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
  Reply r(static_cast<redisReply*>(redisCommand(raw(ctx_.get()), "GET %b", key.data(), key.size())));
  if (!r) return std::unexpected(io_error(raw(ctx_.get()), "get"));
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>{};
  if (r->type != REDIS_REPLY_STRING) return fail(Errc::kInternal, "redis get: unexpected reply");
  return std::optional<std::string>(std::string(r->str, r->len));
}

Status Client::set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  Reply r(static_cast<redisReply*>(redisCommand(raw(ctx_.get()), "SET %b %b EX %lld", key.data(), key.size(),
                                                value.data(), value.size(),
                                                static_cast<long long>(ttl.count()))));
  if (!r) return std::unexpected(io_error(raw(ctx_.get()), "set"));
  if (r->type == REDIS_REPLY_ERROR) return fail(Errc::kInternal, std::string("redis set: ") + r->str);
  return {};
}

}  // namespace st::redis
