#pragma once
// Hands an HTTP connection whose upgrade was accepted over to a WebSocket
// session (server.cpp calls this; ws_session.cpp owns the session).
#include "beast_pch.hpp"
#include "stocktracker/http/websocket.hpp"

namespace st::http::detail {

/// Completes the handshake on `stream` (echoing accept.subprotocol) and runs
/// the session until either side closes it.
void start_websocket(boost::beast::tcp_stream stream,
                     boost::beast::http::request<boost::beast::http::string_body> upgrade_request,
                     const WsLimits& limits, WsAccept accept);

}  // namespace st::http::detail
