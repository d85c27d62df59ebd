import { useEffect, useRef, useState } from "react";
import { priceScale } from "../candles";
import { formatCandleTime, formatPrice, formatVolume } from "../format";
import type { Candle, Interval } from "../types";

const HEIGHT = 320;
const PAD = { top: 12, right: 64, bottom: 24, left: 8 };
const VOLUME_SHARE = 0.18;  // the lowest part of the plot holds the volume bars

/// Candles drawn as SVG (no chart library): wicks, bodies, volume bars, a
/// price axis and a crosshair with the hovered candle's values.
export function CandleChart({ candles, interval, currency, label }: {
  candles: Candle[];
  interval: Interval;
  currency: string;
  label: string;
}) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => setWidth(Math.max(280, Math.floor(entries[0].contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const plotW = width - PAD.left - PAD.right;
  const priceBottom = HEIGHT - PAD.bottom - (HEIGHT - PAD.top - PAD.bottom) * VOLUME_SHARE;
  const scale = priceScale(candles, PAD.top, priceBottom);
  const step = plotW / Math.max(candles.length, 20);
  const bodyW = Math.max(1, Math.min(14, step * 0.7));
  const x = (i: number) => PAD.left + plotW - (candles.length - i - 0.5) * step;  // newest on the right
  const maxVolume = Math.max(1, ...candles.map((c) => c.volume));
  const volTop = priceBottom + 6;
  const volH = HEIGHT - PAD.bottom - volTop;
  const last = candles[candles.length - 1];
  const shown = hover !== null ? candles[hover] : last;
  const labelEvery = Math.max(1, Math.ceil(64 / step));  // time labels at least 64 px apart

  function onMove(e: React.PointerEvent<SVGSVGElement>) {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * width;
    const i = Math.round(candles.length - 0.5 - (PAD.left + plotW - px) / step);
    setHover(i >= 0 && i < candles.length ? i : null);
  }

  return (
    <div className="chart" ref={boxRef}>
      <div className="ohlc small" aria-live="off" data-testid="ohlc">
        <span className="muted">{formatCandleTime(shown.ts, interval)}{interval === "1d" ? "" : ` ${new Date(shown.ts).toLocaleDateString("en-US", { month: "short", day: "numeric" })}`}</span>
        <span>O <b>{formatPrice(shown.open, currency)}</b></span>
        <span>H <b>{formatPrice(shown.high, currency)}</b></span>
        <span>L <b>{formatPrice(shown.low, currency)}</b></span>
        <span>C <b className={shown.close >= shown.open ? "up" : "down"}>{formatPrice(shown.close, currency)}</b></span>
        <span>Vol <b>{formatVolume(shown.volume)}</b></span>
        {!shown.final && <span className="muted">(open)</span>}
      </div>
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} width="100%" height={HEIGHT} role="img" aria-label={`${label}: ${candles.length} candles, last close ${formatPrice(last.close, currency)}`}
           onPointerMove={onMove} onPointerLeave={() => setHover(null)}>
        {scale.ticks.map((t) => (
          <g key={t} className="grid">
            <line x1={PAD.left} x2={PAD.left + plotW} y1={scale.y(t)} y2={scale.y(t)} />
            {/* The last-price label takes precedence over an axis label it would cover. */}
            {Math.abs(scale.y(t) - scale.y(last.close)) > 14 && (
              <text x={PAD.left + plotW + 6} y={scale.y(t) + 4}>{formatPrice(t, currency)}</text>
            )}
          </g>
        ))}
        {candles.map((c, i) => {
          const up = c.close >= c.open;
          const yTop = scale.y(Math.max(c.open, c.close));
          const yBottom = scale.y(Math.min(c.open, c.close));
          const vh = (c.volume / maxVolume) * volH;
          return (
            <g key={c.ts} className={`candle ${up ? "up" : "down"} ${c.final ? "" : "open"}`}>
              <rect className="vol" x={x(i) - bodyW / 2} width={bodyW} y={volTop + volH - vh} height={vh} />
              <line x1={x(i)} x2={x(i)} y1={scale.y(c.high)} y2={scale.y(c.low)} />
              <rect x={x(i) - bodyW / 2} width={bodyW} y={yTop} height={Math.max(1, yBottom - yTop)} />
            </g>
          );
        })}
        {candles.map((c, i) => (i % labelEvery === (candles.length - 1) % labelEvery ? (
          <text key={`t${c.ts}`} className="axis" x={x(i)} y={HEIGHT - 6} textAnchor="middle">
            {formatCandleTime(c.ts, interval)}
          </text>
        ) : null))}
        <g className="last-price">
          <line x1={PAD.left} x2={PAD.left + plotW} y1={scale.y(last.close)} y2={scale.y(last.close)} />
          <rect x={PAD.left + plotW + 2} y={scale.y(last.close) - 9} width={PAD.right - 4} height={18} rx={3} />
          <text x={PAD.left + plotW + 6} y={scale.y(last.close) + 4}>{formatPrice(last.close, currency)}</text>
        </g>
        {hover !== null && (
          <line className="crosshair" x1={x(hover)} x2={x(hover)} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
        )}
      </svg>
    </div>
  );
}
