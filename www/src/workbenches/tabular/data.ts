// The data panel: the bundled samples, reading a CSV through wg.data.readCsv with progress, and
// the preview table (first rows, each column's kind, stats and histogram from the package).
import * as wg from 'webgrad';
import { histogram } from './charts';
import breastCancer from '../../../../crates/data/assets/tabular/breast_cancer.csv?url';
import diabetes from '../../../../crates/data/assets/tabular/diabetes.csv?url';
import digits from '../../../../crates/data/assets/tabular/digits.csv?url';
import iris from '../../../../crates/data/assets/tabular/iris.csv?url';
import rareEvents from '../../../../crates/data/assets/tabular/rare_events.csv?url';
import wine from '../../../../crates/data/assets/tabular/wine.csv?url';

export const SAMPLES: { id: string; title: string; url: string }[] = [
  { id: 'breast_cancer', title: 'Breast cancer (binary, 569 rows)', url: breastCancer },
  { id: 'rare_events', title: 'Rare events (binary, 2.4 % positives)', url: rareEvents },
  { id: 'iris', title: 'Iris (3 classes)', url: iris },
  { id: 'wine', title: 'Wine (3 classes)', url: wine },
  { id: 'digits', title: 'Digits (10 classes, 64 pixels)', url: digits },
  { id: 'diabetes', title: 'Diabetes (regression)', url: diabetes },
];

export async function sampleText(id: string): Promise<string> {
  const s = SAMPLES.find((x) => x.id === id);
  if (!s) throw new Error(`no sample “${id}”`);
  const r = await fetch(s.url);
  if (!r.ok) throw new Error(`could not load the sample ${id}: HTTP ${r.status}`);
  return r.text();
}

/** Reads CSV text or a file with the package, showing its progress in `bar`. */
export async function parse(input: string | Blob, bar: HTMLElement): Promise<wg.data.DataFrame> {
  const size = typeof input === 'string' ? input.length : input.size;
  if (size > wg.data.MAX_CSV_BYTES) {
    throw new Error(`The file is ${(size / 2 ** 20).toFixed(1)} MiB; the most that can be read is ${wg.data.MAX_CSV_BYTES / 2 ** 20} MiB.`);
  }
  const fill = bar.querySelector('i') as HTMLElement;
  const label = bar.querySelector('span') as HTMLElement;
  bar.hidden = false;
  fill.style.width = '0';
  label.textContent = 'reading…';
  try {
    return await wg.data.readCsv(input, {
      onProgress: ({ phase, fraction }) => {
        fill.style.width = `${Math.round(fraction * 100)}%`;
        label.textContent = `${phase === 'read' ? 'reading' : 'parsing'} ${Math.round(fraction * 100)} %`;
      },
    });
  } finally {
    bar.hidden = true;
  }
}

const num = (v: number | null) => (v === null ? '—' : Math.abs(v) < 1e-9 ? '0' : Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(2));
const cell = (v: wg.data.Cell) => (v === null ? '' : typeof v === 'number' ? String(Math.round(v * 1e4) / 1e4) : String(v));

/** The first rows with a header cell per column: name, kind, stats, histogram. */
export function renderPreview(el: HTMLElement, frame: wg.data.DataFrame, target: string, rows = 8) {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  const hists: [HTMLCanvasElement, number[]][] = [];
  for (const c of frame.columns) {
    const th = document.createElement('th');
    if (c.name === target) th.className = 'target';
    th.dataset.test = `col-${c.name}`;
    const s = c.stats;
    const stats = c.kind === 'number' || c.kind === 'integer'
      ? `μ ${num(s.mean)} σ ${num(s.std)}<br>${num(s.min)} … ${num(s.max)}`
      : `${s.unique} values, top ${s.top[0] ? `${s.top[0][0]} (${s.top[0][1]})` : '—'}`;
    th.innerHTML = `<span class="col-name"></span><span class="col-kind">${c.kind}${s.missing ? `, ${s.missing} missing` : ''}</span><span class="col-stats">${stats}</span>`;
    (th.firstChild as HTMLElement).textContent = c.name;
    if (c.histogram) {
      const canvas = document.createElement('canvas');
      canvas.className = 'col-hist';
      canvas.dataset.test = 'histogram';
      th.append(canvas);
      hists.push([canvas, c.histogram]);
    }
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of frame.head(Math.min(rows, frame.numRows))) {
    const tr = body.insertRow();
    for (const v of r) tr.insertCell().textContent = cell(v);
  }
  el.replaceChildren(table);
  for (const [canvas, counts] of hists) histogram(canvas, counts);
}
