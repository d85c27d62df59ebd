#include "stocktracker/base/stop.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <thread>

#include <unistd.h>

namespace st {
namespace {

std::stop_source& source() {
  static std::stop_source s;
  return s;
}

std::atomic<int> g_signals{0};  // touched only by the signal thread

}  // namespace

void install_signal_handlers() {
  // A dedicated thread waits for the signals with sigwait, so the stop
  // request (which is not async-signal-safe) runs on a normal thread.
  static sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  std::thread([] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (g_signals.fetch_add(1) > 0) _exit(128 + sig);
      source().request_stop();
    }
  }).detach();
}

std::stop_token process_stop_token() { return source().get_token(); }

void request_process_stop() { source().request_stop(); }

bool sleep_unless_stopped(std::chrono::milliseconds d, const std::stop_token& token) {
  const auto deadline = std::chrono::steady_clock::now() + d;
  while (!token.stop_requested()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(deadline - now,
                                                                              std::chrono::milliseconds(50)));
  }
  return false;
}

}  // namespace st
