import { describe, expect, it } from "vitest";
import { describeRule, emptyRuleForm, formOfRule, ruleBody } from "./rules";
import type { AlertRule } from "./types";

describe("ruleBody", () => {
  it("builds a price rule", () => {
    const r = ruleBody({ ...emptyRuleForm, symbol: "aapl", value: "250.5", cooldown_minutes: "10" });
    expect(r).toEqual({
      ok: true,
      body: { symbol: "AAPL", kind: "price_above", params: { price: 250.5 }, repeat_mode: "repeat", cooldown_seconds: 600 },
    });
  });
  it("builds a percent rule with its direction", () => {
    const r = ruleBody({ ...emptyRuleForm, symbol: "MSFT", kind: "pct_change_prev_close", value: "3", direction: "down" });
    expect(r.ok && r.body.params).toEqual({ threshold_pct: 3, direction: "down" });
  });
  it("names the field to fix", () => {
    expect(ruleBody({ ...emptyRuleForm, symbol: "", value: "1" })).toMatchObject({ ok: false, field: "symbol" });
    expect(ruleBody({ ...emptyRuleForm, symbol: "AAPL", value: "0" })).toMatchObject({ ok: false, field: "value" });
    expect(ruleBody({ ...emptyRuleForm, symbol: "AAPL", value: "abc" })).toMatchObject({ ok: false, field: "value" });
    expect(ruleBody({ ...emptyRuleForm, symbol: "AAPL", value: "1", cooldown_minutes: "1.5" }))
      .toMatchObject({ ok: false, field: "cooldown_minutes" });
  });
});

describe("rules as text and back", () => {
  const rule: AlertRule = {
    id: 7, company_id: 1, symbol: "AAPL", kind: "pct_change_prev_close", params: { threshold_pct: 5, direction: "up" },
    repeat_mode: "once", cooldown_seconds: 900, state: "active", created_at: "", updated_at: "",
  };
  it("describes a rule", () => {
    expect(describeRule(rule, (v) => `$${v}`)).toBe("AAPL rises 5% from the previous close");
    expect(describeRule({ ...rule, kind: "price_below", params: { price: 90 } }, (v) => `$${v}`)).toBe("AAPL falls below $90");
  });
  it("round-trips through the form", () => {
    const form = formOfRule(rule);
    expect(form).toMatchObject({ symbol: "AAPL", kind: "pct_change_prev_close", value: "5", direction: "up", cooldown_minutes: "15" });
    const body = ruleBody(form);
    expect(body.ok && body.body).toMatchObject({ params: { threshold_pct: 5, direction: "up" }, repeat_mode: "once", cooldown_seconds: 900 });
  });
});
