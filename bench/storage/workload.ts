/**
 * The storage benchmark's workload, identical for every backend. Each step returns plain
 * figures; the runner (storage-bench.ts) prints and reports them side by side.
 */
import type { KeyValue, Store } from '../../src/storage/store.js';

export interface Figures {
  seqP50Ms: number;
  seqP99Ms: number;
  putsPerSec64: number;
  put64P50Ms: number;
  put64P99Ms: number;
  list10kMs: number;
  list10kPagedMs: number;
  watchEventsPerSec: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

function value(size: number, seed: number): Uint8Array {
  const v = new Uint8Array(size);
  for (let i = 0; i < size; i++) v[i] = (seed * 31 + i) & 0xff;
  return v;
}

/** Runs `fn(worker, i)` with `inFlight` workers until `total` calls are done; returns per-call latencies (ms). */
export async function inFlight(total: number, workers: number, fn: (worker: number, i: number) => Promise<void>): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await fn(w, i);
        lat.push(performance.now() - t);
      }
    }),
  );
  return lat.sort((a, b) => a - b);
}

/** Updates (compare-and-swap) `keys` keys round-robin, `total` times, 64 in flight. Returns latencies. */
export async function updateLoop(store: Store, prefix: string, keys: number, total: number, valueSize = 1024, workers = 64): Promise<number[]> {
  const revs = new Map<number, number>();
  await inFlight(keys, workers, async (_, i) => {
    const kv = await store.create(`${prefix}${i}`, value(valueSize, i));
    revs.set(i, kv.modRevision);
  });
  // Worker w owns keys w, w+workers, … so compare-and-swap never conflicts.
  const counters = new Array<number>(workers).fill(0);
  return inFlight(total, workers, async (w) => {
    const owned = Math.ceil((keys - w) / workers);
    const k = w + workers * (counters[w]! % Math.max(owned, 1));
    counters[w]!++;
    const kv: KeyValue = await store.update(`${prefix}${k}`, value(valueSize, k), revs.get(k) as number);
    revs.set(k, kv.modRevision);
  });
}

export async function runWorkload(store: Store, log: (line: string) => void, opts: { puts64: number }): Promise<Figures> {
  // 1. Sequential put latency: one compare-and-swap update at a time.
  let kv = await store.create('/bench/seq', value(1024, 0));
  const seq: number[] = [];
  for (let i = 0; i < 2_200; i++) {
    const t = performance.now();
    kv = await store.update('/bench/seq', value(1024, i), kv.modRevision);
    if (i >= 200) seq.push(performance.now() - t); // the first 200 warm up
  }
  seq.sort((a, b) => a - b);
  log(`  sequential put: p50 ${percentile(seq, 50).toFixed(2)} ms, p99 ${percentile(seq, 99).toFixed(2)} ms`);

  // 2. Throughput with 64 puts in flight.
  const t64 = performance.now();
  const lat64 = await updateLoop(store, '/bench/tp/', 64, opts.puts64);
  const putsPerSec64 = opts.puts64 / ((performance.now() - t64) / 1000);
  log(`  64 in flight: ${Math.round(putsPerSec64)} puts/s (p50 ${percentile(lat64, 50).toFixed(2)} ms, p99 ${percentile(lat64, 99).toFixed(2)} ms)`);

  // 3. List 10,000 keys (1 KiB values) by prefix.
  await inFlight(10_000, 64, async (_, i) => {
    await store.create(`/registry/pods/bench/pod-${String(i).padStart(5, '0')}`, value(1024, i));
  });
  const lists: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    const res = await store.list('/registry/pods/bench/');
    lists.push(performance.now() - t);
    if (res.items.length !== 10_000) throw new Error(`listed ${res.items.length} keys, expected 10,000`);
  }
  const paged: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    let page = await store.list('/registry/pods/bench/', { limit: 500 });
    let n = page.items.length;
    while (page.more) {
      page = await store.list('/registry/pods/bench/', { limit: 500, continueFrom: page.items.at(-1)!.key, revision: page.revision });
      n += page.items.length;
    }
    paged.push(performance.now() - t);
    if (n !== 10_000) throw new Error(`paged list returned ${n} keys`);
  }
  log(`  list 10,000 keys: ${median(lists).toFixed(1)} ms (median of 7); in pages of 500: ${median(paged).toFixed(1)} ms`);

  // 4. Watch throughput: events delivered per second while 64 writers put as fast as they can.
  const from = await store.currentRevision();
  const N = Math.min(opts.puts64, 20_000);
  let received = 0;
  let lastAt = 0;
  let watchError: Error | undefined;
  const w = store.watch('/bench/watch/', from, (evs) => {
    received += evs.length;
    lastAt = performance.now();
  }, (err) => (watchError = err));
  const tw = performance.now();
  await inFlight(N, 64, async (_, i) => {
    await store.create(`/bench/watch/${i}`, value(256, i));
  });
  const deadline = Date.now() + 60_000;
  while (received < N && !watchError && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  w.close();
  if (received < N) throw new Error(`watch got ${received}/${N} events (${watchError?.message ?? 'timeout'})`);
  const watchEventsPerSec = N / ((lastAt - tw) / 1000);
  log(`  watch: ${Math.round(watchEventsPerSec)} events/s (${N} single puts, 64 in flight)`);

  return {
    seqP50Ms: percentile(seq, 50),
    seqP99Ms: percentile(seq, 99),
    putsPerSec64,
    put64P50Ms: percentile(lat64, 50),
    put64P99Ms: percentile(lat64, 99),
    list10kMs: median(lists),
    list10kPagedMs: median(paged),
    watchEventsPerSec,
  };
}
