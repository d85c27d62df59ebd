import { useCallback, useEffect, useMemo, useState } from "react";
import { api } from "../api";
import { useLoad } from "../hooks";
import { liveFeed } from "../live";
import type { Company } from "../types";
import { CompanySearch } from "./CompanySearch";
import { PriceTile, useReferencePrices, useLivePrices } from "./PriceTile";
import { ChartPanel } from "./ChartPanel";
import { NewsPanel } from "./NewsPanel";

/// The watchlist (search, track, untrack) as live price tiles, and the chart
/// and news of the selected company.
export function Dashboard() {
  const tracked = useLoad(() => api.tracked().then((r) => r.items), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const companies = useMemo(() => tracked.data ?? [], [tracked.data]);
  const symbols = useMemo(() => companies.map((c) => c.symbol), [companies]);
  const prices = useLivePrices();
  const references = useReferencePrices(symbols);

  useEffect(() => liveFeed.setSymbols(symbols), [symbols]);
  useEffect(() => {
    if (selected && symbols.includes(selected)) return;
    setSelected(symbols[0] ?? null);
  }, [symbols, selected]);

  const track = useCallback(async (c: Company) => {
    setActionError(null);
    try {
      await api.track(c.symbol);
      tracked.set((prev) => (prev?.some((p) => p.symbol === c.symbol) ? prev : [...(prev ?? []), c]));
      setSelected(c.symbol);
    } catch (e) {
      setActionError(`Could not track ${c.symbol}: ${e instanceof Error ? e.message : e}`);
    }
  }, [tracked]);

  const untrack = useCallback(async (symbol: string) => {
    setActionError(null);
    try {
      await api.untrack(symbol);
      tracked.set((prev) => (prev ?? []).filter((p) => p.symbol !== symbol));
    } catch (e) {
      setActionError(`Could not untrack ${symbol}: ${e instanceof Error ? e.message : e}`);
    }
  }, [tracked]);

  const company = companies.find((c) => c.symbol === selected) ?? null;
  return (
    <div className="dashboard">
      <section className="card watchlist" aria-labelledby="watchlist-title">
        <div className="section-head">
          <h2 id="watchlist-title">Watchlist</h2>
          <CompanySearch trackedSymbols={symbols} onTrack={track} />
        </div>
        {actionError && <p className="error" role="alert">{actionError}</p>}
        {tracked.loading && !tracked.data && <div className="skeleton-row" role="status" aria-label="Loading the watchlist" />}
        {tracked.error && (
          <p className="error" role="alert">
            Could not load the watchlist: {tracked.error} <button className="link" onClick={tracked.reload}>Retry</button>
          </p>
        )}
        {tracked.data && companies.length === 0 && (
          <p className="empty">Your watchlist is empty. Search for a company above and press <strong>Track</strong>.</p>
        )}
        <ul className="tiles" aria-label="Tracked companies">
          {companies.map((c) => (
            <li key={c.symbol}>
              <PriceTile company={c} quote={prices[c.symbol]} reference={references[c.symbol]}
                         selected={c.symbol === selected} onSelect={() => setSelected(c.symbol)}
                         onUntrack={() => void untrack(c.symbol)} />
            </li>
          ))}
        </ul>
      </section>
      {company && (
        <div className="detail">
          <ChartPanel key={company.symbol} company={company} livePrice={prices[company.symbol]} />
          <NewsPanel key={`news-${company.symbol}`} symbol={company.symbol} />
        </div>
      )}
    </div>
  );
}
