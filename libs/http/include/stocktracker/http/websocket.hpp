#pragma once
// WebSocket endpoints on the HTTP server (RFC 6455, text frames), with the
// same rule as the router: application code sees plain values, never Beast.
//
// The server upgrades a request to a WsEndpoint's path after the endpoint's
// `upgrade` function accepted it (it checks Origin and credentials and may
// refuse with any HTTP response, e.g. 401 or 403). Each connection then has
// a bounded, conflating send queue (SendQueue): frames sent with a
// conflation key replace a pending frame of the same key, so a slow reader
// gets the latest value per key instead of a growing backlog; a connection
// whose queue still overflows, or whose socket accepts nothing for
// `write_stall`, is dropped. Memory per connection is therefore bounded by
// `queue_max_bytes` plus Beast's buffers, whatever the reader does.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/http/http.hpp"

namespace st::http {

/// Close codes of RFC 6455 §7.4.1 the server uses, and the application's
/// own (4000-4999).
enum class CloseCode : std::uint16_t {
  kNormal = 1000,
  kGoingAway = 1001,
  kUnsupportedData = 1003,  // a binary frame
  kPolicy = 1008,           // flood, repeated invalid messages, send queue overflow
  kTooBig = 1009,           // a message over max_message_bytes
  kInternal = 1011,
  kUnauthorized = 4401,  // the access token expired or was revoked (logout)
};

/// One serialized frame, shared by every connection it goes to: a message
/// fanned out to N clients is serialized once, not N times.
using Payload = std::shared_ptr<const std::string>;

struct WsLimits {
  std::size_t max_message_bytes = 64 << 10;  // larger incoming messages close with 1009
  std::size_t queue_max_frames = 512;        // pending outgoing frames per connection
  std::size_t queue_max_bytes = 256 << 10;   // pending outgoing bytes per connection
  /// Keep-alive (Beast's idle timeout with pings): no frame from the peer
  /// for half of this, a ping is sent; for all of it, the connection is
  /// dropped (a pong counts as a frame).
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  /// SO_SNDBUF of the connection's socket. Fixed rather than autotuned:
  /// Linux grows an autotuned send buffer up to tcp_wmem's maximum (4 MiB)
  /// for a peer that does not read, kernel memory per slow client that the
  /// conflating queue exists to avoid, and a write into a growing buffer
  /// never looks stalled.
  int socket_send_buffer = 64 << 10;
};

/// The application's handle on one connection. Thread-safe: any thread may
/// send or close. Sending to a closed connection does nothing.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  /// Queues a text frame. A non-empty `conflation_key` replaces a pending
  /// frame with the same key in place (latest wins, order kept); frames
  /// without a key are never dropped while the connection lives.
  virtual void send(Payload frame, std::string_view conflation_key = {}) = 0;
  /// Queues like send() without starting a write; true when the caller
  /// must call kick() (once, after queueing the rest of its batch) for the
  /// frame to leave. A publisher that queues a whole batch first lets each
  /// connection write the batch's frames in one go.
  virtual bool queue(Payload frame, std::string_view conflation_key = {}) = 0;
  /// Starts writing what queue() queued.
  virtual void kick() = 0;
  /// kick() for every connection of `batch` (this one among them, all of
  /// the same server), with one hand-off to the server's threads instead
  /// of one per connection: a tick fanned out to a thousand idle
  /// connections then wakes the server once, and each connection's write
  /// is started from a server thread. The default kicks each in turn.
  virtual void kick_batch(std::vector<std::shared_ptr<WsConnection>> batch) {
    for (const auto& c : batch) c->kick();
  }
  /// Sends a close frame with `code` and `reason` (after the frames already
  /// queued), then closes.
  virtual void close(CloseCode code, std::string_view reason) = 0;
  /// When the write in flight started; the epoch (zero) when none is. A
  /// write that does not finish means the peer stopped reading.
  [[nodiscard]] virtual std::chrono::steady_clock::time_point write_started() const = 0;
  /// Drops the connection at once without a close handshake (a peer that
  /// does not read cannot receive one).
  virtual void abort() = 0;
};

/// The application side of one connection. Its callbacks run on the
/// connection's strand, one at a time, in this order: on_open once, then
/// on_text per message, then on_close once. It must not block long.
class WsSessionHandler {
 public:
  virtual ~WsSessionHandler() = default;
  /// The connection is open; keep `connection` to send later (a weak_ptr
  /// in anything the connection itself owns, to avoid a cycle).
  virtual void on_open(const std::shared_ptr<WsConnection>& connection) = 0;
  virtual void on_text(std::string_view message) = 0;
  virtual void on_close() = 0;
};

struct WsAccept {
  /// Echoed in Sec-WebSocket-Protocol when not empty (one of the offered
  /// protocols, never a credential).
  std::string subprotocol;
  std::shared_ptr<WsSessionHandler> handler;
};

/// Decides an upgrade request: accept it, or answer it with a response
/// (401, 403, 503...). Runs on a server thread; may block briefly.
using WsUpgrade = std::function<std::expected<WsAccept, Response>(const Request&)>;

struct WsEndpoint {
  std::string path;  // exact path, e.g. "/ws"
  WsUpgrade upgrade;
  WsLimits limits;
};

}  // namespace st::http
