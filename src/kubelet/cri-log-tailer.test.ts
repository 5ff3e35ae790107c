import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriLogTailer } from './cri-log-tailer.js';

test('raw output becomes CRI lines; a partial last line is P only at the end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-tail-'));
  try {
    const [out, err, log] = [join(dir, 'o'), join(dir, 'e'), join(dir, '0.log')];
    const t = new CriLogTailer([{ path: out, stream: 'stdout', offset: 0 }, { path: err, stream: 'stderr', offset: 0 }], log);
    appendFileSync(out, 'one\ntw');
    appendFileSync(err, 'oops\n');
    t.flush();
    appendFileSync(out, 'o\nthree');
    t.flush(true);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.replace(/^\S+ /, ''));
    assert.deepEqual(lines, ['stdout F one', 'stderr F oops', 'stdout F two', 'stdout P three']);
    assert.deepEqual(t.offsets(), [Buffer.byteLength('one\ntwo\nthree'), Buffer.byteLength('oops\n')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the log rotates by size and keeps maxFiles − 1 rotated files; no line is lost from the kept ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-rotate-'));
  try {
    const [out, log] = [join(dir, 'o'), join(dir, '0.log')];
    const t = new CriLogTailer([{ path: out, stream: 'stdout', offset: 0 }, { path: join(dir, 'e'), stream: 'stderr', offset: 0 }], log, () => {}, { maxBytes: 400, maxFiles: 3 });
    for (let i = 0; i < 60; i++) {
      appendFileSync(out, `line ${i}\n`);
      t.flush();
    }
    const files = readdirSync(dir).filter((f) => f.startsWith('0.log')).sort();
    assert.equal(files.length, 3, `live + 2 rotated: ${files.join(', ')}`);
    assert.ok(files.includes('0.log'));
    const kept = files.filter((f) => f !== '0.log').concat('0.log').flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n')).filter(Boolean);
    const numbers = kept.map((l) => Number(/line (\d+)$/.exec(l)?.[1]));
    assert.equal(numbers.at(-1), 59, 'the newest line is in the live file');
    for (let i = 1; i < numbers.length; i++) assert.equal(numbers[i], (numbers[i - 1] as number) + 1, 'kept lines are contiguous');
    for (const f of files) assert.ok(readFileSync(join(dir, f)).length < 400 + 64, `${f} stays near the limit`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('started, it converts output as it is written, woken by the directory watch (no poll), even for a file created after start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-tail-watch-'));
  const [out, err, log] = [join(dir, '0.log.stdout'), join(dir, '0.log.stderr'), join(dir, '0.log')];
  appendFileSync(out, '');
  const progress: number[][] = [];
  const t = new CriLogTailer([{ path: out, stream: 'stdout', offset: 0 }, { path: err, stream: 'stderr', offset: 0 }], log, (o) => progress.push(o), undefined, 3_600_000);
  const lines = (): string[] => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').map((l) => l.replace(/^\S+ /, ''));
    } catch {
      return [];
    }
  };
  const until = async (what: string, ok: () => boolean): Promise<void> => {
    for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setTimeout(r, 10))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(lines())}`);
  };
  try {
    t.start();
    appendFileSync(out, 'hello\n');
    await until('stdout', () => lines().includes('stdout F hello'));
    appendFileSync(err, 'late file\n');
    await until('stderr', () => lines().includes('stderr F late file'));
    assert.deepEqual(lines(), ['stdout F hello', 'stderr F late file']);
    assert.deepEqual(progress.at(-1), [6, 10]);
  } finally {
    t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
