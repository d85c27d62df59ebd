// The Express 5 baseline of the API benchmark (bench/api_bench.sh): the two
// REST endpoints the benchmark compares, written the way the spec's
// Node.js + Express + pg stack would, against the same PostgreSQL tables
// and with the same JSON answers as `stocktracker api`:
//
//   GET /api/quotes?symbols=AAPL,MSFT   latest quote per symbol, from memory
//   GET /api/companies/:id/prices       ticks (interval=tick) or candles
//                                       (interval=5m|1h|1d), from/to, limit
//
// Quotes are fed as the api feeds its QuoteBook: seeded with each company's
// latest stored tick, then kept current by a reader of `stock-prices` that
// starts at the topic's end (kafkajs needs a consumer group, so a fresh
// group id per process stands in for the api's group-less assignment).
// The company look-up (id or symbol -> company) is cached in a Map, as the
// api caches it, so the database round trips per request are the same.
//
//   PORT=8090 DATABASE_URL=postgresql://... KAFKA_BOOTSTRAP_SERVERS=... node server.js
"use strict";

const express = require("express");
const { Pool } = require("pg");
const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = require("kafkajs");
const LZ4Codec = require("@2l/kafkajs-lz4");

// The project's producers compress with LZ4, which kafkajs cannot read alone.
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;

const port = Number(process.env.PORT || 8090);
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 8 }); // the api's db_pool_size
const SYMBOL = /^[A-Z][A-Z0-9.-]{0,9}$/;
const MAX_SYMBOLS = 100;
const quotes = new Map(); // symbol -> tick, the latest by event time

function keepLatest(t) {
  const old = quotes.get(t.symbol);
  if (!old || t.ts >= old.ts) quotes.set(t.symbol, t);
}

async function seedQuotes() {
  const { rows } = await pool.query(
    "SELECT c.symbol, p.ts_ms, p.price, p.volume, p.source, p.currency FROM companies c " +
      "CROSS JOIN LATERAL (SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, price::float8 AS price, volume, " +
      "                           source, currency FROM stock_prices WHERE symbol = c.symbol " +
      "                    ORDER BY ts DESC LIMIT 1) p");
  for (const r of rows) {
    keepLatest({ symbol: r.symbol, price: r.price, volume: Number(r.volume), ts: Number(r.ts_ms), source: r.source,
                 currency: r.currency });
  }
}

async function followQuotes() {
  const kafka = new Kafka({ clientId: "express-baseline", brokers: (process.env.KAFKA_BOOTSTRAP_SERVERS || "127.0.0.1:9092").split(","),
                            logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: `express-baseline-quotes-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: "stock-prices", fromBeginning: false });
  consumer.on(consumer.events.CRASH, (e) => console.error(JSON.stringify({ level: "error", msg: "kafka consumer crashed", error: String(e.payload?.error?.message) })));
  await consumer.run({
    eachMessage: async ({ message }) => {
      try {
        const t = JSON.parse(message.value.toString());
        if (typeof t.symbol === "string" && typeof t.price === "number" && typeof t.ts === "number") keepLatest(t);
      } catch { /* bad ones are the store's to dead-letter, as in the api */ }
    },
  });
  return consumer;
}

function problem(res, status, title, detail, field) {
  res.status(status).type("application/problem+json").send(JSON.stringify({ type: "about:blank", title, status, detail, field }));
}

const app = express();
app.disable("x-powered-by");
app.disable("etag"); // the api sends no ETag either

app.get("/api/quotes", (req, res) => {
  const list = typeof req.query.symbols === "string" ? req.query.symbols : "";
  if (!list) return problem(res, 400, "Missing query parameter", "symbols is required, e.g. symbols=AAPL,MSFT", "symbols");
  const symbols = list.split(",");
  for (const s of symbols) {
    if (!SYMBOL.test(s)) {
      return problem(res, 400, "Invalid query parameter",
                     `symbols must be symbols like AAPL separated by commas (got "${s.slice(0, 16)}")`, "symbols");
    }
  }
  if (symbols.length > MAX_SYMBOLS) return problem(res, 400, "Invalid query parameter", "at most 100 symbols per request", "symbols");
  const found = [];
  const missing = [];
  for (const s of symbols) {
    const q = quotes.get(s);
    if (q) found.push({ symbol: q.symbol, price: q.price, volume: q.volume, ts: q.ts, source: q.source, currency: q.currency });
    else missing.push(s);
  }
  res.json({ quotes: found, missing });
});

const companies = new Map(); // id or symbol -> {id, symbol} | null
async function findCompany(id) {
  if (companies.has(id)) return companies.get(id);
  const numeric = /^[0-9]{1,17}$/.test(id);
  const { rows } = await pool.query(numeric ? "SELECT id, symbol FROM companies WHERE id = $1::bigint"
                                            : "SELECT id, symbol FROM companies WHERE symbol = $1", [id]);
  const ref = rows.length ? { id: Number(rows[0].id), symbol: rows[0].symbol } : null;
  companies.set(id, ref);
  return ref;
}

function intParam(req, name, min, max, dflt) {
  const v = req.query[name];
  if (v === undefined) return dflt;
  return /^-?[0-9]+$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : undefined;
}

function timeParam(req, name) {
  const v = req.query[name];
  if (v === undefined) return null;
  const ms = /^[0-9]+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

// The api's candle query (services/api/candles_query.cpp): buckets of the
// interval over the 5-minute candles, stored 1h/1d buckets preferred; only
// the newest limit x 12 (1h) or x 300 (a 25-hour New York day) 5-minute rows
// and the newest `limit` stored buckets are read.
const CANDLES_SQL = `
WITH c AS (
  SELECT CASE $5 WHEN '1h' THEN date_trunc('hour', bucket_start)
           ELSE date_trunc('day', bucket_start AT TIME ZONE 'America/New_York') AT TIME ZONE 'America/New_York' END AS b,
         bucket_start, open, high, low, close, volume, vwap, tick_count, is_final
  FROM price_candles WHERE symbol = $1 AND interval = '5m'
    AND ($2::bigint IS NULL OR bucket_start >= to_timestamp($2::bigint / 1000.0))
    AND ($3::bigint IS NULL OR bucket_start < to_timestamp($3::bigint / 1000.0))
  ORDER BY bucket_start DESC LIMIT $4::int * CASE $5 WHEN '1h' THEN 12 ELSE 300 END
), g AS (
  SELECT b, (array_agg(open ORDER BY bucket_start))[1] AS open, max(high) AS high, min(low) AS low,
         (array_agg(close ORDER BY bucket_start DESC))[1] AS close, sum(volume) AS volume,
         sum(vwap * volume) / nullif(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap,
         sum(tick_count) AS ticks, bool_and(is_final) AS final
  FROM c GROUP BY b
), s AS (
  SELECT bucket_start AS b, open, high, low, close, volume, vwap, tick_count AS ticks, is_final AS final
  FROM price_candles WHERE symbol = $1 AND interval = $5
    AND ($2::bigint IS NULL OR bucket_start >= to_timestamp($2::bigint / 1000.0))
    AND ($3::bigint IS NULL OR bucket_start < to_timestamp($3::bigint / 1000.0))
  ORDER BY bucket_start DESC LIMIT $4::int
), u AS (
  SELECT DISTINCT ON (b) * FROM (SELECT *, 0 AS aggregated FROM s UNION ALL SELECT *, 1 FROM g) x
  ORDER BY b DESC, aggregated LIMIT $4::int
)
SELECT (extract(epoch FROM b) * 1000)::bigint AS ts, open::float8 AS open, high::float8 AS high, low::float8 AS low,
       close::float8 AS close, volume, vwap::float8 AS vwap, ticks, final
FROM u ORDER BY b`;
// Its 5-minute fast path: the newest `limit` stored rows.
const CANDLES_5M_SQL = `
SELECT (extract(epoch FROM bucket_start) * 1000)::bigint AS ts, open::float8 AS open, high::float8 AS high,
       low::float8 AS low, close::float8 AS close, volume, (CASE WHEN volume <> 0 THEN vwap END)::float8 AS vwap,
       tick_count AS ticks, is_final AS final
FROM (SELECT * FROM price_candles
      WHERE symbol = $1 AND interval = '5m'
        AND ($2::bigint IS NULL OR bucket_start >= to_timestamp($2::bigint / 1000.0))
        AND ($3::bigint IS NULL OR bucket_start < to_timestamp($3::bigint / 1000.0))
      ORDER BY bucket_start DESC LIMIT $4::int) t
ORDER BY bucket_start`;

const TICKS_SQL =
  "SELECT ts_ms, price::float8 AS price, volume, source FROM (" +
  "  SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, price, volume, source, ts, src_partition, src_offset " +
  "  FROM stock_prices WHERE symbol = $1 " +
  "    AND ($2::bigint IS NULL OR ts >= to_timestamp($2::bigint / 1000.0)) " +
  "    AND ($3::bigint IS NULL OR ts < to_timestamp($3::bigint / 1000.0)) " +
  "  ORDER BY ts DESC, src_partition DESC, src_offset DESC LIMIT $4::int) t " +
  "ORDER BY ts, src_partition, src_offset";

app.get("/api/companies/:id/prices", async (req, res) => {
  const limit = intParam(req, "limit", 1, 10000, 1000);
  if (limit === undefined) return problem(res, 400, "Invalid query parameter", "limit must be an integer from 1 to 10000", "limit");
  const from = timeParam(req, "from");
  const to = timeParam(req, "to");
  if (from === undefined || to === undefined) {
    const name = from === undefined ? "from" : "to";
    return problem(res, 400, "Invalid query parameter",
                   `${name} must be an ISO 8601 time (2026-11-27T10:00:00Z) or epoch milliseconds`, name);
  }
  if (from !== null && to !== null && from >= to) return problem(res, 400, "Invalid time range", "from must be before to", "from");
  const interval = req.query.interval === undefined ? "tick" : req.query.interval;
  if (!["tick", "5m", "1h", "1d"].includes(interval)) {
    return problem(res, 400, "Invalid query parameter", "interval must be tick, 5m, 1h or 1d", "interval");
  }
  const id = req.params.id;
  if (!/^[0-9]{1,17}$/.test(id) && !SYMBOL.test(id)) return problem(res, 400, "Invalid company", "id must be a company id or a symbol", "id");
  try {
    const company = await findCompany(id);
    if (!company) return problem(res, 404, "Not Found", `no company ${id}`, "id");
    const args = [company.symbol, from, to, limit];
    if (interval !== "tick") {
      const { rows } = interval === "5m" ? await pool.query(CANDLES_5M_SQL, args)
                                         : await pool.query(CANDLES_SQL, [...args, interval]);
      const candles = rows.map((r) => ({ ts: Number(r.ts), open: r.open, high: r.high, low: r.low, close: r.close,
                                         volume: Number(r.volume), vwap: r.vwap, ticks: Number(r.ticks), final: r.final }));
      return res.json({ company, interval, candles });
    }
    const { rows } = await pool.query(TICKS_SQL, args);
    const prices = rows.map((r) => ({ ts: Number(r.ts_ms), price: r.price, volume: Number(r.volume), source: r.source }));
    res.json({ company, interval: "tick", prices });
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "database error", error: String(e.message) }));
    problem(res, 503, "Service Unavailable", "the database is not available; retry later");
  }
});

async function main() {
  await seedQuotes();
  const consumer = await followQuotes();
  const server = app.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ msg: "express baseline listening", port, quotes: quotes.size })));
  const stop = async () => {
    server.close();
    await consumer.disconnect().catch(() => {});
    await pool.end().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(`express baseline: ${e.message}`);
  process.exit(1);
});
