// The network diagram: input features (click to toggle), hidden layers (+/− layers and neurons,
// per-layer activation), output units; every node shows its heatmap over [-6, 6]², every link its
// weight by width and colour. Hover a node to enlarge it, hover a link or bias to read it, click
// one to edit it.

import { css, diverging } from '../../../shared/colors';
import {
  ACTIVATIONS, FEATURES, MAX_LAYERS, MAX_NEURONS, type Activation, type FeatureId,
  type State,
} from '../state';
import { paintUnit } from './heatmap';

export interface NetworkEvents {
  toggleFeature(id: FeatureId): void;
  addLayer(): void;
  removeLayer(): void;
  changeNeurons(layer: number, delta: number): void;
  setLayerActivation(layer: number, act: Activation | null): void;
  editWeight(layer: number, from: number, to: number, value: number): void;
  editBias(layer: number, unit: number, value: number): void;
}

export interface NetworkData {
  res: number;
  /** Feature values over the grid, [cells × 7], every feature (enabled or not). */
  inputs: Float32Array;
  inputScale: number[];
  /** Per layer (hidden…, output) activations over the grid. */
  grid: Float32Array[];
  weights: Float32Array[];
  biases: Float32Array[];
  discretize: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';
const LABEL_W = 74;

interface NodeRef {
  layer: number; // 0 = inputs, 1.. = hidden, last = output
  unit: number;
  x: number;
  y: number;
  canvas: HTMLCanvasElement;
}

export class NetworkView {
  readonly el: HTMLElement;
  private header: HTMLElement;
  private body: HTMLElement;
  private svg: SVGSVGElement;
  private tip: HTMLElement;
  private zoom: HTMLCanvasElement;
  private nodes: NodeRef[][] = [];
  private links: { path: SVGPathElement; hit: SVGPathElement; layer: number; from: number; to: number }[] = [];
  private biasEls: { el: HTMLElement; layer: number; unit: number }[] = [];
  private data: NetworkData | null = null;
  private shapeKey = '';
  private hoverNode: NodeRef | null = null;
  private size = 36;

  constructor(private ev: NetworkEvents) {
    this.el = document.createElement('div');
    this.el.className = 'network';
    this.header = document.createElement('div');
    this.header.className = 'net-header';
    this.body = document.createElement('div');
    this.body.className = 'net-body';
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('class', 'net-links');
    this.tip = document.createElement('div');
    this.tip.className = 'net-tip';
    this.tip.hidden = true;
    this.zoom = document.createElement('canvas');
    this.zoom.className = 'net-zoom';
    this.zoom.hidden = true;
    this.body.append(this.svg);
    this.el.append(this.header, this.body, this.tip, this.zoom);
    new ResizeObserver(() => this.relayout()).observe(this.el);
  }

  private state: State | null = null;
  private outputs = 1;

  /** Rebuilds the diagram when the network's shape changed. */
  render(s: State, outputs: number) {
    this.state = s;
    this.outputs = outputs;
    const key = JSON.stringify([s.features, s.hidden, outputs, s.layerActivations, s.activation, s.hide]);
    if (key === this.shapeKey) return;
    this.shapeKey = key;
    this.relayout();
  }

  private relayout() {
    const s = this.state;
    if (!s) return;
    const columns = [FEATURES.length, ...s.hidden, this.outputs];
    // Room for every column's header; a narrow screen scrolls the diagram sideways instead.
    this.el.style.minWidth = `${LABEL_W + columns.length * 96}px`;
    const width = this.el.clientWidth || 600;
    const maxNodes = Math.max(...columns);
    this.size = maxNodes > 16 ? 20 : maxNodes > 10 ? 26 : 36;
    const gap = this.size > 30 ? 12 : 8;
    const n = this.size;
    const colX = (c: number) =>
      LABEL_W + (c * (width - LABEL_W - n - 8)) / Math.max(1, columns.length - 1);
    const height = maxNodes * (n + gap) + 10;
    this.body.style.height = `${height}px`;
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(height));

    // Header: one cell per column, centred over it.
    this.header.replaceChildren();
    const headerCell = (c: number, content: HTMLElement[]) => {
      const cell = document.createElement('div');
      cell.className = 'net-col-header';
      cell.style.left = `${colX(c) + n / 2}px`;
      cell.append(...content);
      this.header.append(cell);
    };
    // A teaching link can fix the features (`hide=features`) or the architecture (`hide=layers`).
    const lockFeatures = s.hide.includes('features');
    const lockLayers = s.hide.includes('layers');
    headerCell(0, [text('div', 'col-title', 'Features'), text('div', 'col-sub', lockFeatures ? ' ' : 'Click to toggle')]);
    s.hidden.forEach((units, l) => {
      const plus = button('+', `Add a neuron to layer ${l + 1}`, () => this.ev.changeNeurons(l, +1));
      plus.disabled = units >= MAX_NEURONS;
      plus.dataset.test = `neuron-add-${l}`;
      const minus = button('−', `Remove a neuron from layer ${l + 1}`, () => this.ev.changeNeurons(l, -1));
      minus.disabled = units <= 1;
      minus.dataset.test = `neuron-remove-${l}`;
      const pm = document.createElement('div');
      pm.className = 'plus-minus';
      pm.append(plus, minus);
      const act = document.createElement('select');
      act.className = 'layer-act';
      act.title = `Activation of layer ${l + 1}`;
      act.append(new Option(`= ${s.activation}`, ''));
      ACTIVATIONS.forEach((a) => act.append(new Option(a, a)));
      act.value = s.layerActivations[l] ?? '';
      act.onchange = () => this.ev.setLayerActivation(l, (act.value || null) as Activation | null);
      if (lockLayers) {
        pm.style.visibility = 'hidden';
        act.disabled = true;
      }
      headerCell(l + 1, [pm, text('div', 'col-sub', `${units} neuron${units === 1 ? '' : 's'}`), act]);
    });
    headerCell(columns.length - 1, [text('div', 'col-title', 'Output'), text('div', 'col-sub', this.outputs > 1 ? `${this.outputs} classes` : '1 unit')]);
    const layersCtl = document.createElement('div');
    layersCtl.className = 'layers-control';
    const addL = button('+', 'Add a hidden layer', () => this.ev.addLayer());
    addL.disabled = s.hidden.length >= MAX_LAYERS;
    addL.dataset.test = 'layer-add';
    const remL = button('−', 'Remove the last hidden layer', () => this.ev.removeLayer());
    remL.disabled = s.hidden.length === 0;
    remL.dataset.test = 'layer-remove';
    layersCtl.append(addL, remL, text('span', 'layers-count', `${s.hidden.length} hidden layer${s.hidden.length === 1 ? '' : 's'}`));
    if (lockLayers) addL.hidden = remL.hidden = true;
    this.header.prepend(layersCtl);

    // Nodes.
    this.body.querySelectorAll('.node, .bias').forEach((e) => e.remove());
    this.nodes = columns.map((count, c) =>
      Array.from({ length: count }, (_, u) => {
        const x = colX(c);
        const y = 6 + u * (n + gap);
        const node = document.createElement('div');
        node.className = 'node';
        node.style.cssText = `left:${x}px;top:${y}px;width:${n}px;height:${n}px`;
        const canvas = document.createElement('canvas');
        node.append(canvas);
        const ref: NodeRef = { layer: c, unit: u, x, y, canvas };
        if (c === 0) {
          const f = FEATURES[u];
          node.classList.add('input');
          node.classList.toggle('disabled', !s.features.includes(f.id));
          node.dataset.test = `feature-${f.id}`;
          node.title = `${f.id}: click to ${s.features.includes(f.id) ? 'remove' : 'add'}`;
          const label = document.createElement('div');
          label.className = 'node-label';
          label.innerHTML = `<span>${f.label}</span>`;
          label.style.cssText = `left:${x - LABEL_W}px;top:${y}px;width:${LABEL_W - 8}px;height:${n}px`;
          label.classList.add('node');
          const on = s.features.includes(f.id);
          if (lockFeatures) {
            node.classList.add('locked');
            if (!on) node.hidden = label.hidden = true;
          } else {
            label.onclick = () => this.ev.toggleFeature(f.id);
            node.onclick = () => this.ev.toggleFeature(f.id);
          }
          this.body.append(label);
        } else {
          node.dataset.test = `node-${c}-${u}`;
          const bias = document.createElement('div');
          bias.className = 'bias';
          bias.style.cssText = `left:${x - 5}px;top:${y + n - 5}px`;
          this.body.append(bias);
          this.biasEls.push({ el: bias, layer: c - 1, unit: u });
          bias.onmouseenter = (e) => this.showTip(e, `Bias ${fmt(this.bias(c - 1, u))} · click to edit`);
          bias.onmouseleave = () => (this.tip.hidden = true);
          bias.onclick = (e) => this.edit(e, this.bias(c - 1, u), (v) => this.ev.editBias(c - 1, u, v));
        }
        node.onmouseenter = () => this.showZoom(ref);
        node.onmouseleave = () => this.hideZoom();
        this.body.append(node);
        return ref;
      }),
    );
    this.biasEls = this.biasEls.filter((b) => b.el.isConnected);

    // Links: inputs → first layer use only the enabled features.
    this.svg.replaceChildren();
    this.links = [];
    const enabled = FEATURES.map((f, i) => (s.features.includes(f.id) ? i : -1)).filter((i) => i >= 0);
    for (let c = 0; c + 1 < columns.length; c++) {
      const froms = c === 0 ? enabled : this.nodes[c].map((_, i) => i);
      froms.forEach((fromNode, fromIdx) => {
        this.nodes[c + 1].forEach((to) => {
          const a = this.nodes[c][fromNode];
          const x1 = a.x + n, y1 = a.y + n / 2, x2 = to.x, y2 = to.y + n / 2;
          const d = `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`;
          const path = document.createElementNS(SVG, 'path');
          path.setAttribute('d', d);
          path.setAttribute('class', 'link');
          const hit = document.createElementNS(SVG, 'path');
          hit.setAttribute('d', d);
          hit.setAttribute('class', 'link-hit');
          const link = { path, hit, layer: c, from: fromIdx, to: to.unit };
          hit.onmouseenter = (e) => {
            path.classList.add('hover');
            this.showTip(e, `Weight ${fmt(this.weight(link))} · click to edit`);
          };
          hit.onmouseleave = () => {
            path.classList.remove('hover');
            this.tip.hidden = true;
          };
          hit.onclick = (e) => this.edit(e, this.weight(link), (v) => this.ev.editWeight(c, fromIdx, to.unit, v));
          hit.dataset.test = `link-${c}-${fromIdx}-${to.unit}`;
          this.svg.append(path, hit);
          this.links.push(link);
        });
      });
    }
    if (this.data) this.update(this.data);
  }

  private weight(l: { layer: number; from: number; to: number }): number {
    const w = this.data?.weights[l.layer];
    const cols = this.nodes[l.layer + 1]?.length ?? 1;
    return w ? w[l.from * cols + l.to] : NaN;
  }

  private bias(layer: number, unit: number): number {
    return this.data?.biases[layer]?.[unit] ?? NaN;
  }

  /** Repaints heatmaps and link widths from the latest snapshot. */
  update(d: NetworkData) {
    this.data = d;
    this.nodes[0]?.forEach((node, i) =>
      paintUnit(node.canvas, d.res, { values: d.inputs, units: FEATURES.length, unit: i, scale: d.inputScale[i] }, d.discretize, 2),
    );
    for (let c = 1; c < this.nodes.length; c++) {
      const g = d.grid[c - 1];
      const units = this.nodes[c].length;
      if (!g || g.length !== d.res * d.res * units) continue;
      this.nodes[c].forEach((node, u) => paintUnit(node.canvas, d.res, { values: g, units, unit: u }, d.discretize, 2));
    }
    for (const l of this.links) {
      const w = this.weight(l);
      l.path.setAttribute('stroke', css(diverging(w)));
      l.path.setAttribute('stroke-width', String(Math.min(7, 0.6 + Math.abs(w) * 1.4)));
    }
    for (const b of this.biasEls) b.el.style.background = css(diverging(this.bias(b.layer, b.unit)));
    if (this.hoverNode) this.showZoom(this.hoverNode);
  }

  setPlaying(playing: boolean) {
    this.el.classList.toggle('playing', playing);
  }

  private showZoom(ref: NodeRef) {
    this.hoverNode = ref;
    const z = this.zoom;
    const ctx = z.getContext('2d')!;
    z.width = z.height = ref.canvas.width;
    ctx.drawImage(ref.canvas, 0, 0);
    z.hidden = false;
    const left = ref.x + this.size + 12;
    z.style.left = `${Math.min(left, this.el.clientWidth - 170)}px`;
    z.style.top = `${this.header.offsetHeight + ref.y}px`;
  }

  private hideZoom() {
    this.hoverNode = null;
    this.zoom.hidden = true;
  }

  private showTip(e: MouseEvent, msg: string) {
    const r = this.el.getBoundingClientRect();
    this.tip.textContent = msg;
    this.tip.hidden = false;
    this.tip.style.left = `${e.clientX - r.left + 12}px`;
    this.tip.style.top = `${e.clientY - r.top + 12}px`;
  }

  /** A small number field at the pointer; Enter applies, Escape or blur cancels. */
  private edit(e: MouseEvent, current: number, apply: (v: number) => void) {
    this.el.querySelector('.net-edit')?.remove();
    const r = this.el.getBoundingClientRect();
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '0.1';
    input.className = 'net-edit';
    input.value = Number.isFinite(current) ? current.toFixed(3) : '0';
    input.style.left = `${e.clientX - r.left}px`;
    input.style.top = `${e.clientY - r.top}px`;
    // Removing a focused input fires blur: close once.
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      input.remove();
    };
    input.onkeydown = (k) => {
      if (k.key === 'Enter') {
        const v = Number(input.value);
        if (input.value.trim() !== '' && Number.isFinite(v)) apply(v);
        close();
      } else if (k.key === 'Escape') close();
    };
    input.onblur = close;
    this.el.append(input);
    this.tip.hidden = true;
    input.focus();
    input.select();
  }
}

function text(tag: string, cls: string, s: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = cls;
  e.textContent = s;
  return e;
}

function button(label: string, title: string, onclick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'round-btn';
  b.textContent = label;
  b.title = title;
  b.setAttribute('aria-label', title);
  b.onclick = onclick;
  return b;
}

export const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
