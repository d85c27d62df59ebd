import { describe, expect, it } from "vitest";
import { parseFrame } from "./frames";

describe("parseFrame", () => {
  it("reads a tick frame carrying the stock-prices message under data", () => {
    const f = parseFrame(JSON.stringify({ type: "tick", data: { v: 1, symbol: "AAPL", price: 201.5, volume: 30, ts: 1764000000000, source: "sim" } }));
    expect(f).toMatchObject({ type: "tick", symbol: "AAPL", price: 201.5, volume: 30, ts: 1764000000000 });
  });
  it("reads a candle frame and its interval from start_ts/end_ts", () => {
    const data = { symbol: "MSFT", start_ts: 1764000000000, end_ts: 1764000300000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 9, vwap: 1.2, ticks: 4, final: true };
    const f = parseFrame(JSON.stringify({ type: "candle", data }));
    expect(f).toMatchObject({ type: "candle", symbol: "MSFT", interval: "5m", candle: { ts: 1764000000000, close: 1.5, final: true } });
    const hour = parseFrame(JSON.stringify({ type: "candle", data: { ...data, end_ts: data.start_ts + 3_600_000 } }));
    expect(hour).toMatchObject({ interval: "1h" });
  });
  it("drops what it cannot trust", () => {
    expect(parseFrame("not json")).toBeNull();
    expect(parseFrame("[]")).toBeNull();
    expect(parseFrame(JSON.stringify({ type: "tick", data: { symbol: "AAPL", price: "1" } }))).toBeNull();
    expect(parseFrame(JSON.stringify({ type: "candle", data: { symbol: "AAPL", open: 1 } }))).toBeNull();
    expect(parseFrame(JSON.stringify({ type: "unknown" }))).toBeNull();
  });
  it("passes notifications and alerts on", () => {
    expect(parseFrame(JSON.stringify({ type: "notification", data: { id: 3, title: "x" } }))).toMatchObject({ type: "notification" });
    expect(parseFrame(JSON.stringify({ type: "alert", data: { symbol: "AAPL" } }))).toMatchObject({ type: "alert", symbol: "AAPL" });
  });
});
