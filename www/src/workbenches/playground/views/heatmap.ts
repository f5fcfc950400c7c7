// Heatmaps: a small canvas (one pixel per grid cell) scaled up by CSS, plus the big output view
// with data points, axes and a colour legend.

import { categorical, CLASS_COLORS, css, diverging, type RGB } from '../../../shared/colors';
import { DOMAIN, type Point } from '../data';

/** Grid values of one unit: `values` is [cells × units] row-major; unit `u` is painted. */
export interface GridView {
  values: Float32Array;
  units: number;
  unit: number;
  /** Divide values by this before colouring (inputs like x₁² span far more than [-1, 1]). */
  scale?: number;
}

export function paintUnit(canvas: HTMLCanvasElement, res: number, g: GridView, discretize = false, step = 1) {
  // `step` > 1 paints every step-th cell: node pictures are small, the grid is sized for the output.
  const out = Math.floor(res / step);
  paint(canvas, out, (i) => {
    const cell = Math.floor(i / out) * step * res + (i % out) * step;
    let v = g.values[cell * g.units + g.unit] / (g.scale ?? 1);
    if (discretize) v = v > 0 ? 1 : -1;
    return diverging(v);
  });
}

/** Output of a classifier with `k` ≥ 3 softmax units, or of a 1-unit model in [-1, 1]. */
export function paintOutput(canvas: HTMLCanvasElement, res: number, values: Float32Array, units: number, discretize: boolean, twoClassProb: boolean) {
  // Paler than the node heatmaps, so that the data points stand out on it.
  const pale = (c: RGB): RGB => [c[0] + (255 - c[0]) * 0.3, c[1] + (255 - c[1]) * 0.3, c[2] + (255 - c[2]) * 0.3];
  if (units >= 2 && !twoClassProb) {
    paint(canvas, res, (i) => pale(categorical(values.subarray(i * units, (i + 1) * units), discretize)));
    return;
  }
  paint(canvas, res, (i) => {
    // Two softmax units: show p(class 1) − p(class 0) ∈ [-1, 1] on the diverging scale.
    let v = units === 2 ? values[i * 2 + 1] - values[i * 2] : values[i];
    if (discretize) v = v > 0 ? 1 : -1;
    return pale(diverging(v));
  });
}

function paint(canvas: HTMLCanvasElement, res: number, color: (cell: number) => RGB) {
  if (canvas.width !== res) canvas.width = canvas.height = res;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const c = color(i);
    img.data[i * 4] = c[0];
    img.data[i * 4 + 1] = c[1];
    img.data[i * 4 + 2] = c[2];
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Colour of a point's label: class colour, or the diverging colour of a regression target. */
export function labelColor(label: number, classes: number): RGB {
  if (classes === 1) return diverging(label);
  return CLASS_COLORS[label % CLASS_COLORS.length];
}

/** Draws points onto a canvas of any pixel size covering [-6, 6]². */
export function drawPoints(canvas: HTMLCanvasElement, pts: Point[], classes: number, opts: { radius: number; stroke: string; clear?: boolean }) {
  const ctx = canvas.getContext('2d')!;
  const w = canvas.width;
  const h = canvas.height;
  if (opts.clear !== false) ctx.clearRect(0, 0, w, h);
  ctx.lineWidth = Math.max(1, opts.radius / 3);
  ctx.strokeStyle = opts.stroke;
  for (const p of pts) {
    const x = ((p.x1 + DOMAIN) / (2 * DOMAIN)) * w;
    const y = ((DOMAIN - p.x2) / (2 * DOMAIN)) * h;
    if (x < 0 || y < 0 || x > w || y > h) continue;
    ctx.beginPath();
    ctx.arc(x, y, opts.radius, 0, 2 * Math.PI);
    ctx.fillStyle = css(labelColor(p.label, classes));
    ctx.fill();
    ctx.stroke();
  }
}

/** The big output picture: decision surface, train (and optionally test) points, axes. */
export class OutputHeatmap {
  readonly el: HTMLElement;
  private bg: HTMLCanvasElement;
  private fg: HTMLCanvasElement;
  private size: number;

  constructor(size: number) {
    this.size = size;
    this.el = document.createElement('div');
    this.el.className = 'output-heatmap';
    this.el.style.width = this.el.style.height = `${size}px`;
    this.bg = document.createElement('canvas');
    this.bg.className = 'heatmap-bg';
    this.fg = document.createElement('canvas');
    this.fg.className = 'heatmap-points';
    const dpr = window.devicePixelRatio || 1;
    this.fg.width = this.fg.height = Math.round(size * dpr);
    this.el.append(this.bg, this.fg, axes(size));
  }

  paint(res: number, values: Float32Array, units: number, discretize: boolean, twoClassProb: boolean) {
    paintOutput(this.bg, res, values, units, discretize, twoClassProb);
  }

  points(train: Point[], test: Point[] | null, classes: number) {
    const dpr = window.devicePixelRatio || 1;
    drawPoints(this.fg, train, classes, { radius: 3 * dpr, stroke: 'white' });
    if (test) drawPoints(this.fg, test, classes, { radius: 3 * dpr, stroke: 'black', clear: false });
  }

  get pixelSize() {
    return this.size;
  }
}

function axes(size: number): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'heatmap-axes');
  svg.setAttribute('width', String(size + 30));
  svg.setAttribute('height', String(size + 22));
  for (let v = -DOMAIN; v <= DOMAIN; v += 1) {
    const t = ((v + DOMAIN) / (2 * DOMAIN)) * size;
    const major = v % 2 === 0;
    const mk = (x1: number, y1: number, x2: number, y2: number) => {
      const l = document.createElementNS(ns, 'line');
      Object.entries({ x1, y1, x2, y2 }).forEach(([k, n]) => l.setAttribute(k, String(n)));
      svg.append(l);
    };
    mk(t, size, t, size + (major ? 5 : 3)); // bottom: x₁
    mk(size, size - t, size + (major ? 5 : 3), size - t); // right: x₂
    if (!major) continue;
    const bx = document.createElementNS(ns, 'text');
    bx.setAttribute('x', String(t));
    bx.setAttribute('y', String(size + 16));
    bx.setAttribute('text-anchor', 'middle');
    bx.textContent = String(v);
    const ry = document.createElementNS(ns, 'text');
    ry.setAttribute('x', String(size + 8));
    ry.setAttribute('y', String(size - t + 4));
    ry.textContent = String(v);
    svg.append(bx, ry);
  }
  return svg;
}
