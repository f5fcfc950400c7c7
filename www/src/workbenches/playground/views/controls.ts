// The top bar: reset / play-pause / step, the epoch counter, and the hyper-parameter menus.

import {
  ACTIVATIONS, DROPOUT_RATES, LEARNING_RATES, LOSSES, OPTIMIZERS, REG_RATES, REGULARIZATIONS,
  type Problem, type State,
} from '../state';

export interface ControlEvents {
  reset(): void;
  togglePlay(): void;
  step(): void;
  set<K extends keyof State>(field: K, value: State[K]): void;
  setProblem(p: Problem): void;
}

const LABELS: Record<string, string> = {
  sgd: 'SGD', momentum: 'Momentum', adam: 'Adam', mse: 'Squared error', xent: 'Cross-entropy',
  relu: 'ReLU', tanh: 'Tanh', sigmoid: 'Sigmoid', linear: 'Linear', none: 'None', L1: 'L1', L2: 'L2',
  classification: 'Classification', regression: 'Regression',
};

export class Controls {
  readonly el: HTMLElement;
  private play: HTMLButtonElement;
  private epoch: HTMLElement;
  private selects = new Map<string, HTMLSelectElement>();
  private bn: HTMLInputElement;

  constructor(private ev: ControlEvents) {
    this.el = document.createElement('div');
    this.el.className = 'top-controls';
    const buttons = document.createElement('div');
    buttons.className = 'play-buttons';
    const reset = iconButton('reset', 'Reset the network', ICON_RESET, () => ev.reset());
    this.play = iconButton('play', 'Run / pause', ICON_PLAY, () => ev.togglePlay());
    this.play.classList.add('primary');
    const step = iconButton('step', 'Train one epoch', ICON_STEP, () => ev.step());
    buttons.append(reset, this.play, step);
    const epoch = document.createElement('div');
    epoch.className = 'epoch';
    this.epoch = document.createElement('span');
    this.epoch.className = 'epoch-value';
    this.epoch.dataset.test = 'epoch';
    epoch.append(label('Epoch'), this.epoch);
    this.el.append(buttons, epoch);

    const num = (v: number) => String(v);
    this.menu('learningRate', 'Learning rate', 'lr', LEARNING_RATES.map((v) => [num(v), num(v)]), Number);
    this.menu('activation', 'Activation', 'activation', ACTIVATIONS.map((a) => [a, LABELS[a]]));
    this.menu('regularization', 'Regularization', 'regularization', REGULARIZATIONS.map((r) => [r, LABELS[r]]));
    this.menu('regRate', 'Regularization rate', 'regRate', REG_RATES.map((v) => [num(v), num(v)]), Number);
    const problem = this.menu('problem', 'Problem type', 'problem', [['classification', LABELS.classification], ['regression', LABELS.regression]]);
    problem.onchange = () => ev.setProblem(problem.value as Problem);
    this.menu('optimizer', 'Optimizer', 'optimizer', OPTIMIZERS.map((o) => [o, LABELS[o]])).parentElement!.classList.add('extras-start');
    this.menu('loss', 'Loss', 'loss', LOSSES.map((l) => [l, LABELS[l]]));
    this.menu('dropout', 'Dropout', 'extras', DROPOUT_RATES.map((v) => [num(v), v === 0 ? 'Off' : num(v)]), Number);
    const bnWrap = document.createElement('div');
    bnWrap.className = 'menu';
    bnWrap.dataset.hide = 'extras';
    this.bn = document.createElement('input');
    this.bn.type = 'checkbox';
    this.bn.dataset.test = 'batchnorm';
    this.bn.onchange = () => ev.set('batchNorm', this.bn.checked);
    const bnLabel = document.createElement('label');
    bnLabel.className = 'check';
    bnLabel.append(this.bn, ' on');
    bnWrap.append(label('Batch norm'), bnLabel);
    this.el.append(bnWrap);
  }

  private menu(field: keyof State, title: string, hide: string, options: string[][], parse: (s: string) => unknown = (s) => s): HTMLSelectElement {
    const wrap = document.createElement('div');
    wrap.className = 'menu';
    wrap.dataset.hide = hide;
    const sel = document.createElement('select');
    sel.dataset.test = `select-${field}`;
    sel.setAttribute('aria-label', title);
    for (const [v, text] of options) sel.append(new Option(text, v));
    sel.onchange = () => this.ev.set(field, parse(sel.value) as never);
    wrap.append(label(title), sel);
    this.el.append(wrap);
    this.selects.set(field, sel);
    return sel;
  }

  update(s: State) {
    for (const [field, sel] of this.selects) sel.value = String(s[field as keyof State]);
    const loss = this.selects.get('loss')!;
    loss.disabled = s.problem === 'regression';
    this.bn.checked = s.batchNorm;
  }

  setEpoch(epoch: number) {
    this.epoch.textContent = String(epoch).padStart(6, '0').replace(/(\d{3})$/, ',$1');
  }

  setPlaying(playing: boolean) {
    this.play.innerHTML = playing ? ICON_PAUSE : ICON_PLAY;
    this.play.classList.toggle('playing', playing);
    this.play.title = playing ? 'Pause' : 'Run';
  }
}

function label(text: string): HTMLElement {
  const l = document.createElement('span');
  l.className = 'menu-label';
  l.textContent = text;
  return l;
}

function iconButton(test: string, title: string, svg: string, onclick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'icon-btn';
  b.dataset.test = test;
  b.title = title;
  b.setAttribute('aria-label', title);
  b.innerHTML = svg;
  b.onclick = onclick;
  return b;
}

const ICON_PLAY = '<svg viewBox="0 0 24 24" width="28" height="28"><path d="M8 5v14l11-7z" fill="currentColor"/></svg>';
const ICON_PAUSE = '<svg viewBox="0 0 24 24" width="28" height="28"><path d="M6 5h4v14H6zM14 5h4v14h-4z" fill="currentColor"/></svg>';
const ICON_RESET = '<svg viewBox="0 0 24 24" width="22" height="22"><path d="M12 5V1L7 6l5 5V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z" fill="currentColor"/></svg>';
const ICON_STEP = '<svg viewBox="0 0 24 24" width="22" height="22"><path d="M6 18l8.5-6L6 6v12zM16 6v12h2V6h-2z" fill="currentColor"/></svg>';
