// The REST client. The access token lives only in memory (never in storage,
// so a script injected into another tab cannot read it); the refresh token is
// kept in sessionStorage so that a reload of this tab stays signed in, and is
// spent and replaced on every refresh (POST /api/auth/refresh). A 401 on a
// call is answered by one refresh and one retry; a failed refresh signs out.
import type {
  AlertRule, AuthAnswer, Candle, Company, Interval, NewsItem, Notification, Preferences, Problem, Quote, User,
} from "./types";

const REFRESH_KEY = "stocktracker.refresh";

export class ApiError extends Error {
  constructor(public readonly status: number, public readonly problem: Problem | null, message: string) {
    super(message);
  }
  get field(): string | undefined { return this.problem?.field; }
}

type Listener = (user: User | null) => void;

class Session {
  private accessToken: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  private listeners = new Set<Listener>();
  user: User | null = null;

  get token(): string | null { return this.accessToken; }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  accept(answer: AuthAnswer): void {
    this.accessToken = answer.access_token;
    this.user = answer.user;
    sessionStorage.setItem(REFRESH_KEY, answer.refresh_token);
    this.listeners.forEach((l) => l(this.user));
  }

  clear(): void {
    this.accessToken = null;
    this.user = null;
    sessionStorage.removeItem(REFRESH_KEY);
    this.listeners.forEach((l) => l(null));
  }

  hasRefreshToken(): boolean { return sessionStorage.getItem(REFRESH_KEY) !== null; }

  /// One refresh at a time: concurrent 401s wait for the same answer (a
  /// refresh token can be spent only once).
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    try {
      const res = await fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
      if (!res.ok) {
        if (res.status === 401 || res.status === 400) this.clear();
        return false;
      }
      this.accept((await res.json()) as AuthAnswer);
      return true;
    } catch {
      return false;
    }
  }
}

export const session = new Session();

async function problemOf(res: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  try {
    problem = (await res.json()) as Problem;
  } catch {
    problem = null;
  }
  const message = problem?.detail ?? problem?.title ?? `${res.status} ${res.statusText}`;
  return new ApiError(res.status, problem, message);
}

async function call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (session.token) headers["Authorization"] = `Bearer ${session.token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null, "the server cannot be reached");
  }
  if (res.status === 401 && !retried && !path.startsWith("/api/auth/") && (await session.refresh())) {
    return call<T>(method, path, body, true);
  }
  if (!res.ok) throw await problemOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const api = {
  async login(email: string, password: string): Promise<void> {
    session.accept(await call<AuthAnswer>("POST", "/api/auth/login", { email, password }));
  },
  async register(email: string, password: string, displayName: string): Promise<void> {
    const body: Record<string, string> = { email, password };
    if (displayName.trim()) body.display_name = displayName.trim();
    session.accept(await call<AuthAnswer>("POST", "/api/auth/register", body));
  },
  async resume(): Promise<boolean> {
    if (!session.hasRefreshToken()) return false;
    return session.refresh();
  },
  async logout(): Promise<void> {
    const refresh_token = sessionStorage.getItem(REFRESH_KEY) ?? undefined;
    try {
      await call<void>("POST", "/api/auth/logout", refresh_token ? { refresh_token } : {});
    } finally {
      session.clear();
    }
  },

  searchCompanies: (q: string, limit = 20) =>
    call<{ items: Company[]; total: number }>("GET", `/api/companies?q=${enc(q)}&limit=${limit}`),
  tracked: () => call<{ items: Company[]; total: number }>("GET", "/api/companies/tracked"),
  track: (symbol: string) => call<unknown>("POST", `/api/companies/track/${enc(symbol)}`),
  untrack: (symbol: string) => call<void>("DELETE", `/api/companies/track/${enc(symbol)}`),
  quotes: (symbols: string[]) =>
    call<{ quotes: Quote[]; missing: string[] }>("GET", `/api/quotes?symbols=${symbols.map(enc).join(",")}`),
  candles: (symbol: string, interval: Interval, limit = 120) =>
    call<{ interval: Interval; candles: Candle[] }>(
      "GET", `/api/companies/${enc(symbol)}/prices?interval=${interval}&limit=${limit}`),
  news: (symbol: string, limit = 10) =>
    call<{ symbol: string; items: NewsItem[] }>("GET", `/api/companies/${enc(symbol)}/news?limit=${limit}`),

  notifications: (opts: { unread?: boolean; cursor?: string | null; limit?: number } = {}) => {
    // One row per alert and channel: the centre shows the in-app rows.
    const q = new URLSearchParams({ limit: String(opts.limit ?? 20), channel: "in_app" });
    if (opts.unread) q.set("unread", "true");
    if (opts.cursor) q.set("cursor", opts.cursor);
    return call<{ items: Notification[]; next_cursor: string | null }>("GET", `/api/notifications?${q}`);
  },
  markRead: (ids: number[] | "all") =>
    call<{ updated: number }>("PUT", "/api/notifications/read", ids === "all" ? { all: true } : { ids }),

  rules: () => call<{ items: AlertRule[]; total: number }>("GET", "/api/alerts/rules"),
  createRule: (rule: Partial<AlertRule> & { symbol: string }) =>
    call<{ rule: AlertRule }>("POST", "/api/alerts/rules", rule),
  updateRule: (id: number, patch: Partial<AlertRule>) =>
    call<{ rule: AlertRule }>("PUT", `/api/alerts/rules/${id}`, patch),
  pauseRule: (id: number) => call<{ rule: AlertRule }>("POST", `/api/alerts/rules/${id}/pause`),
  rearmRule: (id: number) => call<{ rule: AlertRule }>("POST", `/api/alerts/rules/${id}/rearm`),
  deleteRule: (id: number) => call<void>("DELETE", `/api/alerts/rules/${id}`),

  preferences: () => call<Preferences>("GET", "/api/users/preferences"),
  savePreferences: (p: Partial<Preferences>) => call<Preferences>("PUT", "/api/users/preferences", p),

  wsTicket: () => call<{ ticket: string }>("POST", "/api/ws/ticket"),
};
