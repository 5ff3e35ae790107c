/**
 * e2e, root only (CPU limits are cgroups): `kubectl autoscale` scales a Deployment on its
 * pods' CPU use, as on Kubernetes. A pod burning CPU up to its 200m limit against a 100m
 * request is at ~200 % of a 50 % target: the HPA controller reads that from the metrics
 * API and scales the Deployment to its maxReplicas of 3; `kubectl get hpa` shows the
 * utilization and `kubectl top pod` the use.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { loopbackUpCluster } from './support/skiff-up.js';

// The test's own ranges (DESIGN.md): loopback services and pods, no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.67.0/24', '--service-cidr', '127.54.0.0/16', '--cluster-dns', '127.54.0.10', '--dns-upstream', 'none'];

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'CPU limits (cgroups) need root';
  return kubectlMissing();
}

describe('kubectl autoscale on CPU (root)', { skip: unavailable() }, () => {
  const cluster = loopbackUpCluster('skiff-autoscale-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());

  it('scales a busy deployment up to maxReplicas', { timeout: 240_000 }, async () => {
    const up = await cluster.start('hpa-node', NETS);
    const file = join(dataDir, 'burn.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'burn' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'burn' } },
        template: {
          metadata: { labels: { app: 'burn' } },
          spec: { containers: [{ name: 'burn', image: 'local/none', command: [process.execPath, '-e', 'for (;;) {}'], resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } } }] },
        },
      },
    }));
    try {
      const created = await k(['apply', '-f', file]);
      assert.equal(created.code, 0, created.stderr);
      const hpa = await k(['autoscale', 'deployment', 'burn', '--cpu-percent=50', '--min=1', '--max=3']);
      assert.equal(hpa.code, 0, hpa.stderr);
      await waitFor('the deployment scaled to 3', async () => ((await k(['get', 'deployment', 'burn', '-o', 'jsonpath={.spec.replicas}'])).stdout === '3' ? true : undefined), 150_000, 1000);
      // NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE
      const row = (await k(['get', 'hpa', 'burn', '--no-headers'])).stdout.trim();
      const m = /^burn\s+Deployment\/burn\s+cpu: (\d+)%\/50%\s+1\s+3\s/.exec(row);
      assert.ok(m && Number(m[1]) > 100, `kubectl get hpa: ${row}`);
      const events = await k(['get', 'events', '--field-selector', 'involvedObject.name=burn,reason=SuccessfulRescale', '-o', 'jsonpath={.items[*].message}']);
      assert.match(events.stdout, /New size: 3; reason: cpu resource utilization \(percentage of request\) above target/);
      const top = await waitFor('kubectl top pod', async () => {
        const r = await k(['top', 'pod', '-l', 'app=burn', '--no-headers']);
        return r.code === 0 && r.stdout.trim() ? r.stdout : undefined;
      }, 60_000, 1000);
      const busiest = Math.max(...top.trim().split('\n').map((l) => Number(/\s(\d+)m\s/.exec(l)?.[1] ?? 0)));
      assert.ok(busiest >= 100 && busiest <= 260, `kubectl top pod:\n${top}`);
    } finally {
      await k(['delete', 'deployment', 'burn', '--wait=false']);
      assert.equal(await up.stop(), 0, up.output().slice(-2000));
    }
  });
});
