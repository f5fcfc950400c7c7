// The playground's colours: orange for negative, blue for positive (TF Playground's diverging
// scheme), a light grey in the middle, and a categorical palette for more than two classes.

export type RGB = [number, number, number];

export const NEGATIVE: RGB = [245, 147, 34]; // #f59322
export const MIDDLE: RGB = [232, 234, 235]; // #e8eaeb
export const POSITIVE: RGB = [8, 119, 189]; // #0877bd

/** Class colours: class 0 orange and class 1 blue as in the two-class sets, then green, purple. */
export const CLASS_COLORS: RGB[] = [NEGATIVE, POSITIVE, [46, 160, 90], [142, 68, 173], [214, 39, 40]];

const mix = (a: RGB, b: RGB, t: number): RGB => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];

/** v in [-1, 1] (clamped) → colour on the orange–grey–blue scale. */
export function diverging(v: number): RGB {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  return t < 0 ? mix(MIDDLE, NEGATIVE, -t) : mix(MIDDLE, POSITIVE, t);
}

/** Class probabilities → the winning class's colour, paler where the model is unsure. */
export function categorical(probs: ArrayLike<number>, discretize: boolean): RGB {
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  const k = probs.length;
  const conf = discretize ? 1 : Math.max(0, (probs[best] - 1 / k) / (1 - 1 / k));
  return mix(MIDDLE, CLASS_COLORS[best % CLASS_COLORS.length], 0.15 + 0.85 * conf);
}

export const css = (c: RGB, alpha = 1) =>
  alpha === 1
    ? `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`
    : `rgba(${c[0] | 0},${c[1] | 0},${c[2] | 0},${alpha})`;
