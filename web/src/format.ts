// Number and time formatting for the tiles, charts and lists. Pure, tested in
// format.test.ts.

const currencyFormats = new Map<string, Intl.NumberFormat>();

/// A price in its currency: two decimals, or up to four below 1 (penny stocks).
export function formatPrice(value: number | null | undefined, currency = "USD"): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const digits = Math.abs(value) < 1 && value !== 0 ? 4 : 2;
  const key = `${currency}:${digits}`;
  let f = currencyFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat("en-US", {
        style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
      });
    } catch {
      // An unknown currency code: a plain number with the code after it.
      f = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    currencyFormats.set(key, f);
  }
  return f.format(value);
}

/// A signed change in percent: "+1.23%", "−0.50%", "0.00%".
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const rounded = Math.round(value * 100) / 100;
  const text = Math.abs(rounded).toFixed(2);
  if (rounded > 0) return `+${text}%`;
  if (rounded < 0) return `\u2212${text}%`;
  return `${text}%`;
}

/// A signed absolute change with two decimals: "+1.20", "−0.35".
export function formatChange(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const text = Math.abs(value).toFixed(2);
  if (value > 0.005) return `+${text}`;
  if (value < -0.005) return `\u2212${text}`;
  return text;
}

/// Percent change from `base` to `value`; null when there is no base.
export function percentChange(value: number, base: number | null | undefined): number | null {
  if (base === null || base === undefined || base === 0 || !Number.isFinite(base)) return null;
  return ((value - base) / base) * 100;
}

export type Direction = "up" | "down" | "flat";

export function direction(change: number | null | undefined): Direction {
  if (change === null || change === undefined || Math.abs(change) < 1e-9) return "flat";
  return change > 0 ? "up" : "down";
}

/// Volumes as 1.2K, 3.4M, 5.6B.
export function formatVolume(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}K`;
  return String(Math.round(value));
}

/// "just now", "5 min ago", "3 h ago", else the date.
export function formatAge(ts: number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - ts) / 1000));
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(ts).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric" });
}

/// An axis label for a candle's start time at the chart's interval.
export function formatCandleTime(ts: number, interval: string): string {
  const d = new Date(ts);
  if (interval === "1d") return d.toLocaleDateString("en-US", { month: "short", day: "numeric" });
  return d.toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", hour12: false });
}
