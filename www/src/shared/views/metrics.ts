// Accuracy and a confusion matrix on the test set (classification only).

import { CLASS_COLORS, css } from '../colors';
/** A labelled point (class index in `label`). */
type Point = { label: number };

/** Predicted class of row `i` from model outputs ([rows × units]; 1 unit = tanh in [-1, 1]). */
export function predictedClass(out: Float32Array, units: number, i: number): number {
  if (units === 1) return out[i] > 0 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < units; k++) if (out[i * units + k] > out[i * units + best]) best = k;
  return best;
}

export function confusion(points: Point[], out: Float32Array, units: number, classes: number): { matrix: number[][]; accuracy: number } {
  const matrix = Array.from({ length: classes }, () => new Array(classes).fill(0));
  let right = 0;
  points.forEach((p, i) => {
    const k = predictedClass(out, units, i);
    matrix[p.label][k]++;
    if (k === p.label) right++;
  });
  return { matrix, accuracy: points.length ? right / points.length : 0 };
}

export class MetricsView {
  readonly el: HTMLElement;
  private acc: HTMLElement;
  private table: HTMLTableElement;

  constructor() {
    this.el = document.createElement('div');
    this.el.className = 'metrics';
    this.el.dataset.hide = 'metrics';
    this.acc = document.createElement('div');
    this.acc.className = 'accuracy';
    this.table = document.createElement('table');
    this.table.className = 'confusion';
    this.table.dataset.test = 'confusion';
    this.el.append(this.acc, this.table);
  }

  update(train: { accuracy: number } | null, test: { matrix: number[][]; accuracy: number } | null) {
    this.el.hidden = !test;
    if (!test || !train) return;
    this.acc.innerHTML = '';
    const stat = (name: string, v: number, testId: string) => {
      const d = document.createElement('div');
      d.className = 'stat';
      const b = document.createElement('b');
      b.textContent = `${(v * 100).toFixed(1)}%`;
      b.dataset.test = testId;
      d.append(`${name} `, b);
      return d;
    };
    this.acc.append(stat('Test accuracy', test.accuracy, 'test-accuracy'), stat('Training accuracy', train.accuracy, 'train-accuracy'));
    const k = test.matrix.length;
    const rows: HTMLTableRowElement[] = [];
    const head = document.createElement('tr');
    head.append(cell('th', 'true ↓ / predicted →', 'corner'));
    for (let j = 0; j < k; j++) head.append(swatch('th', j));
    rows.push(head);
    const max = Math.max(1, ...test.matrix.flat());
    test.matrix.forEach((row, i) => {
      const tr = document.createElement('tr');
      tr.append(swatch('th', i));
      row.forEach((n, j) => {
        const td = cell('td', String(n));
        const c = i === j ? CLASS_COLORS[i % CLASS_COLORS.length] : ([120, 120, 120] as [number, number, number]);
        td.style.background = css(c, 0.08 + 0.6 * (n / max));
        tr.append(td);
      });
      rows.push(tr);
    });
    this.table.replaceChildren(...rows);
  }
}

function cell(tag: string, text: string, cls = ''): HTMLElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (cls) c.className = cls;
  return c;
}

function swatch(tag: string, k: number): HTMLElement {
  const c = cell(tag, '');
  const dot = document.createElement('span');
  dot.className = 'class-dot';
  dot.style.background = css(CLASS_COLORS[k % CLASS_COLORS.length]);
  c.append(dot);
  return c;
}
