#include "ws_protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace st::api::ws {
namespace {

ProtocolError error_of(std::string_view text) {
  auto m = parse_client_message(text);
  EXPECT_FALSE(m) << text;
  return m ? ProtocolError{} : m.error();
}

TEST(WsProtocol, ParsesSubscribeDroppingDuplicates) {
  auto m = parse_client_message(R"({"type":"subscribe","symbols":["AAPL","BRK.B","AAPL"]})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, ClientMessage::Type::kSubscribe);
  EXPECT_EQ(m->symbols, (std::vector<std::string>{"AAPL", "BRK.B"}));
  auto u = parse_client_message(R"({"symbols":["MSFT"],"type":"unsubscribe"})");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->type, ClientMessage::Type::kUnsubscribe);
  EXPECT_EQ(u->symbols, std::vector<std::string>{"MSFT"});
}

TEST(WsProtocol, ParsesPingWithOptionalId) {
  auto p = parse_client_message(R"({"type":"ping"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, ClientMessage::Type::kPing);
  EXPECT_EQ(p->id, "");
  auto q = parse_client_message(R"({"type":"ping","id":"42"})");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->id, "42");
  EXPECT_EQ(error_of(R"({"type":"ping","id":7})").code, "bad_message");
  EXPECT_EQ(error_of(R"({"type":"ping","id":")" + std::string(65, 'x') + R"("})").code, "bad_message");
}

TEST(WsProtocol, RefusesBadJsonAndBadShapes) {
  EXPECT_EQ(error_of("{not json").code, "bad_json");
  EXPECT_EQ(error_of("").code, "bad_json");
  EXPECT_EQ(error_of("[1,2]").code, "bad_message");
  EXPECT_EQ(error_of(R"({"symbols":["AAPL"]})").code, "bad_message");
  EXPECT_EQ(error_of(R"({"type":"subscribe"})").code, "bad_message");
  EXPECT_EQ(error_of(R"({"type":"subscribe","symbols":[]})").code, "bad_message");
  EXPECT_EQ(error_of(R"({"type":"subscribe","symbols":"AAPL"})").code, "bad_message");
  EXPECT_EQ(error_of(R"({"type":"subscribe","symbols":["AAPL"],"user_id":1})").code, "bad_message");
  EXPECT_EQ(error_of(R"({"type":"publish","symbols":["AAPL"]})").code, "bad_message");
}

TEST(WsProtocol, RefusesInvalidSymbolsAndTooMany) {
  EXPECT_EQ(error_of(R"({"type":"subscribe","symbols":["aapl"]})").code, "bad_symbol");
  EXPECT_EQ(error_of(R"({"type":"subscribe","symbols":[1]})").code, "bad_symbol");
  EXPECT_EQ(error_of(R"({"type":"subscribe","symbols":["TOOLONGSYMBOL"]})").code, "bad_symbol");
  std::string many = R"({"type":"subscribe","symbols":[)";
  for (std::size_t i = 0; i <= kMaxSymbols; ++i) many += (i > 0 ? ",\"S" : "\"S") + std::to_string(i) + "\"";
  many += "]}";
  EXPECT_EQ(error_of(many).code, "too_many_symbols");
}

TEST(WsProtocol, ServerFramesAreJsonWithTheirType) {
  const auto parse = [](const std::string& s) { return boost::json::parse(s).as_object(); };
  auto e = parse(error_frame({"bad_json", "say \"hi\""}));
  EXPECT_EQ(e.at("type").as_string(), "error");
  EXPECT_EQ(e.at("message").as_string(), "say \"hi\"");
  EXPECT_EQ(parse(pong_frame("")).size(), 1U);
  EXPECT_EQ(parse(pong_frame("7")).at("id").as_string(), "7");
  EXPECT_EQ(parse(subscribed_frame({"AAPL", "MSFT"})).at("symbols").as_array().size(), 2U);

  model::PriceTick tick{"AAPL", 187.5, 100, 1'700'000'000'000, "sim", "USD"};
  auto t = parse(tick_frame(tick));
  EXPECT_EQ(t.at("type").as_string(), "tick");
  EXPECT_EQ(t.at("data").as_object().at("symbol").as_string(), "AAPL");
  EXPECT_EQ(t.at("data").as_object().at("ts").as_int64(), 1'700'000'000'000);
}

TEST(WsProtocol, CandleKeysSeparateWindowsButNotUpdatesOfOne) {
  model::Candle a;
  a.symbol = "AAPL";
  a.start_ts = 300'000;
  model::Candle final_a = a;
  final_a.final = true;
  model::Candle b = a;
  b.start_ts = 600'000;
  EXPECT_EQ(candle_key(a), candle_key(final_a));
  EXPECT_NE(candle_key(a), candle_key(b));
  EXPECT_NE(tick_key("AAPL"), candle_key(a));
}

TEST(WsProtocol, FloodGuardAllowsTheLimitPerSecond) {
  FloodGuard guard(3);
  EXPECT_TRUE(guard.allow(1000));
  EXPECT_TRUE(guard.allow(1100));
  EXPECT_TRUE(guard.allow(1999));
  EXPECT_FALSE(guard.allow(1999));
  EXPECT_TRUE(guard.allow(2000));  // a new window
  EXPECT_TRUE(guard.allow(2001));
}

}  // namespace
}  // namespace st::api::ws
