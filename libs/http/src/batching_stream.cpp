#include "batching_stream.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace st::http::detail {
namespace {

// Buffers larger than this are given back once written, so an idle
// connection does not keep the capacity of its last burst.
constexpr std::size_t kKeptBuffer = 1024;

void release_if_large(std::string& buffer) {
  if (buffer.capacity() > kKeptBuffer) std::string().swap(buffer);
}

}  // namespace

void BatchingStream::append_text(std::string_view payload) {
  if (failed_) return;
  char header[10];
  std::size_t h = 0;
  header[h++] = static_cast<char>(0x81);  // FIN, opcode 1 (text)
  const std::uint64_t n = payload.size();
  if (n < 126) {
    header[h++] = static_cast<char>(n);
  } else if (n <= 0xFFFF) {
    header[h++] = 126;
    header[h++] = static_cast<char>(n >> 8);
    header[h++] = static_cast<char>(n & 0xFF);
  } else {
    header[h++] = 127;
    for (int shift = 56; shift >= 0; shift -= 8) header[h++] = static_cast<char>((n >> shift) & 0xFF);
  }
  pending_.append(header, h);
  pending_.append(payload);
}

bool BatchingStream::flush() {
  if (flushing_ || failed_ || pending_.empty()) return true;
  auto owner = owner_.lock();
  if (!owner) return true;  // the session is going away
  if (write_at_once_) {
    // MSG_DONTWAIT rather than the socket's non-blocking mode, which would
    // change Beast's synchronous calls too.
    const ssize_t n = ::send(next_.socket().native_handle(), pending_.data(), pending_.size(),
                             MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      fail(boost::beast::error_code(errno, boost::system::system_category()));
      return true;
    }
    const auto sent = static_cast<std::size_t>(std::max<ssize_t>(n, 0));
    if (sent == pending_.size()) {
      pending_.clear();
      run_drained();
      return true;
    }
    pending_.erase(0, sent);  // the socket is full: the rest goes asynchronously
  }
  flushing_ = true;
  sending_.swap(pending_);
  write_started_.store(std::chrono::steady_clock::now().time_since_epoch().count());
  boost::asio::async_write(next_, boost::asio::buffer(sending_),
                           [this, owner = std::move(owner)](boost::beast::error_code ec, std::size_t) { on_written(ec); });
  return false;
}

void BatchingStream::fail(boost::beast::error_code ec) {
  // The read side sees the failure too and ends the session.
  failed_ = true;
  error_ = ec;
  std::string().swap(pending_);
  run_drained();
}

void BatchingStream::on_written(boost::beast::error_code ec) {
  flushing_ = false;
  write_started_.store(0);
  sending_.clear();
  if (ec) return fail(ec);
  if (on_written_) on_written_();  // the session appends its next batch
  flush();
  if (!flushing_) {
    // Idle: give back what the burst needed (kept while writes follow one
    // another, so a busy connection does not allocate per write).
    release_if_large(pending_);
    release_if_large(sending_);
    run_drained();
  }
}

void BatchingStream::when_drained(std::move_only_function<void()> then) {
  if (failed_ || (!flushing_ && pending_.empty())) return then();
  drained_.push_back(std::move(then));
}

void BatchingStream::run_drained() {
  auto waiting = std::move(drained_);
  drained_.clear();
  for (auto& then : waiting) then();
}

}  // namespace st::http::detail
