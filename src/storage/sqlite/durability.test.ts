/**
 * Durability under SIGKILL: a child process writes with 64 writes in flight and logs
 * every acknowledged write; it is killed at a random moment; the store is reopened and
 * must contain every acknowledged write, with no half-written value. Repeated on the
 * same file, so recovery after recovery is exercised too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from './sqlite-store.js';
import { sha256, valueIsWhole } from './durability-child.js';
import { EventLog } from '../event-log.js';

const CHILD = fileURLToPath(new URL('./durability-child.ts', import.meta.url));
const ROUNDS = 5;

interface Ack {
  type: 'PUT' | 'DELETE';
  key: string;
  rev: number;
  hash: string;
}

function readAcks(path: string): Ack[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [type, key, rev, hash] = l.split(' ');
      return { type: type as Ack['type'], key: key as string, rev: Number(rev), hash: hash as string };
    });
}

async function runAndKill(db: string, ackPath: string, ns: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db, ackPath, ns], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const before = existsSync(ackPath) ? statSync(ackPath).size : 0;
    const deadline = Date.now() + 15_000;
    // Wait until this round has acknowledged writes (a few hundred lines), then kill at a random moment.
    while ((existsSync(ackPath) ? statSync(ackPath).size : 0) - before < 40_000) {
      if (child.exitCode !== null) throw new Error(`writer exited early (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`writer made no progress: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, Math.random() * 300));
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    await exited;
  }
  assert.equal(child.signalCode, 'SIGKILL', `writer ended by itself: ${stderr}`);
}

describe('SQLite durability under SIGKILL', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-durability-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged write across ${ROUNDS} kills`, async () => {
    const db = join(dir, 'store.sqlite');
    const ackPath = join(dir, 'acks.log');
    for (let round = 0; round < ROUNDS; round++) {
      await runAndKill(db, ackPath, `r${round}`);
      const acks = readAcks(ackPath);
      const store = await SqliteStore.open({ path: db, autoCompaction: false });
      try {
        assert.equal(store.pragma('integrity_check'), 'ok');
        const current = await store.currentRevision();
        assert.ok(current >= Math.max(...acks.map((a) => a.rev)), 'current revision covers every acknowledged write');
        // The whole history (never compacted), to find each acknowledged write in it.
        const log = new EventLog();
        const w = store.watch('/dur/', 0, log.onEvents, log.onError);
        await log.waitFor(() => log.events.at(-1)?.kv.modRevision === current || log.error !== undefined, 'full replay', 30_000);
        w.close();
        assert.equal(log.error, undefined);
        const puts = new Map<number, { key: string; hash: string }>();
        const deletes = new Map<string, Set<number>>(); // key -> modRevisions of deleted objects
        for (const e of log.events) {
          if (e.type === 'PUT') {
            assert.ok(valueIsWhole(e.kv.value), `value of ${e.kv.key}@${e.kv.modRevision} is whole`);
            puts.set(e.kv.modRevision, { key: e.kv.key, hash: sha256(e.kv.value) });
          } else {
            const set = deletes.get(e.kv.key) ?? new Set<number>();
            set.add(e.prevKv?.modRevision ?? -1);
            deletes.set(e.kv.key, set);
          }
        }
        let checked = 0;
        for (const a of acks) {
          if (a.type === 'PUT') {
            assert.deepEqual(puts.get(a.rev), { key: a.key, hash: a.hash }, `acknowledged PUT ${a.key}@${a.rev}`);
          } else {
            assert.ok(deletes.get(a.key)?.has(a.rev), `acknowledged DELETE of ${a.key}@${a.rev}`);
          }
          checked++;
        }
        assert.ok(checked > 300, `only ${checked} acknowledged writes to check`);
        // Current state agrees with history: each key's newest event decides whether it exists.
        const lastEvent = new Map<string, (typeof log.events)[number]>();
        for (const e of log.events) lastEvent.set(e.kv.key, e);
        const listed = await store.list('/dur/');
        const live = [...lastEvent.values()].filter((e) => e.type === 'PUT').map((e) => [e.kv.key, e.kv.modRevision]);
        assert.deepEqual(listed.items.map((kv) => [kv.key, kv.modRevision]), live.sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
      } finally {
        await store.close();
      }
    }
  });
});
