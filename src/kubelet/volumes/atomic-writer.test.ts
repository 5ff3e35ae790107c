import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePayloadPath, writeAtomic, type Payload } from './atomic-writer.js';

const payload = (files: Record<string, [string, number]>): Payload => new Map(Object.entries(files).map(([k, [v, mode]]) => [k, { data: Buffer.from(v), mode }]));

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-atomic-'));
  try {
    fn(join(dir, 'vol'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('writeAtomic', () => {
  it('writes files in a timestamped dir behind ..data, with user-visible links and modes', () => withDir((dir) => {
    assert.equal(writeAtomic(dir, payload({ 'a.conf': ['A', 0o644], 'sub/b': ['B', 0o400] }), new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), true);
    const ts = readlinkSync(join(dir, '..data'));
    assert.match(ts, /^\.\.2024_01_02_03_04_05\./);
    assert.equal(readlinkSync(join(dir, 'a.conf')), '..data/a.conf');
    assert.equal(readlinkSync(join(dir, 'sub')), '..data/sub');
    assert.equal(readFileSync(join(dir, 'sub/b'), 'utf8'), 'B');
    assert.equal(statSync(join(dir, 'a.conf')).mode & 0o777, 0o644);
    assert.equal(statSync(join(dir, 'sub/b')).mode & 0o777, 0o400);
    assert.deepEqual(readdirSync(dir).sort(), ['..data', ts, 'a.conf', 'sub'].sort());
  }));

  it('an unchanged payload writes nothing; a change swaps ..data and drops the old dir and removed names', () => withDir((dir) => {
    writeAtomic(dir, payload({ a: ['1', 0o644], b: ['2', 0o644] }));
    const first = readlinkSync(join(dir, '..data'));
    assert.equal(writeAtomic(dir, payload({ a: ['1', 0o644], b: ['2', 0o644] })), false);
    assert.equal(readlinkSync(join(dir, '..data')), first);
    // A mode change alone is a change.
    assert.equal(writeAtomic(dir, payload({ a: ['1', 0o600], b: ['2', 0o644] })), true);
    assert.equal(writeAtomic(dir, payload({ a: ['one', 0o600] })), true);
    const second = readlinkSync(join(dir, '..data'));
    assert.notEqual(second, first);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'one');
    assert.equal(lstatSync(join(dir, 'b'), { throwIfNoEntry: false }), undefined);
    assert.deepEqual(readdirSync(dir).sort(), ['..data', second, 'a'].sort());
  }));

  it('an empty payload (optional source missing) leaves an empty volume', () => withDir((dir) => {
    writeAtomic(dir, payload({ a: ['1', 0o644] }));
    writeAtomic(dir, new Map());
    assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('..')), []);
  }));

  it('refuses paths Kubernetes refuses, before writing anything', () => withDir((dir) => {
    for (const bad of ['/abs', '../up', 'a/../../b', '..hidden', '']) assert.throws(() => validatePayloadPath(bad), /invalid path/);
    assert.throws(() => writeAtomic(dir, payload({ ok: ['x', 0o644], '../evil': ['x', 0o644] })), /invalid path/);
    assert.equal(lstatSync(dir, { throwIfNoEntry: false }), undefined);
  }));
});
