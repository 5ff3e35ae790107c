/**
 * e2e: `kubectl cp` both ways against a `skiff up` node (process runtime). kubectl cp
 * runs `tar cf -` / `tar xmf -` in the container through exec and streams the archive,
 * so this covers exec with stdin and binary stdout end to end.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { loopbackUpCluster } from './support/skiff-up.js';

// The test's own ranges (DESIGN.md): loopback services and pods, no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.82.0/24', '--service-cidr', '127.82.0.0/16', '--cluster-dns', '127.82.0.10', '--dns-upstream', 'none'];

describe('kubectl cp', { skip: kubectlMissing() }, () => {
  const cluster = loopbackUpCluster('skiff-cp-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());
  let stopped: number | null | undefined;

  it('copies a file and a directory into a pod and back', { timeout: 180_000 }, async () => {
    const up = await cluster.start('cp-node', NETS);
    // A host-process pod shares the host's filesystem: it works in its own dir under the test's.
    const box = join(dataDir, 'box');
    mkdirSync(box);
    const file = join(dataDir, 'pod.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'box' },
      spec: { containers: [{ name: 'main', image: 'local/none', imagePullPolicy: 'Never', workingDir: box, command: ['sh', '-c', 'echo from-pod > made-in-pod.txt; exec sleep 600'] }] },
    }));
    try {
      const created = await k(['apply', '-f', file]);
      assert.equal(created.code, 0, created.stderr);
      await waitFor('the pod running', async () => ((await k(['get', 'pod', 'box', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined), 60_000, 500);
      const out = join(dataDir, 'out');
      mkdirSync(out);

      // pod → local file
      const down = await k(['cp', `box:${box}/made-in-pod.txt`, join(out, 'copy.txt')]);
      assert.equal(down.code, 0, `${down.stderr}\n${up.output().slice(-2000)}`);
      assert.equal(readFileSync(join(out, 'copy.txt'), 'utf8'), 'from-pod\n');

      // local file → pod (binary content survives)
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
      writeFileSync(join(out, 'up.bin'), bytes);
      const upload = await k(['cp', join(out, 'up.bin'), `box:${box}/up.bin`]);
      assert.equal(upload.code, 0, upload.stderr);
      const listed = await k(['exec', 'box', '--', 'sh', '-c', `wc -c < ${box}/up.bin; cmp ${box}/up.bin ${join(out, 'up.bin')} && echo same`]);
      assert.match(listed.stdout, /^70000\nsame\n$/, listed.stderr);

      // a directory, up and back down
      const tree = join(out, 'tree');
      mkdirSync(join(tree, 'sub'), { recursive: true });
      writeFileSync(join(tree, 'a.txt'), 'A');
      writeFileSync(join(tree, 'sub', 'b.txt'), 'B');
      const upDir = await k(['cp', tree, `box:${box}/tree`]);
      assert.equal(upDir.code, 0, upDir.stderr);
      const back = join(out, 'back');
      const downDir = await k(['cp', `box:${box}/tree`, back]);
      assert.equal(downDir.code, 0, downDir.stderr);
      assert.equal(readFileSync(join(back, 'a.txt'), 'utf8'), 'A');
      assert.equal(readFileSync(join(back, 'sub', 'b.txt'), 'utf8'), 'B');
    } finally {
      await k(['delete', 'pod', 'box', '--wait=false']);
      stopped = await up.stop();
    }
  });

  // A pod still stopping (deleted just before) must not hold `skiff up` open: its grace-period timer did.
  it('skiff up then exits cleanly on SIGTERM', () => {
    assert.equal(stopped, 0);
  });
});
