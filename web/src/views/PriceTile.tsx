import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import { direction, formatChange, formatPercent, formatPrice, formatAge, percentChange } from "../format";
import type { TickFrame } from "../frames";
import { liveFeed } from "../live";
import type { Company } from "../types";

export interface LivePrice {
  price: number;
  ts: number;
  currency?: string;
  /// Which way the last change went, for the flash.
  move: "up" | "down" | "flat";
}

/// The latest price per symbol from the live feed (socket or polling).
/// Ticks are gathered (the last per symbol, so a hidden tab, where frames
/// pause, holds one per symbol) and applied once per animation frame: at
/// hundreds of ticks a second the page re-renders at most at the screen's rate.
export function useLivePrices(): Record<string, LivePrice> {
  const [prices, setPrices] = useState<Record<string, LivePrice>>(() => {
    const seed: Record<string, LivePrice> = {};
    liveFeed.latest.forEach((t) => { seed[t.symbol] = { price: t.price, ts: t.ts, currency: t.currency, move: "flat" }; });
    return seed;
  });
  useEffect(() => {
    let pending = new Map<string, TickFrame>();
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      const ticks = [...pending.values()];
      pending = new Map();
      setPrices((prev) => {
        let next = prev;
        for (const f of ticks) {
          const old = next[f.symbol];
          // A poll repeats the same quote until it changes. Otherwise arrival order wins, not the
          // tick's time: the socket delivers a symbol's ticks in order, and a stray tick stamped
          // in the future (a replay, a benchmark) must not freeze the tile.
          if (old && f.ts === old.ts && f.price === old.price) continue;
          const move = old ? direction(f.price - old.price) : "flat";
          next = { ...next, [f.symbol]: { price: f.price, ts: f.ts, currency: f.currency, move } };
        }
        return next;
      });
    };
    const off = liveFeed.onFrame((f) => {
      if (f.type !== "tick") return;
      pending.set(f.symbol, f);
      if (frame === null) frame = window.requestAnimationFrame(flush);
    });
    return () => {
      off();
      if (frame !== null) window.cancelAnimationFrame(frame);
    };
  }, []);
  return prices;
}

export interface Reference { price: number; label: string }

/// The price each tile's change is measured from: the previous trading day's
/// close when the history has one, else today's open.
export function useReferencePrices(symbols: string[]): Record<string, Reference> {
  const [refs, setRefs] = useState<Record<string, Reference>>({});
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const s of symbols) {
      if (asked.current.has(s)) continue;
      asked.current.add(s);
      api.candles(s, "1d", 2).then((r) => {
        const c = r.candles;
        if (c.length === 0) {
          asked.current.delete(s);  // no history yet: ask again on the next change of the list
          return;
        }
        const ref = c.length >= 2 ? { price: c[c.length - 2].close, label: "since the previous close" }
                                  : { price: c[0].open, label: "since the open" };
        setRefs((prev) => ({ ...prev, [s]: ref }));
      }, () => asked.current.delete(s));
    }
  }, [symbols]);
  return refs;
}

export function PriceTile({ company, quote, reference, selected, onSelect, onUntrack }: {
  company: Company;
  quote: LivePrice | undefined;
  reference: Reference | undefined;
  selected: boolean;
  onSelect: () => void;
  onUntrack: () => void;
}) {
  const currency = quote?.currency ?? company.currency;
  const pct = quote ? percentChange(quote.price, reference?.price) : null;
  const dir = direction(pct);
  // The flash restarts on every new price: the key changes with the timestamp.
  const flashKey = quote ? `${quote.ts}-${quote.price}` : "none";
  return (
    <article className={`tile ${selected ? "selected" : ""}`} data-testid={`tile-${company.symbol}`} aria-current={selected}>
      <button className="tile-main" onClick={onSelect} aria-label={`Show ${company.symbol} chart`}>
        <div className="tile-head">
          <span className="sym">{company.symbol}</span>
          <span className="name" title={company.name}>{company.name}</span>
        </div>
        <div key={flashKey} className={`price flash-${quote?.move ?? "flat"}`} data-testid="price" aria-live="off">
          {quote ? formatPrice(quote.price, currency) : <span className="muted">waiting…</span>}
        </div>
        <div className={`change ${dir}`} title={reference?.label}>
          {quote && reference ? (
            <>
              <span aria-hidden="true">{dir === "up" ? "▲" : dir === "down" ? "▼" : "■"}</span>{" "}
              {formatChange(quote.price - reference.price)} ({formatPercent(pct)})
            </>
          ) : <span className="muted">—</span>}
        </div>
        <div className="age muted small">{quote ? formatAge(quote.ts) : ""}</div>
      </button>
      <button className="untrack ghost small" onClick={onUntrack} aria-label={`Untrack ${company.symbol}`} title="Untrack">✕</button>
    </article>
  );
}
