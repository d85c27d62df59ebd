// The Socket.io load client: bench/ws_load.cpp's fanout (capacity)
// measurement against the Socket.io baseline (server.js), with the same
// options and the same JSON line on stdout. N connections, connection i
// following symbols i..i+S-1 (mod U) of PREFIX0000.., server RSS before and
// with the idle connections (memory per idle connection), then ticks of
// those symbols produced to `stock-prices` in steps: --rate ticks/s for
// --seconds, times --step-factor per step; sustained and stopping as in
// ws_load (at least --min-delivered of the expected messages with p99
// within --p99-ms; stop past capacity). Latency from each tick's
// send time to its arrival; the send time travels in `volume` (step * 1e10
// + epoch microseconds mod 1e10), as ws_load does.
//
//   node load.js --port 8091 --token T --connections 10000 --symbols 20 --universe 200
//                --rate 10 --step-factor 1.5 --max-rate 2000 --seconds 5 --server-pid PID [--workers 2] [--prefix SIO]
//
// The clients run on worker threads (socket.io-client decodes every packet
// in JavaScript, which one thread cannot do for as many messages as the C++
// client's one thread); the producer runs on the main thread.
"use strict";

const fs = require("fs");
const { Worker, isMainThread, parentPort, workerData } = require("worker_threads");

const BUCKETS = 100000; // 0.1 ms buckets up to 10 s, as ws_load
const CLOCK_WRAP = 1e10; // microseconds in the send-time part of `volume`
const MAX_STEPS = 40;
const WARMUP_STEP = MAX_STEPS; // the warm-up's ticks: not counted

function symbolName(o, i) {
  return o.prefix + String(i % o.universe).padStart(4, "0");
}

function nowUs() {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

function sendTag(step) {
  return step * CLOCK_WRAP + (nowUs() % CLOCK_WRAP);
}

if (!isMainThread) {
  const { io } = require("socket.io-client");
  const o = workerData;
  const hists = new Map(); // step -> Uint32Array
  const counts = new Map(); // step -> delivered
  let lastArrival = 0;
  let subscribed = 0;
  let failed = 0;
  const sockets = [];
  parentPort.on("message", (m) => {
    if (m.kind === "step") {
      const hist = hists.get(m.step) || new Uint32Array(BUCKETS);
      parentPort.postMessage({ kind: "step", step: m.step, delivered: counts.get(m.step) || 0, hist, lastArrival });
    }
    if (m.kind === "stop") {
      for (const s of sockets) s.close();
      parentPort.postMessage({ kind: "stopped" });
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
      const tag = msg.data.volume;
      const step = Math.floor(tag / CLOCK_WRAP);
      if (step >= MAX_STEPS) return;
      let elapsed = (nowUs() % CLOCK_WRAP) - (tag % CLOCK_WRAP);
      if (elapsed < 0) elapsed += CLOCK_WRAP;
      const ms = elapsed / 1000;
      let hist = hists.get(step);
      if (!hist) {
        hist = new Uint32Array(BUCKETS);
        hists.set(step, hist);
      }
      hist[Math.floor(Math.min(Math.max(ms, 0), 9999.9) * 10)]++;
      counts.set(step, (counts.get(step) || 0) + 1);
      lastArrival = Date.now();
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
                       "         [--rate TICKS_PER_S] [--step-factor F] [--max-rate R] [--seconds D] [--p99-ms MS]\n" +
                       "         [--min-delivered FRACTION] [--server-pid PID] [--bootstrap HOST:PORT] [--prefix P] [--workers W]\n");
  process.exit(2);
}

function parse(argv) {
  const o = { port: 8091, token: process.env.ST_WS_TOKEN || "", connections: 100, symbols: 20, universe: 200, rate: 1000,
              seconds: 10, serverPid: 0, bootstrap: process.env.KAFKA_BOOTSTRAP_SERVERS || "127.0.0.1:9092", prefix: "SIO",
              workers: 2, stepFactor: 1, maxRate: 0, p99Ms: 50, minDelivered: 0.98 };
  const names = { "--port": "port", "--token": "token", "--connections": "connections", "--symbols": "symbols",
                  "--universe": "universe", "--rate": "rate", "--seconds": "seconds", "--server-pid": "serverPid",
                  "--bootstrap": "bootstrap", "--prefix": "prefix", "--workers": "workers", "--step-factor": "stepFactor",
                  "--max-rate": "maxRate", "--p99-ms": "p99Ms", "--min-delivered": "minDelivered" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key) usage(`unknown option ${argv[i]}`);
    if (i + 1 >= argv.length) usage(`missing value for ${argv[i]}`);
    o[key] = typeof o[key] === "number" ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!o.token) usage("--token (or ST_WS_TOKEN) is required");
  if (!(o.connections >= 1 && o.symbols >= 1 && o.universe >= o.symbols && o.rate > 0 && o.seconds >= 1 && o.workers >= 1 && o.stepFactor >= 1)) {
    usage("need connections >= 1, 1 <= symbols <= universe, rate > 0, seconds >= 1, workers >= 1, step-factor >= 1");
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

  // Ticks in 2 ms slices (a Node timer's resolution is about a millisecond);
  // each tick's send time is taken when it is handed to the producer, as in ws_load.
  let serial = 0;
  const produce = async (rate, seconds, step) => {
    let produced = 0;
    const sends = [];
    const start = performance.now();
    const endAt = start + seconds * 1000;
    while (performance.now() < endAt) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      const messages = [];
      for (; produced < due; ++produced, ++serial) {
        const symbol = symbolName(o, produced % o.universe);
        const tick = { v: 1, symbol, price: 100 + (serial % 1000) / 100, volume: sendTag(step), ts: Date.now(), source: "socketio_load", currency: "USD" };
        messages.push({ key: symbol, value: JSON.stringify(tick) });
      }
      if (messages.length) sends.push(producer.send({ topic: "stock-prices", messages }));
      await sleep(2);
    }
    await Promise.allSettled(sends);
    return produced;
  };
  // The arrivals of `step` so far, over the workers.
  const collect = (step) => Promise.all(workers.map((w) => new Promise((resolve) => {
    const on = (m) => {
      if (m.kind === "step" && m.step === step) {
        w.off("message", on);
        resolve(m);
      }
    };
    w.on("message", on);
    w.postMessage({ kind: "step", step });
  })));
  const merged = async (step) => {
    const parts = await collect(step);
    const hist = new Float64Array(BUCKETS);
    let delivered = 0;
    let lastArrival = 0;
    for (const p of parts) {
      delivered += p.delivered;
      lastArrival = Math.max(lastArrival, p.lastArrival);
      for (let b = 0; b < BUCKETS; ++b) hist[b] += p.hist[b];
    }
    return { hist, delivered, lastArrival };
  };

  await produce(Math.min(o.rate, 100), 1, WARMUP_STEP); // warm-up: not counted
  await sleep(500);
  const followers = (o.connections * o.symbols) / o.universe;
  const f1 = (x) => Number(x.toFixed(1));
  const steps = [];
  let rate = o.rate;
  let unsustainedInARow = 0;
  for (let step = 0; step < MAX_STEPS; ++step) {
    const cpuStart = cpuSeconds(o.serverPid);
    const produced = await produce(rate, o.seconds, step);
    // Until arrivals stop (none for 300 ms), at most 5 s after the step.
    const stepEnd = Date.now();
    await sleep(300);
    for (;;) {
      const { lastArrival } = await merged(step);
      if (Date.now() - lastArrival >= 300 || Date.now() - stepEnd > 5000) break;
      await sleep(50);
    }
    const { hist, delivered } = await merged(step);
    const expected = followers * produced;
    const r = {
      ticks_per_s: Math.round(rate), ticks_produced: produced, expected: Math.round(expected), delivered,
      delivered_per_s: Math.round(delivered / o.seconds), latency_ms_p50: f1(quantile(hist, delivered, 0.5)),
      latency_ms_p99: f1(quantile(hist, delivered, 0.99)), latency_ms_max: f1(quantile(hist, delivered, 1.0)),
      server_cpu_s: Number((cpuSeconds(o.serverPid) - cpuStart).toFixed(2)),
    };
    r.sustained = delivered >= o.minDelivered * expected && r.latency_ms_p99 <= o.p99Ms;
    process.stderr.write(`load.js: step ${step}: ${r.ticks_per_s} ticks/s, ${r.delivered_per_s} delivered/s ` +
                         `(${(100 * delivered / Math.max(expected, 1)).toFixed(1)}% of expected), p99 ${r.latency_ms_p99} ms` +
                         `${r.sustained ? "" : ": not sustained"}\n`);
    steps.push(r);
    rate *= o.stepFactor;
    // Past capacity, as ws_load decides it.
    const saturated = delivered < o.minDelivered * expected;
    unsustainedInARow = r.sustained ? 0 : unsustainedInARow + 1;
    if (saturated || unsustainedInARow >= 2 || o.stepFactor <= 1 || rate > o.maxRate) break;
  }
  await Promise.all(workers.map((w) => new Promise((resolve) => {
    w.on("message", (m) => { if (m.kind === "stopped") resolve(); });
    w.postMessage({ kind: "stop" });
  })));
  await producer.disconnect();
  for (const w of workers) await w.terminate();
  let best = null;
  for (const s of steps) if (s.sustained && (!best || s.delivered_per_s > best.delivered_per_s)) best = s;
  const first = steps[0];
  console.log(JSON.stringify({
    mode: "fanout", connections: o.connections, connected: total("subscribed"), failed: total("failed"),
    symbols_per_connection: o.symbols, universe: o.universe, seconds_per_step: o.seconds, p99_bound_ms: o.p99Ms,
    min_delivered: o.minDelivered, ticks_produced: first.ticks_produced, ticks_per_s: first.ticks_per_s,
    delivered: first.delivered, expected: first.expected, delivered_per_s: first.delivered_per_s,
    latency_ms_p50: first.latency_ms_p50, latency_ms_p99: first.latency_ms_p99, latency_ms_max: first.latency_ms_max,
    server_cpu_s: first.server_cpu_s, max_sustained_ticks_per_s: best ? best.ticks_per_s : 0,
    max_sustained_delivered_per_s: best ? best.delivered_per_s : 0,
    max_sustained_latency_ms_p99: best ? best.latency_ms_p99 : 0, max_sustained_server_cpu_s: best ? best.server_cpu_s : 0,
    server_rss_kib_before: rssBefore, server_rss_kib_idle: rssIdle,
    idle_kib_per_connection: o.serverPid ? Number((Math.max(0, rssIdle - rssBefore) / o.connections).toFixed(2)) : 0,
    steps,
  }));
}

main().catch((e) => usage(e.message));
