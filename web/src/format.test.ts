import { describe, expect, it } from "vitest";
import { direction, formatAge, formatChange, formatPercent, formatPrice, formatVolume, percentChange } from "./format";

describe("formatPrice", () => {
  it("formats a currency with two decimals, four below 1", () => {
    expect(formatPrice(1234.5, "USD")).toBe("$1,234.50");
    expect(formatPrice(0.01234, "USD")).toBe("$0.0123");
    expect(formatPrice(10, "EUR")).toBe("€10.00");
  });
  it("shows a dash for a missing value and survives an unknown currency", () => {
    expect(formatPrice(null)).toBe("—");
    expect(formatPrice(Number.NaN)).toBe("—");
    expect(formatPrice(5, "NOT-A-CODE")).toBe("5.00");
  });
});

describe("changes", () => {
  it("signs percentages and changes with a real minus", () => {
    expect(formatPercent(1.234)).toBe("+1.23%");
    expect(formatPercent(-0.5)).toBe("\u22120.50%");
    expect(formatPercent(0.001)).toBe("0.00%");
    expect(formatChange(1.2)).toBe("+1.20");
    expect(formatChange(-0.35)).toBe("\u22120.35");
  });
  it("computes percent change and its direction", () => {
    expect(percentChange(110, 100)).toBeCloseTo(10);
    expect(percentChange(90, 100)).toBeCloseTo(-10);
    expect(percentChange(90, 0)).toBeNull();
    expect(percentChange(90, undefined)).toBeNull();
    expect(direction(0.2)).toBe("up");
    expect(direction(-0.2)).toBe("down");
    expect(direction(0)).toBe("flat");
    expect(direction(null)).toBe("flat");
  });
});

describe("volumes and ages", () => {
  it("abbreviates volumes", () => {
    expect(formatVolume(950)).toBe("950");
    expect(formatVolume(12_345)).toBe("12.3K");
    expect(formatVolume(4_500_000)).toBe("4.5M");
    expect(formatVolume(7_100_000_000)).toBe("7.1B");
  });
  it("says how long ago", () => {
    const now = 1_764_000_000_000;
    expect(formatAge(now - 10_000, now)).toBe("just now");
    expect(formatAge(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(formatAge(now - 3 * 3_600_000, now)).toBe("3 h ago");
  });
});
