import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../api/core/v1/pod.js';
import { FakeClock } from '../client/fake-clock.js';
import { memoryLogger } from '../client/logger.js';
import { readManifestDir, StaticPodSource } from './static-pod-source.js';

const pod = (name: string, cmd = 'sleep 1') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    command: [sh, -c, "${cmd}"]\n`;
const root = mkdtempSync(join(tmpdir(), 'skiff-static-src-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('readManifestDir', () => {
  it('reads the manifests, skips bad files and duplicate names with a reason', () => {
    const dir = join(root, 'read');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'c' }] } }));
    writeFileSync(join(dir, 'c.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    writeFileSync(join(dir, 'd.yaml'), pod('a'));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    mkdirSync(join(dir, 'sub.yaml'));
    const { pods, problems } = readManifestDir(dir, 'n1', () => 'then');
    assert.deepEqual([...pods.values()].map((p) => p.metadata?.name).sort(), ['a-n1', 'b-n1']);
    assert.deepEqual([...problems.keys()].map((f) => f.slice(dir.length + 1)).sort(), ['c.yml', 'd.yaml', 'sub.yaml']);
    assert.match(problems.get(join(dir, 'd.yaml')) ?? '', /already defined in a\.yaml/);
  });
});

describe('StaticPodSource', () => {
  it('creates the directory, reports the set on start, on change (watch) and on the poll, and logs a bad file once', async () => {
    const dir = join(root, 'watched', 'pod-manifests');
    const clock = new FakeClock({ start: Date.parse('2026-01-01T00:00:00Z') });
    const logger = memoryLogger();
    const sets: Array<Map<string, Pod>> = [];
    const names = (i: number) => [...(sets[i]?.values() ?? [])].map((p) => p.metadata?.name).sort();
    const source = new StaticPodSource({ dir, nodeName: 'n1', clock, logger, onChange: (p) => sets.push(new Map(p)) });
    source.start();
    try {
      assert.equal(sets.length, 1);
      assert.deepEqual(names(0), []);
      writeFileSync(join(dir, 'a.yaml'), pod('a'));
      writeFileSync(join(dir, 'bad.yaml'), 'kind: [');
      // The poll finds it even without a watch event being delivered.
      await clock.advance(20_000);
      assert.equal(sets.length, 2);
      assert.deepEqual(names(1), ['a-n1']);
      const uid = [...(sets[1]?.keys() ?? [])][0];
      await clock.advance(20_000);
      assert.equal(sets.length, 2, 'an unchanged directory is no change');
      assert.equal(logger.lines.filter((l) => l.msg === 'skipping a pod manifest').length, 1);
      writeFileSync(join(dir, 'a.yaml'), pod('a', 'sleep 2'));
      await clock.advance(20_000);
      assert.equal(sets.length, 3);
      const newUid = [...(sets[2]?.keys() ?? [])][0];
      assert.notEqual(newUid, uid, 'an edited manifest is a new pod');
      unlinkSync(join(dir, 'a.yaml'));
      await clock.advance(20_000);
      assert.deepEqual(names(3), []);
    } finally {
      source.stop();
    }
  });

  it('keeps config.seen across rereads', async () => {
    const dir = join(root, 'seen');
    const clock = new FakeClock({ start: Date.parse('2026-01-01T00:00:00Z') });
    const sets: Array<Map<string, Pod>> = [];
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    const source = new StaticPodSource({ dir, nodeName: 'n1', clock, logger: memoryLogger(), onChange: (p) => sets.push(new Map(p)) });
    source.start();
    try {
      const seen = (m: ReadonlyMap<string, Pod>) => [...m.values()].map((p) => p.metadata?.annotations?.['kubernetes.io/config.seen']);
      assert.deepEqual(seen(source.pods()), ['2026-01-01T00:00:00Z']);
      await clock.advance(30_000);
      writeFileSync(join(dir, 'b.yaml'), pod('b'));
      await clock.advance(20_000);
      assert.equal(sets.length, 2);
      const byName = new Map([...source.pods().values()].map((p) => [p.metadata?.name, p.metadata?.annotations?.['kubernetes.io/config.seen']]));
      assert.equal(byName.get('a-n1'), '2026-01-01T00:00:00Z', 'the first sighting is kept');
      assert.ok((byName.get('b-n1') ?? '') >= '2026-01-01T00:00:30Z', String(byName.get('b-n1')));
    } finally {
      source.stop();
    }
  });
});
