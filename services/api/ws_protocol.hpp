#pragma once
// The /ws message protocol (docs/websocket.md), as pure functions: parsing
// a client's text frame into a command, the server's frames, and the flood
// guard. No I/O, no clock of its own: tested without a server.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "stocktracker/base/clock.hpp"
#include "stocktracker/model/alert_messages.hpp"
#include "stocktracker/model/messages.hpp"

namespace st::api::ws {

/// Symbols one connection may follow at once.
inline constexpr std::size_t kMaxSymbols = 50;

struct ClientMessage {
  enum class Type : std::uint8_t { kSubscribe, kUnsubscribe, kPing };
  Type type = Type::kPing;
  std::vector<std::string> symbols;  // subscribe/unsubscribe: valid, unique, in the order given
  std::string id;                    // ping: echoed in the pong (optional, at most 64 chars)
};

/// Why a client message was refused: `code` is stable (bad_json,
/// bad_message, bad_symbol, too_many_symbols), `message` is for humans.
struct ProtocolError {
  std::string code;
  std::string message;
};

/// {"type":"subscribe","symbols":["AAPL"]}, {"type":"unsubscribe",...} or
/// {"type":"ping","id":"..."}; unknown members are refused, so a typo is
/// an error rather than silently ignored.
std::expected<ClientMessage, ProtocolError> parse_client_message(std::string_view text);

std::string error_frame(const ProtocolError& error);
std::string pong_frame(std::string_view id);
/// The connection's symbols after a subscribe or unsubscribe.
std::string subscribed_frame(const std::vector<std::string>& symbols);

/// Server pushes: {"type":"tick","data":<the stock-prices message>}, and
/// likewise candle, alert and notification with their topic's encoding.
std::string tick_frame(const model::PriceTick& tick);
std::string candle_frame(const model::Candle& candle);
std::string alert_frame(const model::Alert& alert);
std::string notification_frame(const model::NotificationEvent& notification);

/// Conflation keys: the latest tick per symbol; the latest state per
/// candle window (an update is replaced by a newer one or by the final
/// candle of the same window, never by another window's).
std::string tick_key(std::string_view symbol);
std::string candle_key(const model::Candle& candle);

/// At most `limit` messages per one-second window; the window restarts at
/// the first message after it ends.
class FloodGuard {
 public:
  explicit FloodGuard(std::uint32_t limit) : limit_(limit) {}
  /// False when this message is over the limit.
  bool allow(EpochMs now);

 private:
  std::uint32_t limit_;
  EpochMs window_start_ = 0;
  std::uint32_t count_ = 0;
};

}  // namespace st::api::ws
