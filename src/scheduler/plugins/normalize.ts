import type { NodeScore } from '../interfaces.js';

export const MAX_NODE_SCORE = 100;

/** Scales scores so the highest becomes 100 (reverse: the highest becomes 0), as DefaultNormalizeScore. */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = MAX_NODE_SCORE;
    return;
  }
  for (const s of scores) {
    let v = Math.floor((MAX_NODE_SCORE * s.score) / max);
    if (reverse) v = MAX_NODE_SCORE - v;
    s.score = v;
  }
}

/** Maps [min, max] linearly onto [0, 100]. */
export function minMaxNormalize(scores: NodeScore[]): void {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s.score < min) min = s.score;
    if (s.score > max) max = s.score;
  }
  const span = max - min;
  for (const s of scores) s.score = span === 0 ? 0 : Math.floor((MAX_NODE_SCORE * (s.score - min)) / span);
}
