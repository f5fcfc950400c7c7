// The DATA column: data set thumbnails, train/test ratio, noise, batch size, sample count and
// "Regenerate" (a new seed).

import { generate } from '../data';
import { DATASETS, MAX_BATCH, SAMPLE_COUNTS, type State } from '../state';
import { drawPoints } from './heatmap';

export interface DataEvents {
  pick(dataset: string): void;
  set(field: 'ratio' | 'noise' | 'batch' | 'samples', value: number): void;
  regenerate(): void;
}

export class DatasetPicker {
  readonly el: HTMLElement;
  private thumbs = new Map<string, HTMLElement>();
  private sliders: Record<string, { input: HTMLInputElement; value: HTMLElement }> = {};
  private samples: HTMLSelectElement;
  private grid: HTMLElement;

  constructor(private ev: DataEvents) {
    this.el = document.createElement('div');
    this.el.className = 'data-picker';
    this.grid = document.createElement('div');
    this.grid.className = 'dataset-grid';
    this.grid.dataset.hide = 'dataset';
    const title = document.createElement('p');
    title.className = 'hint';
    title.textContent = 'Which data set do you want to use?';
    title.dataset.hide = 'dataset';
    this.el.append(title, this.grid);
    for (const d of DATASETS) {
      const b = document.createElement('button');
      b.className = 'dataset-thumb';
      b.title = d.name;
      b.dataset.test = `dataset-${d.id}`;
      b.setAttribute('aria-label', d.name);
      const c = document.createElement('canvas');
      c.width = c.height = 2 * 56;
      // Regression targets are small near the middle: stretch them so the thumbnail shows the shape.
      const pts = generate(d.id, d.problem === 'regression' ? 300 : 240, 0, 7).map((p) => (d.classes === 1 ? { ...p, label: p.label * 2.5 } : p));
      drawPoints(c, pts, d.classes, { radius: 2.2, stroke: 'rgba(255,255,255,0.6)' });
      const name = document.createElement('span');
      name.textContent = d.name;
      b.append(c, name);
      b.onclick = () => this.ev.pick(d.id);
      this.thumbs.set(d.id, b);
      this.grid.append(b);
    }
    this.slider('ratio', 'Ratio of training to test data', 10, 90, 1, (v) => `${v}%`);
    this.slider('noise', 'Noise', 0, 50, 1, (v) => String(v));
    this.slider('batch', 'Batch size', 1, MAX_BATCH, 1, (v) => String(v));
    const row = document.createElement('div');
    row.className = 'control-row';
    row.dataset.hide = 'regenerate';
    const lab = document.createElement('label');
    lab.textContent = 'Points ';
    this.samples = document.createElement('select');
    this.samples.dataset.test = 'samples';
    SAMPLE_COUNTS.forEach((n) => this.samples.append(new Option(String(n), String(n))));
    this.samples.onchange = () => this.ev.set('samples', Number(this.samples.value));
    lab.append(this.samples);
    const regen = document.createElement('button');
    regen.className = 'text-btn';
    regen.textContent = 'Regenerate';
    regen.dataset.test = 'regenerate';
    regen.onclick = () => this.ev.regenerate();
    row.append(lab, regen);
    this.el.append(row);
  }

  private slider(field: 'ratio' | 'noise' | 'batch', label: string, min: number, max: number, step: number, show: (v: number) => string) {
    const wrap = document.createElement('div');
    wrap.className = 'slider';
    wrap.dataset.hide = field;
    const head = document.createElement('label');
    const value = document.createElement('b');
    head.append(`${label}: `, value);
    const input = document.createElement('input');
    input.type = 'range';
    input.min = String(min);
    input.max = String(max);
    input.step = String(step);
    input.dataset.test = `slider-${field}`;
    input.setAttribute('aria-label', label);
    input.oninput = () => (value.textContent = show(Number(input.value)));
    input.onchange = () => this.ev.set(field, Number(input.value));
    wrap.append(head, input);
    this.el.append(wrap);
    this.sliders[field] = { input, value };
    (this.sliders[field] as unknown as { show: typeof show }).show = show;
  }

  update(s: State) {
    for (const d of DATASETS) {
      const t = this.thumbs.get(d.id)!;
      t.hidden = d.problem !== s.problem;
      t.classList.toggle('selected', d.id === s.dataset);
    }
    for (const f of ['ratio', 'noise', 'batch'] as const) {
      const sl = this.sliders[f] as unknown as { input: HTMLInputElement; value: HTMLElement; show: (v: number) => string };
      sl.input.value = String(s[f]);
      sl.value.textContent = sl.show(s[f]);
    }
    this.samples.value = String(s.samples);
  }
}
