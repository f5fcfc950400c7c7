// The setup panel: target, task, preprocessing, split, features and models. The task shown is the
// one the package guesses (toTensors), and the model list follows it.
import type * as wg from 'webgrad';
import { renderPreview } from './data';
import type { Settings } from './store';
import { DEFAULT_MODELS, MODELS, type Task } from './train';

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;

interface Ctx {
  frame(): wg.data.DataFrame | null;
  settings(): Settings | null;
  /** A setting changed (save it). */
  changed(): void;
}

export function defaults(f: wg.data.DataFrame): Settings {
  const target = f.columns[f.columns.length - 1].name;
  return {
    target, features: f.columns.filter((c) => c.name !== target && c.kind !== 'text').map((c) => c.name),
    impute: 'mean', scale: 'standard', oneHot: true, task: 'auto', testSize: 0.25, seed: 0, stratify: true,
    balanced: false, models: DEFAULT_MODELS, colorBy: 'class',
  };
}

/** Settings restored from storage, checked against this table's columns. */
export function settingsFor(s: Settings | null, f: wg.data.DataFrame): Settings {
  const d = defaults(f);
  if (!s) return d;
  const names = new Set(f.columnNames);
  const target = names.has(s.target) ? s.target : d.target;
  const features = s.features.filter((n) => names.has(n) && n !== target);
  return { ...d, ...s, target, features: features.length ? features : d.features };
}

function checkbox(parent: HTMLElement, label: string, test: string, checked: boolean, onChange: (on: boolean) => void) {
  const l = document.createElement('label');
  l.className = 'check';
  const i = document.createElement('input');
  i.type = 'checkbox';
  i.checked = checked;
  i.dataset.test = test;
  i.onchange = () => onChange(i.checked);
  l.append(i, label);
  parent.append(l);
}

function render(ctx: Ctx) {
  const f = ctx.frame()!, s = ctx.settings()!;
  $('#setup').hidden = false;
  renderPreview($('#preview'), f, s.target);
  const target = $<HTMLSelectElement>('#target');
  target.replaceChildren(...f.columnNames.map((n) => new Option(n, n)));
  target.value = s.target;
  $<HTMLSelectElement>('#task').value = s.task;
  $<HTMLSelectElement>('#impute').value = s.impute;
  $<HTMLSelectElement>('#scale').value = s.scale;
  $<HTMLInputElement>('#onehot').checked = s.oneHot;
  $<HTMLInputElement>('#test-size').value = String(s.testSize);
  $('#test-size-value').textContent = `${Math.round(s.testSize * 100)} %`;
  $<HTMLInputElement>('#seed').value = String(s.seed);
  $<HTMLInputElement>('#stratify').checked = s.stratify;
  $<HTMLInputElement>('#balanced').checked = s.balanced;
  const feats = $('#features');
  feats.innerHTML = '';
  for (const c of f.columns) {
    if (c.name === s.target) continue;
    checkbox(feats, c.name, `feature-${c.name}`, s.features.includes(c.name), (on) => {
      s.features = on ? [...s.features, c.name] : s.features.filter((n) => n !== c.name);
      ctx.changed();
    });
  }
  void refreshTask(ctx);
  $<HTMLSelectElement>('#color-by').value = s.colorBy;
}

let taskToken = 0;

/** The task the package will use for this target (toTensors guesses it from the target column
 *  when the task is 'auto'; asked here with one feature only), then the models for it. */
async function refreshTask(ctx: Ctx) {
  const f = ctx.frame()!, s = ctx.settings()!;
  const token = ++taskToken;
  const shown = $('#task-shown');
  delete shown.dataset.task;
  let task: Task = s.task === 'auto' ? 'classification' : s.task;
  let text = `Task: ${task} (chosen).`;
  if (s.task === 'auto') {
    const probe = f.columns.find((c) => c.name !== s.target && c.kind !== 'text');
    try {
      const t = await f.toTensors({ target: s.target, features: probe ? [probe.name] : [] });
      t.x.dispose();
      t.y.dispose();
      task = t.task;
      text = `Task: ${task} (guessed from the target${t.classes.length ? `: ${t.classes.length} classes` : ''}).`;
    } catch (e) {
      text = `Task: unknown — ${(e as Error).message}`;
    }
  }
  if (token !== taskToken) return;
  const models = $('#models');
  models.innerHTML = '';
  for (const m of MODELS.filter((x) => x.task === task)) {
    checkbox(models, m.title, `model-${m.id}`, s.models.includes(m.id), (on) => {
      s.models = on ? [...s.models, m.id] : s.models.filter((id) => id !== m.id);
      ctx.changed();
    });
  }
  $<HTMLInputElement>('#stratify').disabled = task === 'regression';
  shown.textContent = text;
  shown.dataset.task = task;
}

export class SetupPanel {
  constructor(private readonly ctx: Ctx) {
    const bind = (sel: string, apply: (el: HTMLInputElement & HTMLSelectElement) => void, rerender = false) => {
      const el = $<HTMLInputElement & HTMLSelectElement>(sel);
      const kind: string = el.type;
      el.addEventListener(kind === 'range' || kind === 'number' ? 'input' : 'change', () => {
        if (!ctx.settings()) return;
        apply(el);
        ctx.changed();
        if (rerender) render(ctx);
        else if (kind === 'range') $('#test-size-value').textContent = `${Math.round(ctx.settings()!.testSize * 100)} %`;
      });
    };
    bind('#target', (el) => {
      const s = ctx.settings()!;
      const old = s.target;
      s.target = el.value;
      s.features = s.features.filter((n) => n !== el.value);
      if (ctx.frame()!.columns.find((c) => c.name === old)?.kind !== 'text') s.features.push(old);
    }, true);
    bind('#task', (el) => (ctx.settings()!.task = el.value as Settings['task']), true);
    bind('#impute', (el) => (ctx.settings()!.impute = el.value as Settings['impute']));
    bind('#scale', (el) => (ctx.settings()!.scale = el.value as Settings['scale']));
    bind('#onehot', (el) => (ctx.settings()!.oneHot = el.checked));
    bind('#test-size', (el) => (ctx.settings()!.testSize = Number(el.value)));
    bind('#seed', (el) => (ctx.settings()!.seed = Math.max(0, Math.floor(Number(el.value) || 0))));
    bind('#stratify', (el) => (ctx.settings()!.stratify = el.checked));
    bind('#balanced', (el) => (ctx.settings()!.balanced = el.checked));
  }

  render() {
    render(this.ctx);
  }
}
