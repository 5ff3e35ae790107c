/**
 * `npm run bench:storage`: the same workload against the SQLite backend and a real etcd
 * started for the run (Debian's etcd-server, loopback, temp dir), side by side; then
 * bytes on disk after 100,000 updates and compaction; then SQLite under sustained
 * updates to the same keys for --sustain-seconds (default 60; 600 = the 10-minute goal),
 * sampling the file size. Writes bench/storage/REPORT.md; the last line printed is
 * `storage: sqlite/etcd put throughput ratio <R>`.
 *
 * Flags: --sustain-seconds N, --updates N (default 100000), --puts N (64-in-flight puts,
 * default 20000), --report PATH.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { EtcdStore } from '../../src/storage/etcd/etcd-store.js';
import { startEtcd, type TestEtcd } from '../../src/storage/etcd/test-etcd.js';
import type { Store } from '../../src/storage/store.js';
import { runWorkload, updateLoop, type Figures } from './workload.js';

const { values: flags } = parseArgs({
  options: {
    'sustain-seconds': { type: 'string', default: '60' },
    updates: { type: 'string', default: '100000' },
    puts: { type: 'string', default: '20000' },
    report: { type: 'string', default: fileURLToPath(new URL('./REPORT.md', import.meta.url)) },
  },
});
const SUSTAIN_S = Number(flags['sustain-seconds']);
const UPDATES = Number(flags.updates);
const PUTS = Number(flags.puts);

const log = (line: string) => console.log(line);

function dirBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

function sqliteBytes(path: string): { db: number; wal: number } {
  const size = (p: string) => statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  return { db: size(path), wal: size(`${path}-wal`) };
}

const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

interface DiskFigures {
  afterUpdates: number;
  afterCompaction: number;
  /** SQLite: after the idle pass that vacuums what the next writes will not reuse. etcd: after defragment. */
  afterReclaim?: number;
}

async function diskAfterUpdates(
  store: Store,
  measure: () => number,
  log: (l: string) => void,
  reclaim: { label: string; run: () => Promise<number> },
): Promise<DiskFigures> {
  const t = performance.now();
  await updateLoop(store, '/bench/disk/', 1_000, UPDATES);
  const afterUpdates = measure();
  await store.compact(await store.currentRevision());
  const afterCompaction = measure();
  const afterReclaim = await reclaim.run();
  log(
    `  ${UPDATES} updates of 1,000 keys (1 KiB) in ${((performance.now() - t) / 1000).toFixed(1)} s: ${mib(afterUpdates)} MiB on disk, ` +
      `${mib(afterCompaction)} MiB after compaction, ${mib(afterReclaim)} MiB ${reclaim.label}`,
  );
  return { afterUpdates, afterCompaction, afterReclaim };
}

interface Sample {
  seconds: number;
  updates: number;
  dbBytes: number;
  walBytes: number;
  rows: number;
  liveKeys: number;
}

/** SQLite with default auto-compaction under sustained 64-in-flight updates to the same 1,000 keys. */
async function sustained(dir: string): Promise<{ samples: Sample[]; updatesPerSec: number }> {
  const path = join(dir, 'sustained.sqlite');
  const store = await SqliteStore.open({ path });
  const samples: Sample[] = [];
  let updates = 0;
  const t0 = performance.now();
  const every = Math.max(5, Math.round(SUSTAIN_S / 20));
  let nextSample = 0;
  const sample = () => {
    const { db, wal } = sqliteBytes(path);
    const st = store.stats();
    samples.push({ seconds: Math.round((performance.now() - t0) / 1000), updates, dbBytes: db, walBytes: wal, rows: st.rows, liveKeys: st.liveKeys });
    const s = samples.at(-1)!;
    log(`  t=${String(s.seconds).padStart(4)} s  updates ${String(s.updates).padStart(9)}  db ${mib(s.dbBytes).padStart(6)} MiB  wal ${mib(s.walBytes).padStart(5)} MiB  log rows ${s.rows}`);
  };
  while ((performance.now() - t0) / 1000 < SUSTAIN_S) {
    await sustainRound(store, 6_400); // 6.4 updates per key per round
    updates += 6_400;
    if ((performance.now() - t0) / 1000 >= nextSample) {
      sample();
      nextSample += every;
    }
  }
  sample();
  const updatesPerSec = updates / ((performance.now() - t0) / 1000);
  await store.close();
  return { samples, updatesPerSec };
}

let sustainRevs: Map<number, number> | undefined;
async function sustainRound(store: Store, n: number): Promise<void> {
  const keys = 1_000;
  if (!sustainRevs) {
    sustainRevs = new Map();
    for (let i = 0; i < keys; i += 64) {
      await Promise.all(
        Array.from({ length: Math.min(64, keys - i) }, async (_, j) => {
          const kv = await store.create(`/bench/sustain/${i + j}`, new Uint8Array(1024).fill(i + j));
          sustainRevs!.set(i + j, kv.modRevision);
        }),
      );
    }
  }
  const revs = sustainRevs;
  // Worker w owns keys w, w+64, …: compare-and-swap never conflicts.
  const turns = new Array<number>(64).fill(0);
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async (_, w) => {
      const owned = Math.ceil((keys - w) / 64);
      while (next < n) {
        next++;
        const k = w + 64 * (turns[w]!++ % owned);
        const kv = await store.update(`/bench/sustain/${k}`, new Uint8Array(1024).fill(next & 0xff), revs.get(k) as number);
        revs.set(k, kv.modRevision);
      }
    }),
  );
}

let loadAtStart = 0;

function machine(): string[] {
  const cpu = cpus();
  const etcdVersion = execFileSync('/usr/bin/etcd', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const sqliteVersion = (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  let fs = 'unknown';
  try {
    fs = execFileSync('df', ['-T', tmpdir()], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[1] ?? fs;
  } catch {
    // df missing: leave unknown
  }
  return [
    `- CPU: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}; RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- Node ${process.version}; SQLite ${sqliteVersion} (better-sqlite3 12); ${etcdVersion} (Debian etcd-server), Node etcd3 client`,
    `- Data on ${tmpdir()} (${fs})`,
    `- Load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${(loadavg()[0] ?? 0).toFixed(2)} — the machine is shared with other engineers' test runs, so figures are noisy`,
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-storage-bench-'));
  let etcd: TestEtcd | undefined;
  const interrupted = () => {
    void (etcd?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  loadAtStart = loadavg()[0] ?? 0;
  try {
    log('sqlite:');
    const sqlitePath = join(dir, 'bench.sqlite');
    const sqlite = await SqliteStore.open({ path: sqlitePath });
    const sq = await runWorkload(sqlite, log, { puts64: PUTS });
    const sqliteSize = () => {
      const { db, wal } = sqliteBytes(sqlitePath);
      return db + wal;
    };
    const sqDisk = await diskAfterUpdates(sqlite, sqliteSize, log, {
      label: 'after 3 s idle (automatic vacuum)',
      run: async () => {
        await new Promise((r) => setTimeout(r, 3_000));
        return sqliteSize();
      },
    });
    await sqlite.close();

    log('etcd:');
    etcd = await startEtcd();
    const et = await EtcdStore.open({ endpoints: etcd.endpoints, prefix: '/skiff' });
    const ef = await runWorkload(et, log, { puts64: PUTS });
    const maint = new Etcd3({ hosts: etcd.endpoints });
    const dataDir = etcd.dataDir;
    const etDisk = await diskAfterUpdates(et, () => dirBytes(dataDir), log, {
      label: 'after defragment',
      run: async () => {
        await maint.maintenance.defragment();
        return dirBytes(dataDir);
      },
    });
    maint.close();
    await et.close();
    await etcd.stop();
    etcd = undefined;

    log(`sqlite sustained updates for ${SUSTAIN_S} s (auto-compaction: checked every second, keep 10,000 revisions):`);
    const sus = await sustained(dir);

    const ratio = sq.putsPerSec64 / ef.putsPerSec64;
    writeReport(sq, ef, sqDisk, etDisk, sus, ratio);
    log(`report written to ${flags.report}`);
    log(`storage: sqlite/etcd put throughput ratio ${ratio.toFixed(2)}`);
  } finally {
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the figures mean, and what they do not show. */
export const NOTES = [
  '## Notes',
  '',
  '- SQLite acknowledges a write only after an fdatasync of its WAL covering it (the',
  '  SIGKILL test in src/storage/sqlite/durability.test.ts checks acknowledged writes',
  '  survive); the flush runs on the thread pool and one flush serves every batch committed',
  '  meanwhile, so the event loop is not blocked by the disk.',
  '- Tail latency (p99) of SQLite comes mostly from WAL checkpoints (every ~4 MiB of WAL),',
  '  which SQLite runs inside COMMIT on the event-loop thread; moving them to a worker',
  '  connection is the next step if p99 matters.',
  '- Lists at the latest revision come from the in-memory current state; paged lists whose',
  '  later pages are read at an older revision (writes in between) go to the revision log.',
  '- etcd keeps its WAL segments (64 MiB each, preallocated) and snapshots in its data',
  '  directory, hence its size; compaction frees pages inside bbolt and only `defragment`',
  '  returns them to the file system. The SQLite file shrinks on its own: compaction keeps',
  '  as free slack twice what it just freed (the next writes reuse it), and an idle pass',
  '  vacuums the rest once writes slow down, hence the "3 s idle" row.',
  '',
];

function writeReport(sq: Figures, ef: Figures, sqDisk: DiskFigures, etDisk: DiskFigures, sus: { samples: Sample[]; updatesPerSec: number }, ratio: number): void {
  const f1 = (n: number) => n.toFixed(1);
  const f2 = (n: number) => n.toFixed(2);
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const half = sus.samples.filter((s) => s.seconds >= sus.samples.at(-1)!.seconds / 2);
  const maxFirst = Math.max(...sus.samples.filter((s) => !half.includes(s)).map((s) => s.dbBytes + s.walBytes), 0);
  const maxSecond = Math.max(...half.map((s) => s.dbBytes + s.walBytes));
  const bounded = maxFirst > 0 && maxSecond <= maxFirst * 1.5;
  const written = (sus.samples.at(-1)?.updates ?? 0) * 1024;
  const lines = [
    '# Storage benchmark: SQLite vs etcd',
    '',
    `Generated by \`npm run bench:storage\` on ${new Date().toISOString()}.`,
    '',
    '## Machine',
    '',
    ...machine(),
    '',
    '## Same workload, both backends',
    '',
    'Values are 1 KiB; every put is a compare-and-swap update through the `Store` interface',
    '(etcd: a transaction on mod_revision). etcd is one member on loopback with',
    '`--auto-compaction-mode=revision --auto-compaction-retention=10000`.',
    '',
    '| measure | SQLite (skiff) | etcd (same run) | etcd reference (anchors.md) |',
    '| --- | ---: | ---: | ---: |',
    `| sequential put p50 / p99 | ${f2(sq.seqP50Ms)} / ${f2(sq.seqP99Ms)} ms | ${f2(ef.seqP50Ms)} / ${f2(ef.seqP99Ms)} ms | 0.52 ms p50 |`,
    `| puts/s, 64 in flight | ${int(sq.putsPerSec64)} | ${int(ef.putsPerSec64)} | ≈ 10,200 |`,
    `| put latency p50 / p99, 64 in flight | ${f2(sq.put64P50Ms)} / ${f2(sq.put64P99Ms)} ms | ${f2(ef.put64P50Ms)} / ${f2(ef.put64P99Ms)} ms | 5.2 / 17.5 ms |`,
    `| list 10,000 keys (one range) | ${f1(sq.list10kMs)} ms | ${f1(ef.list10kMs)} ms | ≈ 29 ms |`,
    `| list 10,000 keys in pages of 500 | ${f1(sq.list10kPagedMs)} ms | ${f1(ef.list10kPagedMs)} ms | — |`,
    `| watch events/s (single puts, 64 in flight) | ${int(sq.watchEventsPerSec)} | ${int(ef.watchEventsPerSec)} | ≈ 8,700 |`,
    `| bytes on disk after ${int(UPDATES)} updates | ${mib(sqDisk.afterUpdates)} MiB | ${mib(etDisk.afterUpdates)} MiB | — |`,
    `| … after compaction | ${mib(sqDisk.afterCompaction)} MiB | ${mib(etDisk.afterCompaction)} MiB | — |`,
    `| … then SQLite 3 s idle (auto vacuum) / etcd defragment | ${mib(sqDisk.afterReclaim ?? 0)} MiB | ${mib(etDisk.afterReclaim ?? 0)} MiB | — |`,
    '',
    `**Put throughput ratio sqlite/etcd (64 in flight): ${ratio.toFixed(2)}** (goal ≥ 2). ` +
      `List of 10,000 keys: ${f1(sq.list10kMs)} ms (goal ≤ 20 ms).`,
    '',
    'The etcd reference figures were measured on another machine of this kind with a much',
    'faster disk (fsync ≈ 0.2 ms); compare within a run, not across. Both backends fsync',
    'before acknowledging a write: etcd its raft WAL, SQLite its WAL (fdatasync, off the',
    'event loop, shared by every batch committed meanwhile).',
    '',
    `## SQLite under sustained updates (${SUSTAIN_S} s)`,
    '',
    `64 in flight, compare-and-swap updates to the same 1,000 keys (1 KiB), default automatic`,
    `compaction (checked every second, keep the last 10,000 revisions): ${int(sus.updatesPerSec)} updates/s on average.`,
    '',
    '| t (s) | updates | database | WAL | log rows |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...sus.samples.map((s) => `| ${s.seconds} | ${int(s.updates)} | ${mib(s.dbBytes)} MiB | ${mib(s.walBytes)} MiB | ${int(s.rows)} |`),
    '',
    `Largest size (database + WAL) in the first half: ${mib(maxFirst)} MiB; in the second half: ${mib(maxSecond)} MiB → ` +
      (bounded ? '**bounded** (the second half is no larger than the first, within 50 %)' : '**not shown bounded** by this run') +
      `, while ${(written / 2 ** 30).toFixed(2)} GiB of values were written.`,
    '',
    ...NOTES,
    '## How to rerun',
    '',
    '```',
    'npm run bench:storage                          # ≈ 3–4 min with the default 60 s sustained phase',
    'npm run bench:storage -- --sustain-seconds 600 # the 10-minute boundedness run',
    '```',
    '',
    'Needs `/usr/bin/etcd` (Debian `etcd-server`). Flags: `--updates N` (default 100000),',
    '`--puts N` (64-in-flight puts, default 20000), `--report PATH`.',
    '',
  ];
  writeFileSync(flags.report as string, lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
