#pragma once
// Process-wide graceful shutdown. install_signal_handlers() turns the first
// SIGINT/SIGTERM into a stop request that every service loop polls; a second
// signal exits at once.
#include <chrono>
#include <stop_token>

namespace st {

void install_signal_handlers();
/// The token every service loop checks.
std::stop_token process_stop_token();
void request_process_stop();
/// Sleeps up to `d`, returning early (false) when a stop was requested.
bool sleep_unless_stopped(std::chrono::milliseconds d, const std::stop_token& token);

}  // namespace st
