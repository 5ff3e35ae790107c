/**
 * e2e, root only (the token volume is mounted at its path in the container's own mount
 * namespace): a pod talks to the API the way in-cluster clients do. ServiceAccount
 * admission runs it as its account and mounts the kube-api-access volume; the kubelet
 * fills it with a pod-bound token, the cluster CA and the namespace; inside the pod,
 * @kubernetes/client-node's loadFromCluster() reaches the API server through
 * $KUBERNETES_SERVICE_HOST (the `kubernetes` Service's ClusterIP, via the proxy) and is
 * authenticated as system:serviceaccount:<ns>:<account>, and authorized by RBAC (a
 * RoleBinding to `view` lets it list its namespace's pods). A pod naming an account that
 * does not exist is refused as upstream refuses it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, REPO_ROOT, waitFor } from './support/index.js';
import { stopNodePods } from './support/node-pods.js';
import { loopbackUpCluster } from './support/skiff-up.js';

// The test's own ranges (DESIGN.md): loopback services and pods, no DNS upstream.
const NETS = ['--cluster-cidr', '198.18.66.0/24', '--service-cidr', '127.53.0.0/16', '--cluster-dns', '127.53.0.10', '--dns-upstream', 'none'];
const MARKER = `skiff-in-cluster-e2e-${process.pid}`;

function unavailable(): string | false {
  if (process.getuid?.() !== 0) return 'volumes are mounted at their paths only as root';
  return kubectlMissing();
}

/** What the pod runs: in-cluster config, then who am I, and the pods of my namespace. */
const clientScript = `
const k8s = await import(${JSON.stringify(join(REPO_ROOT, 'node_modules/@kubernetes/client-node/dist/index.js'))});
const fs = await import('node:fs');
const kc = new k8s.KubeConfig();
kc.loadFromCluster();
const review = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: fs.readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8') });
console.log('server ' + kc.getCurrentCluster().server);
console.log('user ' + review.status.userInfo.username);
console.log('pods ' + pods.items.map((p) => p.metadata.name).join(','));
// ${MARKER}
`;

describe('in-cluster config from a pod (root)', { skip: unavailable() }, () => {
  const cluster = loopbackUpCluster('skiff-in-cluster-', stopNodePods);
  const { dataDir, k } = cluster;
  after(() => cluster.cleanup());

  it('a pod lists pods with its service account token, through the kubernetes Service', { timeout: 240_000 }, async () => {
    const up = await cluster.start('ic-node', NETS);
    // --node-ip: the API server reaches the kubelet (kubectl logs below) on loopback.
    assert.equal((await k(['get', 'node', 'ic-node', '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}'])).stdout, '127.0.0.1');
    const sa = await k(['create', 'serviceaccount', 'reader']);
    assert.equal(sa.code, 0, sa.stderr);
    // RBAC is on (as in any real cluster): the account may list pods only once bound to a role that says so.
    const bound = await k(['create', 'rolebinding', 'reader-view', '--clusterrole=view', '--serviceaccount=default:reader']);
    assert.equal(bound.code, 0, bound.stderr);
    const file = join(dataDir, 'pod.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reader-pod' },
      spec: { serviceAccountName: 'reader', restartPolicy: 'Never', containers: [{ name: 'main', image: 'local/none', command: [process.execPath, '--input-type=module', '-e', clientScript] }] },
    }));
    const created = await k(['apply', '-f', file]);
    assert.equal(created.code, 0, created.stderr);

    const spec = JSON.parse((await k(['get', 'pod', 'reader-pod', '-o', 'jsonpath={.spec}'])).stdout) as { serviceAccountName: string; volumes: Array<{ name: string }>; containers: Array<{ volumeMounts: Array<{ mountPath: string; readOnly: boolean }> }> };
    assert.equal(spec.serviceAccountName, 'reader');
    assert.match(spec.volumes[0]?.name ?? '', /^kube-api-access-\w{5}$/);
    assert.deepEqual(spec.containers[0]?.volumeMounts.map((m) => [m.mountPath, m.readOnly]), [['/var/run/secrets/kubernetes.io/serviceaccount', true]]);

    const phase = await waitFor('the pod to finish', async () => {
      const p = (await k(['get', 'pod', 'reader-pod', '-o', 'jsonpath={.status.phase}'])).stdout;
      return p === 'Succeeded' || p === 'Failed' ? p : undefined;
    }, 90_000);
    const logs = await k(['logs', 'reader-pod']);
    assert.equal(phase, 'Succeeded', `${logs.stdout}${logs.stderr}\n${up.output().slice(-2000)}`);
    assert.match(logs.stdout, /^server https:\/\/127\.53\.0\.1:443$/m);
    assert.match(logs.stdout, /^user system:serviceaccount:default:reader$/m);
    assert.match(logs.stdout, /^pods .*\breader-pod\b/m);

    const ghost = await k(['run', 'ghost', '--image', 'local/none', '--overrides', '{"spec":{"serviceAccountName":"ghost"}}', '--', 'true']);
    assert.notEqual(ghost.code, 0);
    assert.match(ghost.stderr, /pods "ghost" is forbidden: error looking up service account default\/ghost: serviceaccount "ghost" not found/);
    assert.equal(await up.stop(), 0, up.output().slice(-2000));
  });
});
