#include "ws_session.hpp"

#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <mutex>
#include <optional>

#include "batching_stream.hpp"
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

// The most bytes of queued frames moved into one socket write. What is not
// moved stays in the send queue, where a newer tick can still replace it.
constexpr std::size_t kBatchBytes = 64 << 10;

/// One WebSocket connection. The socket is used on its strand only; send()
/// and close() may come from any thread (the Kafka fan-out): they touch the
/// queue under `mutex_` and post to the strand only when no write is in
/// flight, so a burst to a busy connection costs no extra post. The queued
/// frames are written together (BatchingStream): one socket write per
/// batch, and the frames that arrive while it is in flight go in the next.
class WsSession final : public WsConnection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, const WsLimits& limits, std::shared_ptr<WsSessionHandler> handler)
      : ws_(std::move(stream)),
        strand_(strand_of(ws_.get_executor())),
        limits_(limits),
        handler_(std::move(handler)),
        queue_(limits.queue_max_frames, limits.queue_max_bytes) {}

  void start(bhttp::request<bhttp::string_body> request, std::string subprotocol) {
    ws_.next_layer().bind(weak_from_this(), [this] { write_next(); });
    ws_.next_layer().write_at_once(true);
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
    if (queue(std::move(frame), conflation_key)) kick();
  }

  bool queue(Payload frame, std::string_view conflation_key) override {
    bool kick_needed = false;
    bool overflow = false;
    {
      std::lock_guard lock(mutex_);
      if (closing_) return false;
      if (queue_.push(std::move(frame), conflation_key) == SendQueue::Push::kOverflow) {
        closing_ = true;
        overflow = true;
      } else if (!writing_ && open_) {
        writing_ = true;
        kick_needed = true;
      }
    }
    if (overflow) {
      // It cannot keep up even with conflation: drop it (a close frame would
      // only queue behind what it does not read).
      abort();
    }
    return kick_needed;
  }

  void kick() override {
    // Posted to the typed strand when the stream runs on one (the server's
    // case): no copy of the type-erased executor per kick.
    if (strand_) {
      asio::post(*strand_, [self = shared_from_this()] { self->write_next(); });
    } else {
      asio::post(ws_.get_executor(), [self = shared_from_this()] { self->write_next(); });
    }
  }

  // One post to the io_context under the strands; from the server thread
  // that runs it, each connection's post to its strand goes to that
  // thread's private queue (no lock, no wake-up) and its handler memory is
  // recycled on that thread. Split in a few shares so the server's threads
  // start the writes in parallel.
  void kick_batch(std::vector<std::shared_ptr<WsConnection>> batch) override {
    constexpr std::size_t kShares = 2;
    constexpr std::size_t kMinShare = 256;
    if (!strand_) return WsConnection::kick_batch(std::move(batch));  // not the server's strands
    const auto ioc = strand_->get_inner_executor();
    const std::size_t shares = std::clamp<std::size_t>(batch.size() / kMinShare, 1, kShares);
    const std::size_t per = (batch.size() + shares - 1) / shares;
    for (std::size_t begin = 0; begin < batch.size(); begin += per) {
      const std::size_t end = std::min(batch.size(), begin + per);
      std::vector<std::shared_ptr<WsConnection>> share;
      if (begin == 0 && end == batch.size()) {
        share = std::move(batch);
      } else {
        share.assign(std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(begin)),
                     std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(end)));
      }
      asio::post(ioc, [share = std::move(share)] {
        for (const auto& c : share) c->kick();
      });
      if (end == batch.size()) break;
    }
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
    return ws_.next_layer().write_started();
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

  // Moves queued frames (up to kBatchBytes) into the stream and writes
  // them in one go; runs again when that write completes. A batch the
  // socket took at once (write_at_once) is followed by the next at once.
  void write_next() {
    auto& out = ws_.next_layer();
    for (;;) {
      if (out.flushing()) return;  // its completion calls this again
      {
        std::lock_guard lock(mutex_);
        if (!open_) return;
        std::size_t bytes = 0;
        while (bytes < kBatchBytes) {
          auto popped = queue_.pop();
          if (!popped) break;
          const std::string_view text = *popped ? std::string_view(**popped) : std::string_view{};
          out.append_text(text);
          bytes += text.size() + 1;
        }
        if (bytes == 0) {
          writing_ = false;
          if (close_when_drained_) maybe_close_locked();
          return;
        }
        writing_ = true;
      }
      if (!out.flush()) return;  // in flight: its completion calls this again
    }
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

  using Strand = asio::strand<asio::io_context::executor_type>;
  static std::optional<Strand> strand_of(const asio::any_io_executor& executor) {
    const auto* strand = executor.target<Strand>();
    return strand != nullptr ? std::optional<Strand>(*strand) : std::nullopt;
  }

  websocket::stream<BatchingStream> ws_;
  const std::optional<Strand> strand_;  // the stream's executor, typed, when it is the server's strand
  const WsLimits limits_;
  std::shared_ptr<WsSessionHandler> handler_;  // reset after on_close: breaks any cycle through it
  beast::flat_buffer buffer_;
  websocket::close_reason close_reason_;
  bool close_when_drained_ = false;  // strand only

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
