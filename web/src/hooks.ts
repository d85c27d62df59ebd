// Small hooks shared by the views: an async load with loading and error
// states, and the page path (the server sends index.html for every
// non-API path, so /alerts can be opened directly or reloaded).
import { useCallback, useEffect, useRef, useState } from "react";

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  set: (update: (prev: T | null) => T | null) => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then(
      (d) => { if (live) { setData(d); setError(null); setLoading(false); } },
      (e: unknown) => { if (live) { setError(e instanceof Error ? e.message : String(e)); setLoading(false); } },
    );
    return () => { live = false; };
  }, [...deps, version]);  // `load` is read through a ref: a new closure each render must not reload
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const set = useCallback((update: (prev: T | null) => T | null) => setData(update), []);
  return { data, error, loading, reload, set };
}

export type Page = "dashboard" | "alerts" | "notifications" | "settings";
const paths: Record<Page, string> = {
  dashboard: "/", alerts: "/alerts", notifications: "/notifications", settings: "/settings",
};

function pageOf(pathname: string): Page {
  const found = (Object.keys(paths) as Page[]).find((p) => paths[p] === pathname);
  return found ?? "dashboard";
}

export function usePage(): [Page, (p: Page) => void] {
  const [page, setPage] = useState<Page>(() => pageOf(window.location.pathname));
  useEffect(() => {
    const onPop = () => setPage(pageOf(window.location.pathname));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const go = useCallback((p: Page) => {
    if (window.location.pathname !== paths[p]) window.history.pushState(null, "", paths[p]);
    setPage(p);
  }, []);
  return [page, go];
}

export function pathOf(p: Page): string { return paths[p]; }
