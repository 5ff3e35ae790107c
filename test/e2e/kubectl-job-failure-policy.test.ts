/**
 * e2e: a Job with a podFailurePolicy on a `skiff up` node (process runtime), driven by the
 * real kubectl. The pod really exits 42; the kubelet reports the exit code, the FailJob
 * rule matches and the Job fails at once (backoffLimit is 6) — `kubectl wait` sees
 * Failed, `kubectl get job` prints it, `kubectl describe job` shows the warning event.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { loopbackUpCluster } from './support/skiff-up.js';

// The test's own ranges (DESIGN.md): loopback services and pods, no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.81.0/24', '--service-cidr', '127.81.0.0/16', '--cluster-dns', '127.81.0.10', '--dns-upstream', 'none'];

describe('kubectl: Job podFailurePolicy', { skip: kubectlMissing() }, () => {
  const cluster = loopbackUpCluster('skiff-job-pfp-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());

  it('a FailJob rule on exit code 42 fails the Job with reason PodFailurePolicy', { timeout: 180_000 }, async () => {
    const up = await cluster.start('job-node', NETS);
    const file = join(dataDir, 'job.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi' },
      spec: {
        backoffLimit: 6,
        podFailurePolicy: {
          rules: [
            { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
          ],
        },
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'local/none', imagePullPolicy: 'Never', command: ['sh', '-c', 'exit 42'] }] } },
      },
    }));
    try {
      const applied = await k(['apply', '-f', file]);
      assert.equal(applied.code, 0, applied.stderr);
      const waited = await k(['wait', '--for=condition=Failed', 'job/pi', '--timeout=90s']);
      assert.equal(waited.code, 0, `${waited.stdout}${waited.stderr}\n${up.output().slice(-2000)}`);
      assert.match(waited.stdout, /job.batch\/pi condition met/);

      const pod = (await k(['get', 'pods', '-l', 'batch.kubernetes.io/job-name=pi', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.trim();
      assert.ok(pod && !pod.includes(' '), `exactly one pod (FailJob does not retry): ${pod}`);
      const want = `Container main for pod default/${pod} failed with exit code 42 matching FailJob rule at index 0`;
      const conds = JSON.parse((await k(['get', 'job', 'pi', '-o', 'jsonpath={.status.conditions}'])).stdout) as Array<{ type: string; reason: string; message: string }>;
      for (const type of ['FailureTarget', 'Failed']) {
        const c = conds.find((x) => x.type === type);
        assert.deepEqual([c?.reason, c?.message], ['PodFailurePolicy', want], type);
      }

      // NAME STATUS COMPLETIONS DURATION AGE
      const row = (await k(['get', 'job', 'pi', '--no-headers'])).stdout.trim();
      assert.match(row, /^pi\s+Failed\s+0\/1\s+\S+\s+\S+$/, `kubectl get job: ${row}`);
      const described = await k(['describe', 'job', 'pi']);
      assert.equal(described.code, 0, described.stderr);
      assert.match(described.stdout, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 0 Succeeded \/ 1 Failed/);
      assert.match(described.stdout, new RegExp(`Warning\\s+PodFailurePolicy\\s+.*${want.replace(/[/.]/g, '\\$&')}`));
    } finally {
      await k(['delete', 'job', 'pi', '--wait=false']);
      assert.equal(await up.stop(), 0, up.output().slice(-2000));
    }
  });
});
