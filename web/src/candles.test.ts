import { describe, expect, it } from "vitest";
import { bucketStart, mergeTick, niceStep, priceScale, upsertCandle } from "./candles";
import type { Candle } from "./types";

const T0 = 1_764_000_000_000 - (1_764_000_000_000 % 300_000);  // a 5-minute boundary

function candle(ts: number, open: number, close: number, extra: Partial<Candle> = {}): Candle {
  return {
    ts, open, close, high: Math.max(open, close), low: Math.min(open, close), volume: 10, vwap: null, ticks: 1,
    final: true, ...extra,
  };
}

describe("mergeTick", () => {
  it("extends the last candle with a tick inside its window", () => {
    const out = mergeTick([candle(T0, 100, 101)], 105, 5, T0 + 60_000, "5m");
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ open: 100, close: 105, high: 105, low: 100, volume: 15, ticks: 2 });
  });
  it("opens a new, not final candle at the start of the next window", () => {
    const out = mergeTick([candle(T0, 100, 101)], 99, 3, T0 + 300_000 + 42_000, "5m");
    expect(out).toHaveLength(2);
    expect(out[1]).toMatchObject({ ts: T0 + 300_000, open: 99, high: 99, low: 99, close: 99, final: false });
  });
  it("ignores ticks older than the last candle and invalid prices, without copying", () => {
    const input = [candle(T0, 100, 101)];
    expect(mergeTick(input, 50, 1, T0 - 1, "5m")).toBe(input);
    expect(mergeTick(input, Number.NaN, 1, T0 + 1, "5m")).toBe(input);
    expect(mergeTick(input, -1, 1, T0 + 1, "5m")).toBe(input);
  });
  it("never opens a day from a tick (the server's days are New York days)", () => {
    const out = mergeTick([candle(T0, 100, 101)], 120, 1, T0 + 3 * 86_400_000, "1d");
    expect(out).toHaveLength(1);
    expect(out[0].close).toBe(120);
  });
  it("keeps at most maxCandles", () => {
    let cs = [candle(T0, 1, 1)];
    for (let i = 1; i <= 5; i++) cs = mergeTick(cs, 1 + i, 1, T0 + i * 300_000, "5m", 3);
    expect(cs.map((c) => c.ts)).toEqual([T0 + 3 * 300_000, T0 + 4 * 300_000, T0 + 5 * 300_000]);
  });
});

describe("upsertCandle", () => {
  it("replaces the candle with the same start and inserts others in order", () => {
    const cs = [candle(T0, 1, 2), candle(T0 + 600_000, 3, 4)];
    const replaced = upsertCandle(cs, candle(T0, 1, 9));
    expect(replaced.map((c) => c.close)).toEqual([9, 4]);
    const inserted = upsertCandle(cs, candle(T0 + 300_000, 2, 3));
    expect(inserted.map((c) => c.ts)).toEqual([T0, T0 + 300_000, T0 + 600_000]);
  });
});

describe("scales", () => {
  it("picks 1-2-5 steps", () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.3)).toBe(2);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(0.03)).toBeCloseTo(0.05);
    expect(niceStep(0)).toBe(1);
  });
  it("maps the range with headroom, top is the highest price", () => {
    const s = priceScale([candle(T0, 100, 110)], 0, 100);
    expect(s.y(s.max)).toBeCloseTo(0);
    expect(s.y(s.min)).toBeCloseTo(100);
    expect(s.y(110)).toBeGreaterThan(0);
    expect(s.y(100)).toBeLessThan(100);
    expect(s.ticks.length).toBeGreaterThan(1);
    for (const t of s.ticks) expect(t).toBeGreaterThanOrEqual(s.min);
  });
  it("gives a flat series a range", () => {
    const s = priceScale([candle(T0, 5, 5)], 0, 100);
    expect(s.max).toBeGreaterThan(s.min);
  });
  it("buckets timestamps", () => {
    expect(bucketStart(T0 + 299_999, "5m")).toBe(T0);
  });
});
