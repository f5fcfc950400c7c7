// Small canvas drawings: histograms, line charts (ROC, PR), bars, scatter. They get plain numbers
// computed by webgrad and only lay them out.
import { CLASS_COLORS, css, type RGB } from '../../shared/colors';

export const classColor = (k: number): string => css(CLASS_COLORS[k % CLASS_COLORS.length]);

/** Sizes the canvas to its CSS box (times the pixel ratio) and returns a context in CSS pixels. */
function prepare(c: HTMLCanvasElement, h?: number): { g: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth || 300;
  const hh = h ?? (c.clientHeight || 200);
  if (h !== undefined) c.style.height = `${h}px`;
  c.width = Math.round(w * dpr);
  c.height = Math.round(hh * dpr);
  const g = c.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, hh);
  return { g, w, h: hh };
}

/** Bars of counts (a column's histogram from the package's stats). */
export function histogram(c: HTMLCanvasElement, counts: number[]) {
  const { g, w, h } = prepare(c);
  const max = Math.max(1, ...counts);
  const bw = w / counts.length;
  g.fillStyle = css(CLASS_COLORS[1], 0.75);
  counts.forEach((n, i) => {
    const bh = (n / max) * (h - 2);
    g.fillRect(i * bw + 0.5, h - bh, Math.max(1, bw - 1), bh);
  });
}

export interface Series { x: number[]; y: number[]; color: string; label: string; dashed?: boolean }

/** Lines on [0, 1] × [0, 1] axes, with an optional marked point. */
export function lines(c: HTMLCanvasElement, series: Series[], opts: { xLabel: string; yLabel: string; mark?: [number, number] }) {
  const { g, w, h } = prepare(c);
  const L = 40, B = 26, T = 8, R = 8;
  const px = (x: number) => L + x * (w - L - R);
  const py = (y: number) => h - B - y * (h - B - T);
  g.strokeStyle = '#ccc';
  g.fillStyle = '#777';
  g.font = '10px Roboto, sans-serif';
  g.lineWidth = 1;
  for (const t of [0, 0.5, 1]) {
    g.beginPath(); g.moveTo(px(0), py(t)); g.lineTo(px(1), py(t)); g.stroke();
    g.fillText(t.toFixed(1), 18, py(t) + 3);
    g.fillText(t.toFixed(1), px(t) - 7, h - B + 12);
  }
  g.fillText(opts.xLabel, px(0.5) - 20, h - 3);
  g.save(); g.translate(10, py(0.5) + 20); g.rotate(-Math.PI / 2); g.fillText(opts.yLabel, 0, 0); g.restore();
  for (const s of series) {
    g.strokeStyle = s.color;
    g.lineWidth = 2;
    g.setLineDash(s.dashed ? [4, 4] : []);
    g.beginPath();
    s.x.forEach((x, i) => (i ? g.lineTo(px(x), py(s.y[i])) : g.moveTo(px(x), py(s.y[i]))));
    g.stroke();
  }
  g.setLineDash([]);
  if (opts.mark) {
    g.fillStyle = '#b3261e';
    g.beginPath(); g.arc(px(opts.mark[0]), py(opts.mark[1]), 4, 0, 2 * Math.PI); g.fill();
  }
}

/** Horizontal bars with labels (coefficients: orange negative, blue positive). */
export function bars(c: HTMLCanvasElement, labels: string[], values: number[]) {
  const row = 16;
  const { g, w } = prepare(c, Math.max(40, labels.length * row + 8));
  const labelW = Math.min(150, w * 0.42);
  const max = Math.max(1e-12, ...values.map(Math.abs));
  const hasNeg = values.some((v) => v < 0);
  const zero = hasNeg ? labelW + (w - labelW - 8) / 2 : labelW;
  const span = hasNeg ? (w - labelW - 8) / 2 : w - labelW - 8;
  g.font = '10.5px Roboto, sans-serif';
  labels.forEach((name, i) => {
    const y = 4 + i * row;
    g.fillStyle = '#444';
    const text = name.length > 24 ? name.slice(0, 23) + '…' : name;
    g.fillText(text, 2, y + 11);
    const v = values[i];
    const len = (Math.abs(v) / max) * span;
    g.fillStyle = v < 0 ? css(CLASS_COLORS[0]) : css(CLASS_COLORS[1]);
    g.fillRect(v < 0 ? zero - len : zero, y + 2, Math.max(1, len), row - 5);
  });
}

/** Points coloured one by one, drawn in `order` (later on top). */
export function scatter(c: HTMLCanvasElement, xs: ArrayLike<number>, ys: ArrayLike<number>, colors: string[], order?: number[]) {
  const { g, w, h } = prepare(c);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i]); y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]);
  }
  const pad = 10;
  const sx = (w - 2 * pad) / (x1 - x0 || 1), sy = (h - 2 * pad) / (y1 - y0 || 1);
  g.globalAlpha = 0.75;
  for (let j = 0; j < xs.length; j++) {
    const i = order ? order[j] : j;
    g.fillStyle = colors[i];
    g.beginPath();
    g.arc(pad + (xs[i] - x0) * sx, h - pad - (ys[i] - y0) * sy, 2.6, 0, 2 * Math.PI);
    g.fill();
  }
  g.globalAlpha = 1;
}

/** A value in [0, 1] on a light-to-blue ramp (regression targets on the scatter). */
export function ramp(t: number): string {
  const a: RGB = [232, 234, 235], b = CLASS_COLORS[1];
  const u = Math.max(0, Math.min(1, t));
  return css([a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u]);
}
