import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import { mergeTick, upsertCandle } from "../candles";
import { formatPrice } from "../format";
import { liveFeed } from "../live";
import type { Candle, Company, Interval } from "../types";
import { CandleChart } from "./CandleChart";
import type { LivePrice } from "./PriceTile";

const intervals: { value: Interval; label: string; limit: number }[] = [
  { value: "5m", label: "5 min", limit: 120 },
  { value: "1h", label: "1 hour", limit: 120 },
  { value: "1d", label: "1 day", limit: 90 },
];

/// History from GET /api/companies/:id/prices?interval=, then kept current by
/// the live feed: ticks extend the last candle, candle frames replace it.
export function ChartPanel({ company, livePrice }: { company: Company; livePrice: LivePrice | undefined }) {
  const [interval, setInterval] = useState<Interval>("5m");
  const [candles, setCandles] = useState<Candle[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const intervalRef = useRef(interval);
  intervalRef.current = interval;
  const liveRef = useRef(livePrice);
  liveRef.current = livePrice;

  useEffect(() => {
    let live = true;
    setCandles(null);
    setError(null);
    const limit = intervals.find((i) => i.value === interval)!.limit;
    api.candles(company.symbol, interval, limit).then(
      (r) => {
        if (!live) return;
        // The history ends at the last stored candle; the price already on the tile continues it at once.
        const now = liveRef.current;
        setCandles(now ? mergeTick(r.candles, now.price, 0, now.ts, interval) : r.candles);
      },
      (e: unknown) => { if (live) setError(e instanceof Error ? e.message : String(e)); },
    );
    return () => { live = false; };
  }, [company.symbol, interval, version]);

  useEffect(() => liveFeed.onFrame((f) => {
    if (f.type === "tick" && f.symbol === company.symbol) {
      // A polled quote repeats the last trade's volume: count it only once, from the socket.
      setCandles((prev) => (prev ? mergeTick(prev, f.price, f.polled ? 0 : f.volume, f.ts, intervalRef.current) : prev));
    } else if (f.type === "candle" && f.symbol === company.symbol && f.interval === intervalRef.current) {
      setCandles((prev) => (prev ? upsertCandle(prev, f.candle) : prev));
    }
  }), [company.symbol]);

  return (
    <section className="card chart-card" aria-labelledby="chart-title" data-testid="chart">
      <div className="section-head">
        <div>
          <h2 id="chart-title">{company.symbol} <span className="muted name">{company.name}</span></h2>
          <div className="muted small">
            {[company.exchange, company.sector].filter(Boolean).join(" · ")}
            {livePrice && <> · last {formatPrice(livePrice.price, company.currency)}</>}
          </div>
        </div>
        <div className="segmented" role="group" aria-label="Candle interval">
          {intervals.map((i) => (
            <button key={i.value} aria-pressed={interval === i.value} onClick={() => setInterval(i.value)}>{i.label}</button>
          ))}
        </div>
      </div>
      {error && (
        <p className="error" role="alert">Could not load the prices: {error}{" "}
          <button className="link" onClick={() => setVersion((v) => v + 1)}>Retry</button></p>
      )}
      {!error && candles === null && <div className="chart-skeleton" role="status" aria-label="Loading the chart" />}
      {candles && candles.length === 0 && (
        <p className="empty">No {interval} candles yet for {company.symbol}: the first one appears when its window closes.
          Live prices extend the chart as they arrive.</p>
      )}
      {candles && candles.length > 0 && (
        <CandleChart candles={candles} interval={interval} currency={company.currency}
                     label={`${company.symbol} ${interval} candles`} />
      )}
    </section>
  );
}
