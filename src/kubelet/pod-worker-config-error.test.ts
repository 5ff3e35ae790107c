import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/core/v1/pod.js';
import type { PodStatus } from '../api/core/v1/pod-status.js';
import { FakeClock } from '../client/fake-clock.js';
import { podSandboxConfig } from './container-config.js';
import { ContainerConfigError } from './container-env.js';
import { PodWorker } from './pod-worker.js';
import type { PodSandboxConfig } from './runtime.js';
import { fakeRuntime, workerDeps } from './test-fake-runtime.js';

const pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
  spec: {
    securityContext: { runAsNonRoot: true, fsGroup: 2000 },
    initContainers: [{ name: 'init', image: 'busybox', securityContext: { privileged: true } }],
    containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'], securityContext: { readOnlyRootFilesystem: true }, ports: [{ containerPort: 80, hostPort: 8080, hostIP: '127.0.0.1' }, { containerPort: 81 }] }],
  },
} as unknown as Pod;

/** Polls until `ok` (a deadline, not a sleep standing in for the condition). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !ok(); await new Promise((r) => setImmediate(r))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

test('podSandboxConfig: the pod securityContext, privileged from any container, hostPorts only', () => {
  const sb = podSandboxConfig(pod);
  assert.deepEqual(sb.securityContext, { runAsNonRoot: true, fsGroup: 2000 });
  assert.equal(sb.privileged, true);
  assert.deepEqual(sb.portMappings, [{ protocol: 'TCP', containerPort: 80, hostPort: 8080, hostIP: '127.0.0.1' }]);
  const bare = podSandboxConfig({ metadata: { name: 'q', uid: 'u2' }, spec: { hostPID: true, containers: [] } } as unknown as Pod);
  assert.deepEqual(bare, { uid: 'u2', namespace: 'default', name: 'q', hostNetwork: false, hostPID: true });
});

test('a ContainerConfigError from createContainer (runAsNonRoot) is CreateContainerConfigError with its message, and an event', async () => {
  const clock = new FakeClock();
  const fake = fakeRuntime({ clock });
  let sandbox: PodSandboxConfig | undefined;
  const run = fake.runtime.runPodSandbox;
  fake.runtime.runPodSandbox = async (config) => ((sandbox = config), run(config));
  const message = 'container has runAsNonRoot and image will run as root (pod: "p_ns(u1)", container: c)';
  fake.runtime.createContainer = async (_id, config) => {
    if (config.securityContext?.readOnlyRootFilesystem) throw new ContainerConfigError(message);
    return 'x';
  };
  const posted: PodStatus[] = [];
  const events: string[] = [];
  const noInit = { ...pod, spec: { ...pod.spec, initContainers: [] } } as Pod;
  const worker = new PodWorker(noInit, workerDeps(fake.runtime, clock, { patchStatus: async (_p, s) => void posted.push(s), events: { event: (_o, type, reason, msg) => void events.push(`${type} ${reason} ${msg}`) } }));
  worker.update(noInit);
  await until('a posted status', () => posted.length > 0);
  assert.deepEqual(posted.at(-1)?.containerStatuses?.[0]?.state?.waiting, { reason: 'CreateContainerConfigError', message });
  assert.ok(events.includes(`Warning Failed Error: ${message}`), events.join('\n'));
  assert.equal(sandbox?.securityContext?.runAsNonRoot, true);
  worker.detach();
});
