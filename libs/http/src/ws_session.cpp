#include "ws_session.hpp"

#include <boost/beast/websocket.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <atomic>
#include <mutex>

#include "send_queue.hpp"
#include "stocktracker/base/log.hpp"

namespace st::http::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;

// The read buffer is given back after a message larger than this, so one
// big message does not stay allocated for the life of an idle connection.
constexpr std::size_t kKeptReadBuffer = 4096;

// TCP_CORK (Linux): while set, the kernel holds partial segments back, so
// the frames of a backlog written one after another leave as full segments
// instead of a packet (and, on loopback, a receive path) per frame. Cleared
// when the queue drains, which sends the rest at once; the kernel also
// flushes a corked segment after 200 ms.
using TcpCork = asio::detail::socket_option::boolean<IPPROTO_TCP, TCP_CORK>;

/// One WebSocket connection. The socket is used on its strand only; send()
/// and close() may come from any thread (the Kafka fan-out): they touch the
/// queue under `mutex_` and post to the strand only when no write is in
/// flight, so a burst to a busy connection costs no extra post.
class WsSession final : public WsConnection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, const WsLimits& limits, std::shared_ptr<WsSessionHandler> handler)
      : ws_(std::move(stream)),
        limits_(limits),
        handler_(std::move(handler)),
        queue_(limits.queue_max_frames, limits.queue_max_bytes) {}

  void start(bhttp::request<bhttp::string_body> request, std::string subprotocol) {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
    beast::error_code sndbuf_ec;  // best effort: the queue bounds memory either way
    beast::get_lowest_layer(ws_).socket().set_option(asio::socket_base::send_buffer_size(limits_.socket_send_buffer),
                                                     sndbuf_ec);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = limits_.handshake_timeout;
    timeouts.idle_timeout = limits_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(limits_.max_message_bytes);
    ws_.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& res) {
      res.set(bhttp::field::server, "stocktracker");
      if (!subprotocol.empty()) res.set(bhttp::field::sec_websocket_protocol, subprotocol);
    }));
    auto req = std::make_shared<bhttp::request<bhttp::string_body>>(std::move(request));
    ws_.async_accept(*req, [self = shared_from_this(), req](beast::error_code ec) { self->on_accept(ec); });
  }

  void send(Payload frame, std::string_view conflation_key) override {
    bool kick = false;
    bool overflow = false;
    {
      std::lock_guard lock(mutex_);
      if (closing_) return;
      if (queue_.push(std::move(frame), conflation_key) == SendQueue::Push::kOverflow) {
        closing_ = true;
        overflow = true;
      } else if (!writing_ && open_) {
        writing_ = true;
        kick = true;
      }
    }
    if (overflow) {
      // It cannot keep up even with conflation: drop it (a close frame would
      // only queue behind what it does not read).
      return abort();
    }
    if (kick) asio::post(ws_.get_executor(), [self = shared_from_this()] { self->write_next(); });
  }

  void close(CloseCode code, std::string_view reason) override {
    {
      std::lock_guard lock(mutex_);
      if (closing_) return;
      closing_ = true;
    }
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::string(reason)] {
      self->close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(static_cast<std::uint16_t>(code)), reason);
      self->close_when_drained_ = true;
      self->maybe_close();
    });
  }

  [[nodiscard]] std::chrono::steady_clock::time_point write_started() const override {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(write_started_.load()));
  }

  void abort() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      beast::get_lowest_layer(self->ws_).close();
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      handler_.reset();  // a failed handshake: nothing was opened, nothing to close
      return;
    }
    handler_->on_open(shared_from_this());
    bool kick = false;
    {
      std::lock_guard lock(mutex_);
      open_ = true;
      if (!queue_.empty() && !writing_) {
        writing_ = true;
        kick = true;
      }
    }
    if (kick) write_next();
    read();
  }

  void read() {
    // Always pending, also while closing: it completes with the peer's close
    // frame, a timeout or an abort, and only then is the handler told.
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish();  // closed by the peer, timed out, too big (Beast sent 1009) or aborted
    if (!ws_.got_text()) {
      close(CloseCode::kUnsupportedData, "binary frames are not accepted");
    } else {
      const auto data = buffer_.cdata();
      handler_->on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer_.consume(buffer_.size());
    if (buffer_.capacity() > kKeptReadBuffer) buffer_.shrink_to_fit();
    read();
  }

  void cork(bool on) {
    beast::error_code ec;  // best effort: only packet sizes depend on it
    beast::get_lowest_layer(ws_).socket().set_option(TcpCork(on), ec);
    corked_ = on;
  }

  void write_next() {
    Payload next;
    bool more = false;
    {
      std::lock_guard lock(mutex_);
      auto popped = queue_.pop();
      if (!popped) {
        writing_ = false;
        write_started_.store(0);
        in_flight_.reset();
        if (corked_) cork(false);  // before a close frame, which then goes out with the rest
        if (close_when_drained_) maybe_close_locked();
        return;
      }
      next = std::move(*popped);
      more = !queue_.empty();
    }
    if (more && !corked_) cork(true);
    write_started_.store(std::chrono::steady_clock::now().time_since_epoch().count());
    in_flight_ = std::move(next);
    ws_.text(true);
    ws_.async_write(asio::buffer(*in_flight_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->write_started_.store(0);
        return;  // the read side sees the failure and finishes
      }
      self->write_next();
    });
  }

  void maybe_close() {
    std::lock_guard lock(mutex_);
    maybe_close_locked();
  }

  // Closes once the frames queued before close() are written.
  void maybe_close_locked() {
    if (writing_ || close_sent_) return;
    close_sent_ = true;
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {
      // The read loop completes with `closed` when the peer answers.
    });
  }

  void finish() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      open_ = false;
    }
    if (auto handler = std::exchange(handler_, nullptr)) handler->on_close();
  }

  websocket::stream<beast::tcp_stream> ws_;
  const WsLimits limits_;
  std::shared_ptr<WsSessionHandler> handler_;  // reset after on_close: breaks any cycle through it
  beast::flat_buffer buffer_;
  Payload in_flight_;  // kept alive until its write completes
  websocket::close_reason close_reason_;
  bool close_when_drained_ = false;  // strand only
  bool corked_ = false;               // strand only
  std::atomic<std::int64_t> write_started_{0};

  std::mutex mutex_;  // guards the fields below
  SendQueue queue_;
  bool writing_ = false;
  bool open_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
};

}  // namespace

void start_websocket(beast::tcp_stream stream, bhttp::request<bhttp::string_body> upgrade_request,
                     const WsLimits& limits, WsAccept accept) {
  auto session = std::make_shared<WsSession>(std::move(stream), limits, std::move(accept.handler));
  session->start(std::move(upgrade_request), std::move(accept.subprotocol));
}

}  // namespace st::http::detail
