import { useEffect, useId, useRef, useState } from "react";
import { api } from "../api";
import type { Company } from "../types";

/// A search box over GET /api/companies?q= (symbol prefix or name), with a
/// Track button on each result. Keyboard: arrows move, Enter tracks, Escape closes.
export function CompanySearch({ trackedSymbols, onTrack }: {
  trackedSymbols: string[];
  onTrack: (c: Company) => Promise<void> | void;
}) {
  const [q, setQ] = useState("");
  const [results, setResults] = useState<Company[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const listId = useId();
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setResults(null);
      return;
    }
    let live = true;
    // Debounced: one request after the typing pauses.
    const t = window.setTimeout(() => {
      api.searchCompanies(text, 8).then(
        (r) => { if (live) { setResults(r.items); setError(null); setActive(0); setOpen(true); } },
        (e: unknown) => { if (live) { setError(e instanceof Error ? e.message : String(e)); setOpen(true); } },
      );
    }, 200);
    return () => { live = false; window.clearTimeout(t); };
  }, [q]);

  useEffect(() => {
    const close = (e: MouseEvent) => { if (!boxRef.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, []);

  const choose = (c: Company) => {
    if (!trackedSymbols.includes(c.symbol)) void onTrack(c);
    setQ("");
    setOpen(false);
  };

  return (
    <div className="search" ref={boxRef}>
      <input type="search" placeholder="Search companies (e.g. AAPL, Microsoft)" aria-label="Search companies"
             role="combobox" aria-expanded={open && !!results} aria-controls={listId} aria-autocomplete="list"
             aria-activedescendant={open && results?.[active] ? `${listId}-${active}` : undefined}
             value={q} onChange={(e) => setQ(e.target.value)} onFocus={() => results && setOpen(true)}
             onKeyDown={(e) => {
               if (!results?.length) return;
               if (e.key === "ArrowDown") { e.preventDefault(); setActive((a) => Math.min(a + 1, results.length - 1)); }
               else if (e.key === "ArrowUp") { e.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
               else if (e.key === "Enter") { e.preventDefault(); choose(results[active]); }
               else if (e.key === "Escape") setOpen(false);
             }} />
      {open && (results || error) && (
        <ul className="search-results" id={listId} role="listbox" aria-label="Companies found">
          {error && <li className="error">{error}</li>}
          {results?.length === 0 && <li className="muted">No company matches “{q.trim()}”.</li>}
          {results?.map((c, i) => {
            const isTracked = trackedSymbols.includes(c.symbol);
            return (
              <li key={c.symbol} id={`${listId}-${i}`} role="option" aria-selected={i === active}
                  className={i === active ? "active" : undefined} onMouseEnter={() => setActive(i)}>
                <span className="sym">{c.symbol}</span>
                <span className="name">{c.name}</span>
                <button type="button" className={isTracked ? "ghost small" : "primary small"} disabled={isTracked}
                        onClick={() => choose(c)} aria-label={isTracked ? `${c.symbol} is tracked` : `Track ${c.symbol}`}>
                  {isTracked ? "Tracked" : "Track"}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
