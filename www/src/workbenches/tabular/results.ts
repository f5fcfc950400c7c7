// Results: the leaderboard, the selected model's curves, confusion matrix, threshold report and
// weights, and the PCA scatter. Every number comes from wg.metrics / wg.ml; this only draws.
import * as wg from 'webgrad';
import { bars, classColor, lines, ramp, scatter } from './charts';
import type { Prepared, Result, Scores } from './train';

const f3 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3));

const COLUMNS: Record<'classification' | 'regression', [keyof Scores, string][]> = {
  classification: [['accuracy', 'Accuracy'], ['recall', 'Recall'], ['f1', 'F1'], ['rocAuc', 'ROC-AUC'], ['prAuc', 'PR-AUC'], ['recallAtP90', 'Recall @ P≥0.9']],
  regression: [['r2', 'R²'], ['mae', 'MAE']],
};

export interface Row { id: string; title: string; status: string; error?: boolean; fraction?: number; result?: Result }

export function renderLeaderboard(table: HTMLTableElement, p: Prepared, rows: Row[], selected: string | null, pick: (id: string) => void) {
  const binary = p.task === 'classification' && p.classes.length === 2;
  const cols = COLUMNS[p.task].filter(([k]) => binary || (k !== 'prAuc' && k !== 'recallAtP90' && k !== 'recall'));
  table.innerHTML = '';
  const head = table.createTHead().insertRow();
  for (const h of ['Model', ...cols.map((c) => c[1]), 'Train ms', 'Status']) head.insertCell().outerHTML = `<th>${h}</th>`;
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.test = `row-${r.id}`;
    if (r.result?.baseline) tr.classList.add('baseline');
    if (r.id === selected) tr.classList.add('selected');
    tr.insertCell().textContent = r.title;
    for (const [k] of cols) {
      const td = tr.insertCell();
      td.dataset.test = `${r.id}-${k}`;
      td.textContent = f3(r.result?.scores[k]);
    }
    tr.insertCell().textContent = r.result ? r.result.ms.toFixed(0) : '';
    const st = tr.insertCell();
    st.dataset.test = `${r.id}-status`;
    if (r.fraction !== undefined && !r.result && !r.error) {
      st.innerHTML = `<span class="bar"><i></i></span>`;
      (st.querySelector('i') as HTMLElement).style.width = `${Math.round(r.fraction * 100)}%`;
    } else {
      st.innerHTML = `<span class="status${r.error ? ' err' : ''}"></span>`;
      (st.firstChild as HTMLElement).textContent = r.status;
    }
    if (r.result) tr.onclick = () => pick(r.id);
  }
}

function section(parent: HTMLElement, title: string): HTMLElement {
  const d = document.createElement('div');
  d.innerHTML = `<h3></h3>`;
  d.firstChild!.textContent = title;
  parent.append(d);
  return d;
}

function canvas(parent: HTMLElement, test: string, cls = 'chart'): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.className = cls;
  c.dataset.test = test;
  parent.append(c);
  return c;
}

function confusionTable(parent: HTMLElement, classes: string[], matrix: number[][]) {
  const t = document.createElement('table');
  t.className = 'confusion';
  t.dataset.test = 'confusion';
  const max = Math.max(1, ...matrix.flat());
  const head = t.insertRow();
  head.insertCell().outerHTML = '<th class="corner">true ↓ / predicted →</th>';
  for (const c of classes) {
    const th = document.createElement('th');
    th.textContent = c;
    head.append(th);
  }
  matrix.forEach((row, i) => {
    const tr = t.insertRow();
    const th = document.createElement('th');
    th.textContent = classes[i];
    tr.append(th);
    row.forEach((n, j) => {
      const td = tr.insertCell();
      td.textContent = String(n);
      const a = 0.1 + 0.6 * (n / max);
      td.style.background = i === j ? `rgba(8,119,189,${a})` : `rgba(245,147,34,${n ? a : 0.05})`;
    });
  });
  parent.append(t);
}

/** The selected model's details. */
export function renderDetail(el: HTMLElement, p: Prepared, r: Result) {
  el.innerHTML = '';
  const yTest = p.split.yTest;
  const binary = p.task === 'classification' && p.classes.length === 2 && r.score;
  if (binary) {
    const sc = r.score!;
    const roc = wg.metrics.rocCurve(yTest, sc);
    const pr = wg.metrics.precisionRecallCurve(yTest, sc);
    const s1 = section(el, `ROC curve — ${r.title}`);
    const rocCanvas = canvas(s1, 'roc');
    const s2 = section(el, 'Precision–recall curve');
    const prCanvas = canvas(s2, 'pr');
    const s3 = section(el, 'Threshold and costs');
    s3.classList.add('threshold');
    s3.insertAdjacentHTML('beforeend', `
      <label>Threshold <b data-test="threshold-value"></b><input type="range" min="0" max="1" step="0.01" value="0.5" data-test="threshold" /></label>
      <div class="cost-row">
        <label class="menu"><span class="menu-label">Cost of a missed positive</span><input type="number" class="num" min="0" value="10" data-test="cost-fn" /></label>
        <label class="menu"><span class="menu-label">Cost of a false alarm</span><input type="number" class="num" min="0" value="1" data-test="cost-fp" /></label>
      </div>
      <div class="report" data-test="threshold-report"></div>
      <div data-test="confusion-slot"></div>`);
    const slider = s3.querySelector<HTMLInputElement>('[data-test="threshold"]')!;
    const fn = s3.querySelector<HTMLInputElement>('[data-test="cost-fn"]')!;
    const fp = s3.querySelector<HTMLInputElement>('[data-test="cost-fp"]')!;
    const report = s3.querySelector<HTMLElement>('[data-test="threshold-report"]')!;
    const slot = s3.querySelector<HTMLElement>('[data-test="confusion-slot"]')!;
    const update = () => {
      const threshold = Number(slider.value);
      const t = wg.metrics.thresholdReport(yTest, sc, { threshold, costFn: Number(fn.value) || 0, costFp: Number(fp.value) || 0 });
      s3.querySelector('[data-test="threshold-value"]')!.textContent = threshold.toFixed(2);
      report.innerHTML = `Precision <b data-test="tr-precision">${f3(t.precision)}</b> · Recall <b data-test="tr-recall">${f3(t.recall)}</b> · Cost <b data-test="tr-cost">${t.cost}</b><br>TP ${t.tp} · FP ${t.fp} · TN ${t.tn} · FN ${t.fn}`;
      slot.innerHTML = '';
      confusionTable(slot, p.classes, [[t.tn, t.fp], [t.fn, t.tp]]);
      const fpr = t.fp + t.tn ? t.fp / (t.fp + t.tn) : 0;
      lines(rocCanvas, [{ x: roc.fpr, y: roc.tpr, color: classColor(1), label: 'ROC' }, { x: [0, 1], y: [0, 1], color: '#bbb', label: 'chance', dashed: true }], { xLabel: 'false positive rate', yLabel: 'true positive rate', mark: [fpr, t.recall] });
      lines(prCanvas, [{ x: pr.recall, y: pr.precision, color: classColor(1), label: 'PR' }], { xLabel: 'recall', yLabel: 'precision', mark: [t.recall, t.precision] });
    };
    slider.oninput = update;
    fn.oninput = update;
    fp.oninput = update;
    update();
  } else if (p.task === 'classification') {
    const s = section(el, `Confusion matrix — ${r.title}`);
    const cm = wg.metrics.confusionMatrix(yTest, r.pred, { labels: p.classes.map((_, i) => i) });
    confusionTable(s, p.classes, cm.matrix);
  } else {
    const s = section(el, `Predicted (↑) vs true (→) — ${r.title}`);
    const c = canvas(s, 'pred-vs-true', 'chart square');
    const t = Array.from(yTest.dataSync());
    scatter(c, t, Array.from(r.pred.dataSync()), t.map(() => classColor(1)));
  }
  if (r.weights) {
    const s = section(el, r.weights.kind);
    const order = r.weights.values.map((_, i) => i).sort((a, b) => Math.abs(r.weights!.values[b]) - Math.abs(r.weights!.values[a])).slice(0, 20);
    bars(canvas(s, 'weights', 'chart bars'), order.map((i) => p.featureNames[i]), order.map((i) => r.weights!.values[i]));
  }
}

/** The PCA scatter, coloured by the target or by KMeans clusters. */
export async function renderPca(c: HTMLCanvasElement, legend: HTMLElement, info: HTMLElement, p: Prepared, by: 'class' | 'cluster', seed: number) {
  const pca = new wg.ml.PCA({ nComponents: 2 });
  const z = await pca.fitTransform(p.x);
  const ratio = Array.from(pca.explainedVarianceRatio.dataSync());
  pca.dispose();
  const d = z.dataSync();
  const n = z.shape[0];
  const xs = Array.from({ length: n }, (_, i) => d[2 * i]);
  const ys = Array.from({ length: n }, (_, i) => d[2 * i + 1]);
  let colors: string[];
  let names: string[];
  let order: number[] | undefined;
  if (by === 'cluster') {
    const k = p.task === 'classification' ? Math.min(10, p.classes.length) : 3;
    const km = new wg.ml.KMeans({ nClusters: k, nInit: 4, randomState: seed });
    const labels = Array.from((await km.fitPredict(p.x)).dataSync());
    km.dispose();
    colors = labels.map(classColor);
    names = Array.from({ length: k }, (_, i) => `cluster ${i + 1}`);
    info.textContent = `PC1 ${(ratio[0] * 100).toFixed(1)} %, PC2 ${(ratio[1] * 100).toFixed(1)} % of the variance; KMeans with ${k} clusters.`;
  } else if (p.task === 'classification') {
    const labels = Array.from(p.y.dataSync());
    colors = labels.map(classColor);
    names = p.classes;
    // Rare classes on top: the most common class is drawn first.
    const count = new Map<number, number>();
    for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
    order = labels.map((_, i) => i).sort((a, b) => count.get(labels[b])! - count.get(labels[a])!);
    info.textContent = `PC1 ${(ratio[0] * 100).toFixed(1)} %, PC2 ${(ratio[1] * 100).toFixed(1)} % of the variance.`;
  } else {
    const y = Array.from(p.y.dataSync());
    const lo = Math.min(...y), hi = Math.max(...y);
    colors = y.map((v) => ramp((v - lo) / (hi - lo || 1)));
    names = [];
    info.textContent = `PC1 ${(ratio[0] * 100).toFixed(1)} %, PC2 ${(ratio[1] * 100).toFixed(1)} %; darker = larger target.`;
  }
  z.dispose();
  scatter(c, xs, ys, colors, order);
  c.dataset.points = String(n);
  legend.innerHTML = '';
  names.slice(0, 12).forEach((name, i) => {
    const s = document.createElement('span');
    s.innerHTML = `<i class="class-dot"></i>`;
    (s.firstChild as HTMLElement).style.background = classColor(i);
    s.append(name);
    legend.append(s);
  });
}
