#include "batching_stream.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace st::http::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

/// A BatchingStream on one end of a loopback TCP connection and a plain
/// socket on the other, to read exactly what went on the wire.
struct Wire : ::testing::Test {
  asio::io_context ioc;
  std::shared_ptr<BatchingStream> out;
  tcp::socket peer{ioc};
  int written = 0;

  void SetUp() override {
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    tcp::socket client(ioc);
    client.connect(acceptor.local_endpoint());
    peer = acceptor.accept();
    out = std::make_shared<BatchingStream>(beast::tcp_stream(std::move(client)));
    out->bind(out, [this] { ++written; });
  }

  /// The next `n` bytes the peer receives (running the writes meanwhile),
  /// once the completions that follow have run too.
  std::string read(std::size_t n) {
    std::string got(n, '\0');
    bool done = false;
    asio::async_read(peer, asio::buffer(got), [&](beast::error_code ec, std::size_t) {
      EXPECT_FALSE(ec);
      done = true;
    });
    ioc.restart();
    while (!done && ioc.run_one_for(std::chrono::seconds(5)) > 0) {
    }
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(50));
    return done ? got : std::string("<not received>");
  }
};

std::string header(std::initializer_list<int> bytes) {
  std::string h;
  for (const int b : bytes) h += static_cast<char>(b);
  return h;
}

TEST_F(Wire, FramesTextWithEachLengthEncoding) {
  const std::string small(5, 's');
  const std::string medium(300, 'm');   // 126 + 16-bit length
  const std::string large(70000, 'l');  // 127 + 64-bit length
  out->append_text(small);
  out->append_text(medium);
  out->append_text(large);
  out->append_text("");
  out->flush();
  EXPECT_EQ(read(2 + 5), header({0x81, 5}) + small);
  EXPECT_EQ(read(4 + 300), header({0x81, 126, 0x01, 0x2C}) + medium);
  EXPECT_EQ(read(10 + 70000), header({0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70}) + large);
  EXPECT_EQ(read(2), header({0x81, 0}));
  EXPECT_EQ(written, 1) << "everything appended before the flush leaves in one write";
}

TEST_F(Wire, BeastsWritesAndAppendedFramesKeepTheirOrderWhole) {
  out->append_text("first");
  out->flush();  // in flight now: what follows waits for it, whole
  bool completed = false;
  std::size_t accepted = 0;
  const std::string control = header({0x8A, 2}) + "pp";  // a pong, as Beast would write it
  out->async_write_some(asio::buffer(control), [&](beast::error_code ec, std::size_t n) {
    EXPECT_FALSE(ec);
    completed = true;
    accepted = n;
  });
  EXPECT_FALSE(completed) << "the completion is posted, never run inside the call";
  out->append_text("second");
  const std::string expected = header({0x81, 5}) + "first" + control + header({0x81, 6}) + "second";
  EXPECT_EQ(read(expected.size()), expected);
  EXPECT_TRUE(completed);
  EXPECT_EQ(accepted, control.size());
  EXPECT_EQ(written, 2);
  EXPECT_EQ(out->write_started(), std::chrono::steady_clock::time_point{}) << "nothing in flight any more";
}

TEST_F(Wire, TeardownWaitsForWhatIsPending) {
  out->append_text("bye");
  out->flush();
  bool drained = false;
  out->when_drained([&] { drained = true; });
  EXPECT_FALSE(drained) << "a write is in flight";
  EXPECT_EQ(read(5), header({0x81, 3}) + "bye");
  EXPECT_TRUE(drained);
  bool at_once = false;
  out->when_drained([&] { at_once = true; });
  EXPECT_TRUE(at_once) << "nothing pending: runs at once";
}

TEST_F(Wire, WriteAtOnceSendsWithoutAnAsynchronousWriteUntilTheSocketIsFull) {
  out->write_at_once(true);
  out->append_text("now");
  EXPECT_TRUE(out->flush()) << "a socket with room takes the batch at once";
  EXPECT_FALSE(out->flushing());
  EXPECT_EQ(out->write_started(), std::chrono::steady_clock::time_point{});
  EXPECT_EQ(read(5), header({0x81, 3}) + "now");
  EXPECT_EQ(written, 0) << "no asynchronous write, so no completion";

  // More than the socket buffers while the peer does not read: the rest
  // goes asynchronously, in order, behind what was sent at once.
  const std::string big(8 << 20, 'b');
  out->append_text(big);
  EXPECT_FALSE(out->flush());
  EXPECT_TRUE(out->flushing());
  out->append_text("after");
  const std::string expected = header({0x81, 127, 0, 0, 0, 0, 0, 0x80, 0, 0}) + big + header({0x81, 5}) + "after";
  EXPECT_EQ(read(expected.size()), expected);
  EXPECT_GE(written, 1);
  EXPECT_FALSE(out->flushing());
}

}  // namespace
}  // namespace st::http::detail
