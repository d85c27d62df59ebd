// The Socket.io baseline of the WebSocket benchmark (bench/api_bench.sh):
// the tick broadcast of `stocktracker api`'s /ws, written the way the spec's
// Node.js + Socket.io stack would.
//
// - The handshake carries the same access token (`auth: {token}`), checked
//   as the api checks it: HS256 only, iss, aud, exp (jsonwebtoken).
// - A client emits `subscribe` with its symbols and is put in one room per
//   symbol; the answer is `subscribed` with the symbols it follows.
// - Ticks come from the same place as the api's: a reader of `stock-prices`
//   that starts at the topic's end (a fresh kafkajs consumer group per
//   process; kafkajs has no group-less assignment). Each tick is parsed once
//   and broadcast to its symbol's room as `tick` with the api's frame
//   `{"type":"tick","data":{...}}`; Socket.io encodes a broadcast once and
//   writes it to every member.
//
//   PORT=8091 JWT_SECRET=... KAFKA_BOOTSTRAP_SERVERS=... node server.js
"use strict";

const http = require("http");
const { Server } = require("socket.io");
const jwt = require("jsonwebtoken");
const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = require("kafkajs");
const LZ4Codec = require("@2l/kafkajs-lz4");

// The project's producers compress with LZ4, which kafkajs cannot read alone.
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;

const port = Number(process.env.PORT || 8091);
const secret = process.env.JWT_SECRET;
if (!secret || secret.length < 32) {
  console.error("socketio baseline: JWT_SECRET of at least 32 bytes is required");
  process.exit(2);
}
const SYMBOL = /^[A-Z][A-Z0-9.-]{0,9}$/;
const MAX_SYMBOLS = 50; // the api's per-connection limit

const server = http.createServer();
const io = new Server(server, { transports: ["websocket"], serveClient: false, perMessageDeflate: false });

io.use((socket, next) => {
  try {
    jwt.verify(String(socket.handshake.auth?.token || ""), secret,
               { algorithms: ["HS256"], issuer: "stocktracker", audience: "stocktracker-api" });
    next();
  } catch {
    next(new Error("unauthorized"));
  }
});

io.on("connection", (socket) => {
  const following = new Set();
  socket.on("subscribe", (symbols) => {
    if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === "string" && SYMBOL.test(s))) {
      return socket.emit("error_message", { code: "bad_symbol" });
    }
    if (new Set([...following, ...symbols]).size > MAX_SYMBOLS) return socket.emit("error_message", { code: "too_many_symbols" });
    for (const s of symbols) following.add(s);
    socket.join(symbols);
    socket.emit("subscribed", { symbols: [...following] });
  });
  socket.on("unsubscribe", (symbols) => {
    if (!Array.isArray(symbols)) return;
    for (const s of symbols) {
      following.delete(s);
      socket.leave(s);
    }
    socket.emit("subscribed", { symbols: [...following] });
  });
});

async function followTicks() {
  const kafka = new Kafka({ clientId: "socketio-baseline", brokers: (process.env.KAFKA_BOOTSTRAP_SERVERS || "127.0.0.1:9092").split(","),
                            logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: `socketio-baseline-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: "stock-prices", fromBeginning: false });
  // Ready once the group has its partitions: ticks produced before that are
  // not read (a new group starts at the end), so the load must not start.
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  consumer.on(consumer.events.CRASH, (e) => console.error(JSON.stringify({ level: "error", msg: "kafka consumer crashed", error: String(e.payload?.error?.message) })));
  await consumer.run({
    eachMessage: async ({ message }) => {
      let data;
      try {
        data = JSON.parse(message.value.toString());
      } catch {
        return; // bad ones are the store's to dead-letter, as in the api
      }
      if (typeof data.symbol === "string") io.to(data.symbol).emit("tick", { type: "tick", data });
    },
  });
  await joined;
  return consumer;
}

async function main() {
  const consumer = await followTicks();
  server.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ msg: "socketio baseline listening", port })));
  const stop = async () => {
    io.close();
    await consumer.disconnect().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(`socketio baseline: ${e.message}`);
  process.exit(1);
});
