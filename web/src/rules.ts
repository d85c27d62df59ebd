// Alert rule form <-> API body, and a rule's one-line description. Pure,
// tested in rules.test.ts.
import type { AlertRule, RuleKind } from "./types";

export interface RuleForm {
  symbol: string;
  kind: RuleKind;
  value: string;  // price for price_above/below, percent for pct_change_prev_close
  direction: "up" | "down" | "both";
  repeat_mode: "once" | "repeat";
  cooldown_minutes: string;
}

export const emptyRuleForm: RuleForm = {
  symbol: "", kind: "price_above", value: "", direction: "both", repeat_mode: "repeat", cooldown_minutes: "15",
};

/// The body of POST/PUT /api/alerts/rules, or the field to fix and why.
export function ruleBody(form: RuleForm):
  { ok: true; body: Record<string, unknown> } | { ok: false; field: keyof RuleForm; message: string } {
  const symbol = form.symbol.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9.-]{0,9}$/.test(symbol)) return { ok: false, field: "symbol", message: "Choose a company symbol." };
  const value = Number(form.value);
  if (!form.value.trim() || !Number.isFinite(value) || value <= 0) {
    return { ok: false, field: "value", message: form.kind === "pct_change_prev_close" ? "Enter a percentage above 0." : "Enter a price above 0." };
  }
  const minutes = Number(form.cooldown_minutes || "0");
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 43_200) {
    return { ok: false, field: "cooldown_minutes", message: "Cool-down is whole minutes from 0 to 43200 (30 days)." };
  }
  const params = form.kind === "pct_change_prev_close"
    ? { threshold_pct: value, direction: form.direction }
    : { price: value };
  return {
    ok: true,
    body: { symbol, kind: form.kind, params, repeat_mode: form.repeat_mode, cooldown_seconds: minutes * 60 },
  };
}

export function formOfRule(rule: AlertRule): RuleForm {
  const p = rule.params as { price?: number; threshold_pct?: number; direction?: "up" | "down" | "both" };
  return {
    symbol: rule.symbol ?? "",
    kind: (rule.kind as RuleKind) ?? "price_above",
    value: String(p.price ?? p.threshold_pct ?? ""),
    direction: p.direction ?? "both",
    repeat_mode: rule.repeat_mode,
    cooldown_minutes: String(Math.round(rule.cooldown_seconds / 60)),
  };
}

/// "AAPL above $200.00", "MSFT moves 5% (up or down) from the previous close".
export function describeRule(rule: AlertRule, price: (v: number) => string): string {
  const p = rule.params as { price?: number; threshold_pct?: number; direction?: string };
  const sym = rule.symbol ?? `company ${rule.company_id}`;
  switch (rule.kind) {
    case "price_above": return `${sym} rises above ${price(p.price ?? 0)}`;
    case "price_below": return `${sym} falls below ${price(p.price ?? 0)}`;
    case "pct_change_prev_close": {
      const dir = p.direction === "up" ? "rises" : p.direction === "down" ? "falls" : "moves";
      return `${sym} ${dir} ${p.threshold_pct}% from the previous close`;
    }
    default: return `${sym}: ${rule.kind}`;
  }
}
