/**
 * plotHistory: loss and metrics per epoch as an SVG line chart, one panel per metric, with the training
 * line and (when recorded) the validation line `val_<metric>`. Hand-written: a line chart needs only a
 * linear scale and "nice" ticks (below, 15 lines), which does not justify a dependency.
 */
import { ValueError } from '../core/errors.js';
import { el, num, svgDocument, textWidth } from './svg.js';

export interface PlotHistoryOptions {
  /** Metric names to plot (without `val_`), in order; default: 'loss' first, then every other recorded metric. */
  metrics?: string[];
  /** Size of one panel in pixels. */
  width?: number;
  height?: number;
}

/** What plotHistory needs: Keras's History (`history.history.loss[i]`, ...); `epoch` is 0-based as in Keras. */
export interface HistoryLike {
  history: Record<string, number[]>;
  epoch?: number[];
}

const TRAIN_COLOR = '#1f77b4';
const VAL_COLOR = '#ff7f0e';
const MARGIN = { left: 64, right: 16, top: 34, bottom: 46 };

/**
 * About `count` round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten
 * (the rule behind d3's and matplotlib's default ticks).
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceTicks(lo - pad, lo + pad, count);
  }
  const raw = (hi - lo) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** Tick label: short, without float noise (0.30000000000000004 -> 0.3). */
function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

/** The metrics to draw: those asked for, or loss then the rest in recorded order. */
function metricNames(history: Record<string, number[]>, asked?: string[]): string[] {
  const base = Object.keys(history).map((k) => (k.startsWith('val_') ? k.slice(4) : k));
  const unique = [...new Set(base)];
  if (asked) {
    for (const m of asked) {
      if (!(m in history) && !(`val_${m}` in history)) {
        throw new ValueError(`plotHistory: no metric '${m}' in the history. Recorded: ${Object.keys(history).join(', ') || '(none)'}.`);
      }
    }
    return asked;
  }
  return [...unique.filter((m) => m === 'loss'), ...unique.filter((m) => m !== 'loss')];
}

interface Series { key: string; label: string; color: string; values: number[]; dashed: boolean }

function panel(metric: string, epochs: number[], series: Series[], x0: number, width: number, height: number): string {
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const finite = series.flatMap((s) => s.values).filter(Number.isFinite);
  const yTicks = niceTicks(Math.min(...finite), Math.max(...finite));
  const yLo = yTicks[0];
  const yHi = yTicks[yTicks.length - 1];
  const xLo = epochs[0];
  const xHi = epochs[epochs.length - 1];
  const xTicks = niceTicks(xLo, xHi, Math.min(6, Math.max(1, xHi - xLo))).filter((v) => Number.isInteger(v) && v >= xLo && v <= xHi);
  const sx = (v: number) => x0 + MARGIN.left + (xHi === xLo ? plotW / 2 : ((v - xLo) / (xHi - xLo)) * plotW);
  const sy = (v: number) => MARGIN.top + plotH - ((v - yLo) / (yHi - yLo)) * plotH;
  const left = x0 + MARGIN.left;
  const bottom = MARGIN.top + plotH;
  const parts: string[] = [];

  parts.push(el('text', { x: left + plotW / 2, y: MARGIN.top - 14, 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }, { text: metric }));
  for (const v of yTicks) {
    parts.push(el('line', { x1: left, y1: sy(v), x2: left + plotW, y2: sy(v), stroke: '#e5e5e5' }));
    parts.push(el('line', { x1: left - 4, y1: sy(v), x2: left, y2: sy(v), stroke: '#333' }));
    parts.push(el('text', { x: left - 7, y: sy(v) + 4, 'text-anchor': 'end', 'font-size': 11 }, { text: tickLabel(v) }));
  }
  for (const v of xTicks) {
    parts.push(el('line', { x1: sx(v), y1: bottom, x2: sx(v), y2: bottom + 4, stroke: '#333' }));
    parts.push(el('text', { x: sx(v), y: bottom + 17, 'text-anchor': 'middle', 'font-size': 11 }, { text: String(v) }));
  }
  parts.push(el('path', { class: 'axis', d: `M ${num(left)} ${num(MARGIN.top)} L ${num(left)} ${num(bottom)} L ${num(left + plotW)} ${num(bottom)}`, fill: 'none', stroke: '#333' }));
  parts.push(el('text', { x: left + plotW / 2, y: height - 10, 'text-anchor': 'middle', 'font-size': 12 }, { text: 'epoch' }));
  const yLabelX = x0 + 16;
  parts.push(el('text', { x: yLabelX, y: MARGIN.top + plotH / 2, 'text-anchor': 'middle', 'font-size': 12, transform: `rotate(-90 ${num(yLabelX)} ${num(MARGIN.top + plotH / 2)})` }, { text: metric }));

  for (const s of series) {
    // A NaN (a diverged epoch) breaks the line instead of drawing to a bogus point.
    let d = '';
    let pen = 'M';
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) { pen = 'M'; return; }
      d += `${pen} ${num(sx(epochs[i]))} ${num(sy(v))} `;
      pen = 'L';
    });
    parts.push(el('path', { class: 'series', 'data-key': s.key, d: d.trim(), fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '6 3' : undefined }));
    s.values.forEach((v, i) => {
      if (Number.isFinite(v)) parts.push(el('circle', { cx: sx(epochs[i]), cy: sy(v), r: 2.5, fill: s.color }));
    });
  }

  // Legend, top right inside the plot area.
  const legendW = Math.max(...series.map((s) => textWidth(s.label, 11))) + 40;
  const lx = left + plotW - legendW - 6;
  const legend: string[] = [el('rect', { x: lx, y: MARGIN.top + 6, width: legendW, height: 8 + 16 * series.length, fill: 'white', 'fill-opacity': 0.85, stroke: '#bbb' })];
  series.forEach((s, i) => {
    const y = MARGIN.top + 18 + 16 * i;
    legend.push(el('line', { x1: lx + 6, y1: y - 4, x2: lx + 28, y2: y - 4, stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '6 3' : undefined }));
    legend.push(el('text', { x: lx + 33, y, 'font-size': 11 }, { text: s.label }));
  });
  parts.push(el('g', { class: 'legend' }, { children: legend }));
  return el('g', { class: 'panel', 'data-metric': metric }, { children: parts });
}

/** An SVG line chart of a History: one panel per metric, training and validation lines, epochs from 1. */
export function plotHistory(history: HistoryLike, options: PlotHistoryOptions = {}): string {
  const h = history?.history;
  if (!h || typeof h !== 'object') throw new ValueError('plotHistory expects the History that fit() returns ({ history: { loss: [...] } }).');
  const metrics = metricNames(h, options.metrics);
  if (metrics.length === 0) throw new ValueError('plotHistory: the history is empty; fit() for at least one epoch first.');
  const width = options.width ?? 420;
  const height = options.height ?? 300;
  const n = Math.max(...Object.values(h).map((v) => v.length));
  if (n === 0) throw new ValueError('plotHistory: the history has no epochs; fit() for at least one epoch first.');
  const epochs = history.epoch && history.epoch.length === n ? history.epoch.map((e) => e + 1) : Array.from({ length: n }, (_, i) => i + 1);

  const panels = metrics.map((m, i) => {
    const series: Series[] = [];
    if (h[m]) series.push({ key: m, label: `training ${m}`, color: TRAIN_COLOR, values: h[m], dashed: false });
    if (h[`val_${m}`]) series.push({ key: `val_${m}`, label: `validation ${m}`, color: VAL_COLOR, values: h[`val_${m}`], dashed: true });
    return panel(m, epochs.slice(0, Math.max(...series.map((s) => s.values.length))), series, i * width, width, height);
  });
  return svgDocument(width * metrics.length, height, panels, `Training history: ${metrics.join(', ')}`);
}
