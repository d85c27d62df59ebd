#pragma once
// The byte stream under a server WebSocket (websocket::stream<BatchingStream>):
// a beast::tcp_stream with one outgoing buffer that every writer goes
// through, so that the frames queued on a connection leave in one write.
//
// Beast writes the handshake answer, pongs, keep-alive pings and close
// frames through async_write_some: copied into the buffer and completed at
// once. The session appends its text frames with append_text(), framed
// here: a server's frames are not masked and this server negotiates no
// compression, so a frame is a 2- to 10-byte header and the payload. One
// socket write is in flight at a time and carries everything appended
// meanwhile, so N queued frames cost one syscall instead of N (with one
// Beast async_write per frame they cost N writes, each its own trip through
// the loopback TCP stack). Bytes are appended whole and in order, so the
// two writers' frames never interleave on the wire. Used on the
// connection's strand only, except write_started().
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "beast_pch.hpp"

namespace st::http::detail {

class BatchingStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  explicit BatchingStream(boost::beast::tcp_stream&& next) : next_(std::move(next)) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  boost::beast::tcp_stream& next_layer() noexcept { return next_; }
  [[nodiscard]] const boost::beast::tcp_stream& next_layer() const noexcept { return next_; }

  /// `owner` is kept alive while a socket write is in flight; `on_written`
  /// runs after each write that succeeded (the session refills then).
  void bind(std::weak_ptr<void> owner, std::function<void()> on_written) {
    owner_ = std::move(owner);
    on_written_ = std::move(on_written);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return next_.async_read_some(buffers, std::forward<Token>(token));
  }

  /// Beast's writes: appended whole, then completed (posted, never inline).
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::beast::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          std::size_t n = 0;
          if (!failed_) {
            for (const auto buffer : boost::beast::buffers_range_ref(b)) {
              pending_.append(static_cast<const char*>(buffer.data()), buffer.size());
              n += buffer.size();
            }
            flush();
          }
          boost::asio::post(get_executor(), boost::beast::bind_front_handler(std::move(handler), error_, n));
        },
        token, buffers);
  }

  /// Appends one text frame (FIN, not masked); flush() sends it.
  void append_text(std::string_view payload);
  /// With `on`, flush() first writes what it can at once (a non-blocking
  /// send) and goes asynchronous only for what the socket did not take.
  /// A connection that keeps up then costs one send() per batch and no
  /// asynchronous operation, completion handler or reactor round trip; the
  /// batch still leaves in one syscall. Off by default.
  void write_at_once(bool on) { write_at_once_ = on; }
  /// Starts a socket write of everything appended, unless one is in flight
  /// (its completion starts the next). False when a write is in flight
  /// after it (on_written follows); true when nothing is (everything was
  /// written at once, nothing was pending, or the socket failed).
  bool flush();
  [[nodiscard]] bool flushing() const { return flushing_; }
  /// When the socket write in flight started; the epoch (zero) when none is.
  [[nodiscard]] std::chrono::steady_clock::time_point write_started() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(write_started_.load()));
  }
  /// Runs `then` once everything appended is written or the socket failed
  /// (at once if so already): the close handshake's teardown waits for the
  /// close frame to leave.
  void when_drained(std::move_only_function<void()> then);

 private:
  void on_written(boost::beast::error_code ec);
  void fail(boost::beast::error_code ec);
  void run_drained();

  boost::beast::tcp_stream next_;
  std::weak_ptr<void> owner_;
  std::function<void()> on_written_;
  std::string pending_;  // appended since the write in flight started
  std::string sending_;  // the write in flight
  bool flushing_ = false;
  bool failed_ = false;
  bool write_at_once_ = false;
  boost::beast::error_code error_;
  std::atomic<std::int64_t> write_started_{0};
  std::vector<std::move_only_function<void()>> drained_;
};

// The close handshake's teardown (found by Beast through ADL): after the
// bytes already appended, which include the close frame, have left.
inline void teardown(boost::beast::role_type role, BatchingStream& stream, boost::beast::error_code& ec) {
  using boost::beast::websocket::teardown;
  teardown(role, stream.next_layer(), ec);
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, BatchingStream& stream, TeardownHandler&& handler) {
  stream.when_drained([role, &stream, h = std::forward<TeardownHandler>(handler)]() mutable {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::move(h));
  });
}

}  // namespace st::http::detail
