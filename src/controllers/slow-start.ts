/**
 * Kubernetes' slowStartBatch: runs `fn` `count` times in batches of 1, 2, 4, … (each batch
 * in parallel), stopping after the first batch with a failure — so a create that keeps
 * failing (quota, admission) costs one request, not hundreds. Returns how many succeeded
 * and the first error.
 */
export async function slowStartBatch(count: number, initialBatch: number, fn: () => Promise<void>): Promise<{ created: number; error?: unknown }> {
  let remaining = count;
  let created = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    let firstErr: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') created++;
      else firstErr ??= r.reason;
    }
    if (firstErr !== undefined) return { created, error: firstErr };
    remaining -= batch;
  }
  return { created };
}
