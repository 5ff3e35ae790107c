/**
 * The benchmark's API server, in its own process (so the load generator does not share
 * its event loop), running the compiled code (dist/, built by run.ts) as `skiff server`
 * does — under tsx the server would also carry the TypeScript loader's thread and
 * compiled sources, ~30 MB of resident memory no real server has.
 * Prints one JSON line {url, caPem, token, pid} once listening; stops on SIGTERM.
 * BENCH_GC_LOG=file: on exit, writes every garbage collection as [epoch ms, duration ms, kind].
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../dist/client/logger.js';
import { startApiServer } from '../../dist/apiserver/server.js';
import { createResourceHandler } from '../../dist/apiserver/resources/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-apiserver-'));
const server = await startApiServer({
  dataDir,
  port: 0,
  bindAddress: '127.0.0.1',
  logger: silentLogger,
  createResources: createResourceHandler,
  maxRequestsInFlight: 1000,
  maxMutatingRequestsInFlight: 1000,
});
process.stdout.write(`${JSON.stringify({ url: server.url, caPem: server.caPem, token: server.adminToken, pid: process.pid })}\n`);
const stop = async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// SIGUSR2: collect garbage now, so the parent measures live memory rather than
// whatever the collector has not yet reclaimed (started with --expose-gc).
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const mb = (n) => `${(n / 2 ** 20).toFixed(0)} MB`;
  process.stderr.write(`server memory after GC: rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)} (array buffers ${mb(m.arrayBuffers)})\n`);
});

if (process.env.BENCH_GC_LOG) {
  const { PerformanceObserver, performance } = await import('node:perf_hooks');
  const { writeFileSync } = await import('node:fs');
  const gcs = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([performance.timeOrigin + e.startTime, e.duration, e.detail?.kind]);
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => writeFileSync(process.env.BENCH_GC_LOG, JSON.stringify(gcs)));
}
