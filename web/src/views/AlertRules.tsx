import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { formatPrice } from "../format";
import { useLoad } from "../hooks";
import { describeRule, emptyRuleForm, formOfRule, ruleBody, type RuleForm } from "../rules";
import type { AlertRule } from "../types";

/// Alert rules: create, edit, pause, re-arm and delete (CRUD at /api/alerts/rules).
export function AlertRules() {
  const rules = useLoad(() => api.rules().then((r) => r.items), []);
  const tracked = useLoad(() => api.tracked().then((r) => r.items), []);
  const [form, setForm] = useState<RuleForm>(emptyRuleForm);
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (patch: Partial<RuleForm>) => setForm((f) => ({ ...f, ...patch }));
  const replace = (rule: AlertRule) =>
    rules.set((prev) => (prev ?? []).map((r) => (r.id === rule.id ? rule : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const checked = ruleBody(form);
    if (!checked.ok) {
      setError({ field: checked.field, message: checked.message });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (editing !== null) {
        replace((await api.updateRule(editing, checked.body)).rule);
      } else {
        const { rule } = await api.createRule(checked.body as { symbol: string });
        rules.set((prev) => [rule, ...(prev ?? [])]);
      }
      setForm({ ...emptyRuleForm, symbol: form.symbol });
      setEditing(null);
    } catch (err) {
      setError({ field: err instanceof ApiError ? err.field : undefined, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  async function act(rule: AlertRule, action: "pause" | "rearm" | "delete") {
    setError(null);
    try {
      if (action === "delete") {
        await api.deleteRule(rule.id);
        rules.set((prev) => (prev ?? []).filter((r) => r.id !== rule.id));
      } else {
        replace((await (action === "pause" ? api.pauseRule(rule.id) : api.rearmRule(rule.id))).rule);
      }
    } catch (err) {
      setError({ message: err instanceof Error ? err.message : String(err) });
    }
  }

  const pct = form.kind === "pct_change_prev_close";
  const invalid = (f: string) => error?.field === f || (f === "value" && !!error?.field?.startsWith("params"));
  return (
    <div className="page-grid">
      <section className="card" aria-labelledby="rule-form-title">
        <h1 id="rule-form-title">{editing !== null ? "Edit alert rule" : "New alert rule"}</h1>
        <form className="rule-form" onSubmit={submit} noValidate>
          <label>
            Company
            <input list="tracked-symbols" value={form.symbol} placeholder="AAPL" aria-invalid={invalid("symbol")}
                   onChange={(e) => update({ symbol: e.target.value.toUpperCase() })} name="symbol" />
            <datalist id="tracked-symbols">
              {tracked.data?.map((c) => <option key={c.symbol} value={c.symbol}>{c.name}</option>)}
            </datalist>
          </label>
          <label>
            Condition
            <select value={form.kind} name="kind" onChange={(e) => update({ kind: e.target.value as RuleForm["kind"] })}>
              <option value="price_above">Price rises above</option>
              <option value="price_below">Price falls below</option>
              <option value="pct_change_prev_close">Moves % from previous close</option>
            </select>
          </label>
          <label>
            {pct ? "Threshold (%)" : "Price"}
            <input type="number" inputMode="decimal" min="0" step="any" value={form.value} name="value"
                   aria-invalid={invalid("value")} onChange={(e) => update({ value: e.target.value })} />
          </label>
          {pct && (
            <label>
              Direction
              <select value={form.direction} name="direction" onChange={(e) => update({ direction: e.target.value as RuleForm["direction"] })}>
                <option value="both">Up or down</option>
                <option value="up">Up</option>
                <option value="down">Down</option>
              </select>
            </label>
          )}
          <label>
            Fires
            <select value={form.repeat_mode} name="repeat_mode" onChange={(e) => update({ repeat_mode: e.target.value as RuleForm["repeat_mode"] })}>
              <option value="repeat">Every time (after the cool-down)</option>
              <option value="once">Once</option>
            </select>
          </label>
          <label>
            Cool-down (minutes)
            <input type="number" min="0" step="1" value={form.cooldown_minutes} name="cooldown_minutes"
                   aria-invalid={invalid("cooldown_minutes")} onChange={(e) => update({ cooldown_minutes: e.target.value })} />
          </label>
          {error && <p className="error full" role="alert">{error.message}</p>}
          <div className="row full">
            <button type="submit" className="primary" disabled={busy}>{editing !== null ? "Save rule" : "Create rule"}</button>
            {editing !== null && (
              <button type="button" className="ghost" onClick={() => { setEditing(null); setForm(emptyRuleForm); setError(null); }}>Cancel</button>
            )}
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="rules-title">
        <div className="section-head">
          <h2 id="rules-title">Your rules</h2>
          <span className="muted small">{rules.data ? `${rules.data.length} rule${rules.data.length === 1 ? "" : "s"}` : ""}</span>
        </div>
        {rules.loading && !rules.data && <div className="skeleton-row" role="status" aria-label="Loading rules" />}
        {rules.error && <p className="error" role="alert">Could not load the rules: {rules.error}</p>}
        {rules.data?.length === 0 && <p className="empty">No rules yet. Tracked companies get a default ±% rule from the server.</p>}
        <ul className="rule-list" data-testid="rules">
          {rules.data?.map((r) => (
            <li key={r.id}>
              <div>
                <strong>{describeRule(r, (v) => formatPrice(v))}</strong>
                <div className="muted small">
                  <span className={`pill ${r.state === "active" ? "up" : "flat"}`}>{r.state}</span>{" "}
                  {r.repeat_mode === "once" ? "once" : "repeats"} · cool-down {Math.round(r.cooldown_seconds / 60)} min
                </div>
              </div>
              <div className="row">
                <button className="ghost small" onClick={() => { setEditing(r.id); setForm(formOfRule(r)); setError(null); }}>Edit</button>
                {r.state === "active"
                  ? <button className="ghost small" onClick={() => void act(r, "pause")}>Pause</button>
                  : <button className="ghost small" onClick={() => void act(r, "rearm")}>Re-arm</button>}
                <button className="danger small" onClick={() => void act(r, "delete")} aria-label={`Delete rule ${r.id}`}>Delete</button>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
