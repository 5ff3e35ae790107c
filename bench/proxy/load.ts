/** The benchmark's load generator: `n` GETs at `concurrency` in flight over as many keep-alive connections. */
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import type { Pair } from './stats.js';

export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
}

/** The figures of a run of `n` requests that took `secs`, from their latencies (ms). */
function result(lat: number[], n: number, secs: number): LoadResult {
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  return { rps: n / secs, p50: pct(50), p90: pct(90), p99: pct(99) };
}

/** One GET; resolves to its latency in ms. */
export function once(agent: Agent, host: string, port: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/', agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function load(host: string, port: number, n: number, concurrency: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const lat: number[] = [];
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) lat.push(await once(agent, host, port));
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  return result(lat, n, secs);
}

/**
 * `n` GETs sent at a fixed rate (open loop: each goes out on its schedule whether or not the
 * earlier ones were answered), over up to `maxSockets` keep-alive connections. Latency counts
 * from the scheduled time, so a client that falls behind is charged for it too. Below the
 * machine's capacity no request waits behind the others, and the difference between two paths
 * is what each adds itself, not the queueing a closed loop at saturation adds (stats.ts).
 */
export async function paced(host: string, port: number, n: number, ratePerSec: number, maxSockets = 50): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const lat: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  const intervalMs = 1000 / ratePerSec;
  for (let i = 0; i < n; ) {
    const now = performance.now();
    // Every request due by now goes out; timers fire in whole milliseconds.
    for (; i < n && t0 + i * intervalMs <= now; i++) {
      const due = t0 + i * intervalMs;
      pending.push(once(agent, host, port).then(() => void lat.push(performance.now() - due)));
    }
    if (i < n) await new Promise((r) => setTimeout(r, Math.max(0, t0 + i * intervalMs - performance.now())));
  }
  await Promise.all(pending);
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  return result(lat, n, secs);
}

interface Target {
  host: string;
  port: number;
}

/**
 * `pairs` pairs of runs (a direct and a proxied run back to back), the order alternating
 * from pair to pair so slow drift of the machine's load does not favour one path.
 */
async function inPairs(direct: Target, proxied: Target, pairs: number, run: (t: Target) => Promise<LoadResult>): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let i = 0; i < pairs; i++) {
    const first = i % 2 === 0 ? 'direct' : 'proxied';
    const [x, y] = first === 'direct' ? [direct, proxied] : [proxied, direct];
    const a = await run(x);
    const b = await run(y);
    const load1 = loadavg()[0]!;
    out.push(first === 'direct' ? { direct: a, proxied: b, first, load1 } : { direct: b, proxied: a, first, load1 });
  }
  return out;
}

/** Like compare(), with paced() runs at `ratePerSec` (no warm-up: compare() ran first). */
export function comparePaced(direct: Target, proxied: Target, n: number, ratePerSec: number, pairs: number): Promise<Pair[]> {
  return inPairs(direct, proxied, pairs, (t) => paced(t.host, t.port, n, ratePerSec));
}

/** Warm-up of both paths, then `pairs` pairs of closed-loop runs at `concurrency` in flight. */
export async function compare(direct: Target, proxied: Target, n: number, concurrency: number, pairs: number): Promise<Pair[]> {
  await load(direct.host, direct.port, 2000, concurrency);
  await load(proxied.host, proxied.port, 2000, concurrency);
  return inPairs(direct, proxied, pairs, (t) => load(t.host, t.port, n, concurrency));
}
