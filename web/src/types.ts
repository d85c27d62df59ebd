// Shapes of the REST API's answers (services/api/routes_*.cpp).

export interface User {
  id: number | string;
  email: string;
  display_name?: string | null;
}

export interface AuthAnswer {
  user: User;
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

export interface Company {
  id: number;
  symbol: string;
  name: string;
  sector: string | null;
  industry: string | null;
  exchange: string | null;
  currency: string;
  tracked_at?: string;
}

export interface Quote {
  symbol: string;
  price: number;
  volume: number;
  ts: number;
  source: string;
  currency: string;
}

export type Interval = "5m" | "1h" | "1d";

export interface Candle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  ticks: number;
  final: boolean;
}

export interface NewsItem {
  id: string;
  title: string;
  summary: string;
  url: string;
  source: string;
  published_ts: number;
  sentiment: { score: number; label: string } | null;
}

export interface Notification {
  id: number;
  alert_id: string | null;
  channel: string;
  status: string;
  title: string;
  body: string;
  payload: unknown;
  read: boolean;
  read_at: string | null;
  created_at: string;
  sent_at: string | null;
}

export type RuleKind = "price_above" | "price_below" | "pct_change_prev_close";

export interface AlertRule {
  id: number;
  company_id: number | null;
  symbol: string | null;
  kind: RuleKind | string;
  params: Record<string, unknown>;
  repeat_mode: "once" | "repeat";
  cooldown_seconds: number;
  state: string;
  created_at: string;
  updated_at: string;
}

export interface Preferences {
  channels: { email: boolean; sms: boolean; push: boolean; in_app: boolean };
  price_change_threshold: number;
  phone: string | null;
  quiet_hours: { start: string; end: string; time_zone: string } | null;
}

/// An RFC 9457 problem as the API sends it.
export interface Problem {
  status: number;
  title: string;
  detail?: string;
  field?: string;
}
