// The Socket.io load client: bench/ws_load.cpp's measurement against the
// Socket.io baseline (server.js), with the same options and the same JSON
// line on stdout. N connections, connection i following symbols i..i+S-1
// (mod U) of PREFIX0000.., server RSS before and with the idle connections
// (memory per idle connection), then ticks of those symbols produced to
// `stock-prices` at a fixed rate for D seconds; delivered ticks per second
// and latency from each tick's event time `ts` (its produce time) to its
// arrival.
//
//   node load.js --port 8091 --token T --connections 10000 --symbols 20 --universe 200
//                --rate 100 --seconds 15 --server-pid PID [--workers 2] [--prefix SIO]
//
// The clients run on worker threads (socket.io-client decodes every packet
// in JavaScript, which one thread cannot do for as many messages as the C++
// client's one thread); the producer runs on the main thread.
"use strict";

const fs = require("fs");
const { Worker, isMainThread, parentPort, workerData } = require("worker_threads");

const BUCKETS = 100000; // 0.1 ms buckets up to 10 s, as ws_load

function symbolName(o, i) {
  return o.prefix + String(i % o.universe).padStart(4, "0");
}

function nowMs() {
  return performance.timeOrigin + performance.now();
}

if (!isMainThread) {
  const { io } = require("socket.io-client");
  const o = workerData;
  const hist = new Uint32Array(BUCKETS);
  let delivered = 0;
  let measuring = false;
  let subscribed = 0;
  let failed = 0;
  const sockets = [];
  parentPort.on("message", (m) => {
    if (m === "measure") measuring = true;
    if (m === "stop") {
      measuring = false;
      for (const s of sockets) s.close();
      parentPort.postMessage({ kind: "result", delivered, hist }, [hist.buffer]);
    }
  });
  const report = () => parentPort.postMessage({ kind: "progress", subscribed, failed });
  // Opens connection `index`, then calls `done` once it is subscribed or failed.
  const open = (index, done) => {
    const socket = io(`http://127.0.0.1:${o.port}`, {
      transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: o.token }, timeout: 60000,
    });
    sockets.push(socket);
    let settled = false;
    const settle = (ok) => {
      if (settled) return;
      settled = true;
      if (ok) ++subscribed; else ++failed;
      done();
    };
    socket.on("connect", () => {
      const symbols = [];
      for (let s = 0; s < o.symbols; ++s) symbols.push(symbolName(o, index + s));
      socket.emit("subscribe", symbols);
    });
    socket.on("subscribed", () => settle(true));
    socket.on("connect_error", () => settle(false));
    socket.on("disconnect", () => settle(false));
    socket.on("tick", (msg) => {
      if (!measuring) return;
      ++delivered;
      const ms = nowMs() - msg.data.ts;
      hist[Math.floor(Math.min(Math.max(ms, 0), 9999.9) * 10)]++;
    });
  };
  // At most 100 handshakes in flight per worker, so the listen backlog holds.
  let next = o.first;
  const launch = () => {
    if (next >= o.last) return;
    const index = next++;
    open(index, () => {
      if ((subscribed + failed) % 500 === 0 || subscribed + failed === o.last - o.first) report();
      launch();
    });
  };
  for (let k = 0; k < 100; ++k) launch();
  return;
}

function usage(msg) {
  process.stderr.write(`load.js: ${msg}\nusage: node load.js --token T [--port P] [--connections N] [--symbols S] [--universe U]\n` +
                       "         [--rate TICKS_PER_S] [--seconds D] [--server-pid PID] [--bootstrap HOST:PORT] [--prefix P] [--workers W]\n");
  process.exit(2);
}

function parse(argv) {
  const o = { port: 8091, token: process.env.ST_WS_TOKEN || "", connections: 100, symbols: 20, universe: 200, rate: 1000,
              seconds: 10, serverPid: 0, bootstrap: process.env.KAFKA_BOOTSTRAP_SERVERS || "127.0.0.1:9092", prefix: "SIO",
              workers: 2 };
  const names = { "--port": "port", "--token": "token", "--connections": "connections", "--symbols": "symbols",
                  "--universe": "universe", "--rate": "rate", "--seconds": "seconds", "--server-pid": "serverPid",
                  "--bootstrap": "bootstrap", "--prefix": "prefix", "--workers": "workers" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key) usage(`unknown option ${argv[i]}`);
    if (i + 1 >= argv.length) usage(`missing value for ${argv[i]}`);
    o[key] = typeof o[key] === "number" ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!o.token) usage("--token (or ST_WS_TOKEN) is required");
  if (!(o.connections >= 1 && o.symbols >= 1 && o.universe >= o.symbols && o.rate > 0 && o.seconds >= 1 && o.workers >= 1)) {
    usage("need connections >= 1, 1 <= symbols <= universe, rate > 0, seconds >= 1, workers >= 1");
  }
  return o;
}

function rssKib(pid) {
  if (!pid) return 0;
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

// CPU time (user + system) the process has used, as ws_load reads it.
function cpuSeconds(pid) {
  if (!pid) return 0;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
}

function quantile(hist, count, q) {
  if (count === 0) return 0;
  const target = Math.floor(q * (count - 1)) + 1;
  let seen = 0;
  for (let b = 0; b < hist.length; ++b) {
    seen += hist[b];
    if (seen >= target) return b / 10;
  }
  return 10000;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const o = parse(process.argv.slice(2));
  const { Kafka, logLevel } = require("kafkajs");
  const rssBefore = rssKib(o.serverPid);
  const progress = [];
  const workers = [];
  for (let w = 0; w < o.workers; ++w) {
    const first = Math.floor((o.connections * w) / o.workers);
    const last = Math.floor((o.connections * (w + 1)) / o.workers);
    const worker = new Worker(__filename, { workerData: { ...o, first, last } });
    progress.push({ subscribed: 0, failed: 0 });
    worker.on("message", (m) => { if (m.kind === "progress") progress[w] = m; });
    worker.on("error", (e) => usage(`worker: ${e.message}`));
    workers.push(worker);
  }
  const total = (k) => progress.reduce((a, p) => a + p[k], 0);
  const connectDeadline = Date.now() + 120000;
  while (total("subscribed") + total("failed") < o.connections && Date.now() < connectDeadline) await sleep(50);
  await sleep(1000); // let the server settle before reading its memory
  const rssIdle = rssKib(o.serverPid);

  const kafka = new Kafka({ clientId: "socketio-load", brokers: o.bootstrap.split(","), logLevel: logLevel.ERROR });
  const producer = kafka.producer();
  await producer.connect();
  for (const w of workers) w.postMessage("measure");
  const cpuStart = cpuSeconds(o.serverPid);
  // Ticks in 2 ms slices (a Node timer's resolution is about a millisecond);
  // each tick's ts is taken when it is handed to the producer, as in ws_load.
  let produced = 0;
  const sends = [];
  const start = performance.now();
  const endAt = start + o.seconds * 1000;
  while (performance.now() < endAt) {
    const due = Math.floor(((performance.now() - start) / 1000) * o.rate);
    const messages = [];
    for (; produced < due; ++produced) {
      const symbol = symbolName(o, produced % o.universe);
      const tick = { v: 1, symbol, price: 100 + (produced % 1000) / 100, volume: 1, ts: Date.now(), source: "socketio_load", currency: "USD" };
      messages.push({ key: symbol, value: JSON.stringify(tick) });
    }
    if (messages.length) sends.push(producer.send({ topic: "stock-prices", messages }));
    await sleep(2);
  }
  await Promise.allSettled(sends);
  await sleep(1000); // the last ticks in flight
  const elapsed = (performance.now() - start) / 1000;
  const serverCpu = o.serverPid ? cpuSeconds(o.serverPid) - cpuStart : 0;
  const results = await Promise.all(workers.map((w) => new Promise((resolve) => {
    w.on("message", (m) => { if (m.kind === "result") resolve(m); });
    w.postMessage("stop");
  })));
  await producer.disconnect();
  const hist = new Float64Array(BUCKETS);
  let delivered = 0;
  for (const r of results) {
    delivered += r.delivered;
    for (let b = 0; b < BUCKETS; ++b) hist[b] += r.hist[b];
  }
  for (const w of workers) await w.terminate();
  const expectedPerTick = (o.connections * o.symbols) / o.universe;
  const f1 = (x) => Number(x.toFixed(1));
  console.log(JSON.stringify({
    connections: o.connections, connected: total("subscribed"), failed: total("failed"), symbols_per_connection: o.symbols,
    universe: o.universe, ticks_produced: produced, ticks_per_s: Math.round(produced / elapsed), delivered,
    expected: Math.round(expectedPerTick * produced), delivered_per_s: Math.round(delivered / elapsed),
    latency_ms_p50: f1(quantile(hist, delivered, 0.5)), latency_ms_p99: f1(quantile(hist, delivered, 0.99)),
    latency_ms_max: f1(quantile(hist, delivered, 1.0)), server_rss_kib_before: rssBefore, server_rss_kib_idle: rssIdle,
    idle_kib_per_connection: o.serverPid ? Number((Math.max(0, rssIdle - rssBefore) / o.connections).toFixed(2)) : 0,
    server_cpu_s: Number(serverCpu.toFixed(2)),
  }));
}

main().catch((e) => usage(e.message));
