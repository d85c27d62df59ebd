// Candle arithmetic for the chart: merging live ticks or candles into the
// history, and the geometry of the drawing. Pure, tested in candles.test.ts.
import type { Candle, Interval } from "./types";

export const intervalMs: Record<Interval, number> = { "5m": 300_000, "1h": 3_600_000, "1d": 86_400_000 };

/// The start of the bucket that holds `ts`. Days are cut at UTC midnight here;
/// the server's 1d candles are New York trading days, so a live tick only
/// extends the last daily candle and never opens a new one (see mergeTick).
export function bucketStart(ts: number, interval: Interval): number {
  const size = intervalMs[interval];
  return Math.floor(ts / size) * size;
}

/// A tick folded into the candles (oldest first; the array is not changed).
/// A tick inside the last candle updates its close, high, low and volume; a
/// tick after it opens a new (not final) candle; an older tick is ignored,
/// because the history from the server already holds it.
export function mergeTick(candles: Candle[], price: number, volume: number, ts: number, interval: Interval,
                          maxCandles = 500): Candle[] {
  if (!Number.isFinite(price) || price <= 0) return candles;
  const last = candles[candles.length - 1];
  const size = intervalMs[interval];
  if (last && ts < last.ts) return candles;
  if (last && (ts < last.ts + size || interval === "1d")) {
    const updated: Candle = {
      ...last,
      close: price,
      high: Math.max(last.high, price),
      low: Math.min(last.low, price),
      volume: last.volume + volume,
      ticks: last.ticks + 1,
    };
    return [...candles.slice(0, -1), updated];
  }
  const fresh: Candle = {
    ts: bucketStart(ts, interval), open: price, high: price, low: price, close: price,
    volume, vwap: null, ticks: 1, final: false,
  };
  const next = [...candles, fresh];
  return next.length > maxCandles ? next.slice(next.length - maxCandles) : next;
}

/// A candle from the server (a `candle` frame or a refetch) put in its place:
/// replaces the candle with the same start, or is inserted in time order.
export function upsertCandle(candles: Candle[], candle: Candle): Candle[] {
  const i = candles.findIndex((c) => c.ts === candle.ts);
  if (i >= 0) return [...candles.slice(0, i), candle, ...candles.slice(i + 1)];
  const next = [...candles, candle];
  next.sort((a, b) => a.ts - b.ts);
  return next;
}

export interface Scale {
  min: number;
  max: number;
  /// y pixel of a price (top = max).
  y(price: number): number;
  ticks: number[];
}

/// The price axis: the candles' range with 5% headroom and "nice" tick steps.
export function priceScale(candles: Candle[], top: number, bottom: number, tickCount = 5): Scale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of candles) {
    lo = Math.min(lo, c.low);
    hi = Math.max(hi, c.high);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  const min = lo - pad;
  const max = hi + pad;
  const step = niceStep((max - min) / tickCount);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(Number(t.toFixed(10)));
  const span = max - min;
  return { min, max, ticks, y: (price) => top + ((max - price) / span) * (bottom - top) };
}

/// 1, 2 or 5 times a power of ten, the smallest not below `raw`.
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}
