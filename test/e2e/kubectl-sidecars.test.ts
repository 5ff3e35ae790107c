/**
 * e2e: native sidecars (init containers with restartPolicy Always) on a loopback
 * `skiff up` with host-process pods, seen through the real kubectl: a Deployment's pod
 * with a sidecar (startup and readiness probes) shows READY 2/2 Running; a Job whose pod has a sidecar completes once
 * its app container is done (the sidecar is then stopped), pod Succeeded.
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
// Sidecars may have probes (plain init containers may not): the app waits for the startupProbe.
const PROBE = { exec: { command: ['true'] }, periodSeconds: 1 };
const sleeper = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: 'local/none', imagePullPolicy: 'Never', command: ['sleep', '600'], ...extra });

describe('native sidecar containers through kubectl', { skip: kubectlMissing() }, () => {
  const cluster = loopbackUpCluster('skiff-sidecars-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());

  const apply = async (name: string, obj: unknown): Promise<void> => {
    const file = join(dataDir, `${name}.json`);
    writeFileSync(file, JSON.stringify(obj));
    const r = await k(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
  };

  it('a Deployment pod with a sidecar is 2/2 Running; a Job with a sidecar completes', { timeout: 240_000 }, async () => {
    const up = await cluster.start('sidecar-node', NETS);
    await apply('deploy', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { terminationGracePeriodSeconds: 2, initContainers: [sleeper('proxy', { restartPolicy: 'Always', startupProbe: PROBE, readinessProbe: PROBE })], containers: [sleeper('app')] } },
      },
    });
    const row = await waitFor('the deployment pod to be 2/2 Running', async () => {
      const r = await k(['get', 'pods', '-l', 'app=web', '--no-headers']);
      return /\s2\/2\s+Running\s+0\s/.test(r.stdout) ? r.stdout : undefined;
    }, 90_000).catch((err: Error) => assert.fail(`${err.message}\n${up.output().slice(-2000)}`));
    assert.match(row, /^web-\S+\s+2\/2\s+Running\s+0\s/);
    const sidecar = JSON.parse((await k(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].status.initContainerStatuses[0]}'])).stdout) as { name: string; started: boolean; ready: boolean; state: { running?: unknown } };
    assert.equal(sidecar.name, 'proxy');
    assert.equal(sidecar.started, true);
    assert.equal(sidecar.ready, true);
    assert.ok(sidecar.state.running);

    await apply('job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'batch' },
      spec: {
        backoffLimit: 0,
        template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 2, initContainers: [sleeper('logger', { restartPolicy: 'Always' })], containers: [{ name: 'work', image: 'local/none', imagePullPolicy: 'Never', command: ['sh', '-c', 'sleep 1; echo done'] }] } },
      },
    });
    await waitFor('the job to be Complete', async () => {
      const r = await k(['get', 'job', 'batch', '-o', 'jsonpath={.status.conditions[?(@.type=="Complete")].status}']);
      return r.stdout === 'True' ? true : undefined;
    }, 90_000).catch(async (err: Error) => assert.fail(`${err.message}\n${(await k(['get', 'pods', '-o', 'yaml'])).stdout.slice(-4000)}`));
    const pod = JSON.parse((await k(['get', 'pods', '-l', 'job-name=batch', '-o', 'jsonpath={.items[0].status}'])).stdout) as { phase: string; initContainerStatuses: Array<{ name: string; state: { terminated?: { exitCode: number } } }> };
    assert.equal(pod.phase, 'Succeeded');
    assert.equal(pod.initContainerStatuses[0]?.name, 'logger');
    assert.ok(pod.initContainerStatuses[0]?.state.terminated, 'the sidecar was stopped once the work was done');
    const jobRow = await k(['get', 'pods', '-l', 'job-name=batch', '--no-headers']);
    assert.match(jobRow.stdout, /\s0\/2\s+Completed\s/);
    assert.equal(await up.stop(), 0, up.output().slice(-2000));
  });
});
