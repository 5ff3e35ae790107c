/** Paired statistics for the proxy benchmark: each pair is a direct and a proxied run back to back. */
import type { LoadResult } from './load.js';

export interface Pair {
  direct: LoadResult;
  proxied: LoadResult;
  /** Which path ran first in this pair (the order alternates, so drift does not favour one path). */
  first: 'direct' | 'proxied';
  /** The machine's 1-minute load average right after the pair. */
  load1: number;
}

export interface PairSummary {
  /** Median over pairs of proxied.rps / direct.rps. */
  ratio: number;
  /** Median over pairs of proxied.p50 − direct.p50, ms. */
  addedP50: number;
  /** Median over pairs of proxied.p99 − direct.p99, ms. */
  addedP99: number;
  /** Smallest and largest pairwise ratio and added p50, to show the spread. */
  ratioRange: [number, number];
  addedP50Range: [number, number];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

export function summarize(pairs: readonly Pair[]): PairSummary {
  const ratios = pairs.map((p) => p.proxied.rps / p.direct.rps);
  const added50 = pairs.map((p) => p.proxied.p50 - p.direct.p50);
  const added99 = pairs.map((p) => p.proxied.p99 - p.direct.p99);
  return { ratio: median(ratios), addedP50: median(added50), addedP99: median(added99), ratioRange: range(ratios), addedP50Range: range(added50) };
}

const f = (x: number) => x.toFixed(2);

/** A markdown table with every run of every pair and the pair's own difference. */
export function pairsTable(pairs: readonly Pair[]): string[] {
  return [
    '| pair | order | direct req/s | direct p50 / p99 ms | proxied req/s | proxied p50 / p99 ms | ratio | added p50 ms | added p99 ms | load (1 min) after |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...pairs.map(
      (p, i) =>
        `| ${i + 1} | ${p.first} first | ${Math.round(p.direct.rps)} | ${f(p.direct.p50)} / ${f(p.direct.p99)} | ${Math.round(p.proxied.rps)} | ${f(p.proxied.p50)} / ${f(p.proxied.p99)} | ${f(p.proxied.rps / p.direct.rps)} | ${f(p.proxied.p50 - p.direct.p50)} | ${f(p.proxied.p99 - p.direct.p99)} | ${f(p.load1)} |`,
    ),
  ];
}

export function summaryLine(mode: string, s: PairSummary): string {
  return `${mode}: throughput ratio ${f(s.ratio)} (pairs ${f(s.ratioRange[0])} to ${f(s.ratioRange[1])}), added p50 ${f(s.addedP50)} ms (pairs ${f(s.addedP50Range[0])} to ${f(s.addedP50Range[1])}), added p99 ${f(s.addedP99)} ms — medians over pairs.`;
}

/**
 * With a fixed number of requests in flight, latency ≈ in-flight / throughput (Little's law),
 * so a throughput ratio R implies an added latency of about direct latency × (1/R − 1): the
 * two halves of a goal like "ratio ≥ 0.7 and < 0.3 ms added p50" are not independent.
 */
export function littleNote(pairs: readonly Pair[], s: PairSummary, addedGoalMs: number): string {
  const directP50 = median(pairs.map((p) => p.direct.p50));
  const implied = directP50 * (1 / s.ratio - 1);
  const needed = directP50 / (directP50 + addedGoalMs);
  return `Little's law check: every connection always has a request in flight, so latency ≈ in-flight / throughput; at the median direct p50 of ${f(directP50)} ms the median ratio ${f(s.ratio)} implies ≈ ${f(implied)} ms added p50 (measured ${f(s.addedP50)}), and < ${addedGoalMs} ms added p50 would need a ratio ≥ ${f(needed)}.`;
}
