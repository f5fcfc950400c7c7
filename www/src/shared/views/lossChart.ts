// Live train / test loss over epochs (uPlot). History is kept here and restored on autosave.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface LossHistory {
  epoch: number[];
  train: number[];
  test: number[];
}

export class LossChart {
  readonly el: HTMLElement;
  private plot: uPlot;
  history: LossHistory = { epoch: [], train: [], test: [] };

  constructor(width: number, height: number) {
    this.el = document.createElement('div');
    this.el.className = 'loss-chart';
    const axis = { stroke: '#777', grid: { stroke: '#eee', width: 1 }, ticks: { show: false }, font: '10px Roboto, sans-serif', size: 28 };
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(max, 1e-3) * 1.05] } },
        axes: [{ ...axis, size: 20 }, { ...axis, size: 36, values: (_u, v) => v.map((x) => +x.toPrecision(2)) }],
        series: [
          {},
          { label: 'Training loss', stroke: '#9aa0a6', width: 1.5 },
          { label: 'Test loss', stroke: '#222', width: 1.5 },
        ],
      },
      [[], [], []],
      this.el,
    );
  }

  push(epoch: number, train: number, test: number) {
    const h = this.history;
    if (h.epoch.length && epoch <= h.epoch[h.epoch.length - 1]) return;
    h.epoch.push(epoch);
    h.train.push(train);
    h.test.push(test);
    // Keep the chart light on long runs: thin out to at most 2000 points.
    if (h.epoch.length > 2000) {
      for (const k of ['epoch', 'train', 'test'] as const) h[k] = h[k].filter((_, i) => i % 2 === 0);
    }
    this.redraw();
  }

  set(h: LossHistory) {
    this.history = { epoch: [...h.epoch], train: [...h.train], test: [...h.test] };
    this.redraw();
  }

  reset() {
    this.set({ epoch: [], train: [], test: [] });
  }

  private redraw() {
    const h = this.history;
    this.plot.setData([h.epoch, h.train, h.test]);
  }
}
