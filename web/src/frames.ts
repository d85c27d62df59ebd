// Frames the WebSocket sends (docs/websocket.md), checked before use: a frame
// of an unknown type or with a missing field is dropped, never trusted.
import type { Candle, Notification } from "./types";

export interface TickFrame {
  type: "tick";
  symbol: string;
  price: number;
  volume: number;
  ts: number;
  currency?: string;
  /// Came from a poll of /api/quotes, not from the socket: the same price
  /// may arrive again, and its volume is not a new trade's.
  polled?: boolean;
}

export interface CandleFrame {
  type: "candle";
  symbol: string;
  interval: string;
  candle: Candle;
}

export interface AlertFrame {
  type: "alert";
  symbol?: string;
  title?: string;
  raw: Record<string, unknown>;
}

export interface NotificationFrame {
  type: "notification";
  notification: Partial<Notification>;
}

export type LiveFrame = TickFrame | CandleFrame | AlertFrame | NotificationFrame;

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === "string";

function candleOf(o: Record<string, unknown>): Candle | null {
  const num = (k: string) => (isNum(o[k]) ? (o[k] as number) : null);
  const ts = num("ts") ?? num("start_ts") ?? num("window_start");
  const open = num("open");
  const high = num("high");
  const low = num("low");
  const close = num("close");
  if (ts === null || open === null || high === null || low === null || close === null) return null;
  return {
    ts, open, high, low, close, volume: num("volume") ?? 0, vwap: num("vwap"), ticks: num("ticks") ?? 0,
    final: o.final === true,
  };
}

/// The stock candle messages carry start_ts and end_ts, not an interval name.
function intervalOf(o: Record<string, unknown>): string {
  const span = isNum(o.end_ts) && isNum(o.start_ts) ? o.end_ts - o.start_ts : 300_000;
  if (span <= 300_000) return "5m";
  if (span <= 3_600_000) return "1h";
  return "1d";
}

export function parseFrame(text: string): LiveFrame | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null) return null;
  const f = o as Record<string, unknown>;
  // A payload may sit under "data" beside the type.
  const d = (typeof f.data === "object" && f.data !== null ? f.data : f) as Record<string, unknown>;
  switch (f.type) {
    case "tick":
      if (!isStr(d.symbol) || !isNum(d.price) || !isNum(d.ts)) return null;
      return {
        type: "tick", symbol: d.symbol, price: d.price, ts: d.ts, volume: isNum(d.volume) ? d.volume : 0,
        currency: isStr(d.currency) ? d.currency : undefined,
      };
    case "candle": {
      const inner = (typeof d.candle === "object" && d.candle !== null ? d.candle : d) as Record<string, unknown>;
      const candle = candleOf(inner);
      if (!isStr(d.symbol) || !candle) return null;
      return { type: "candle", symbol: d.symbol, interval: isStr(d.interval) ? d.interval : intervalOf(inner), candle };
    }
    case "alert":
      return {
        type: "alert", symbol: isStr(d.symbol) ? d.symbol : undefined, title: isStr(d.title) ? d.title : undefined,
        raw: d,
      };
    case "notification":
      return { type: "notification", notification: d as Partial<Notification> };
    default:
      return null;
  }
}
