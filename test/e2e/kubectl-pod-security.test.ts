/**
 * e2e with the real kubectl (the dispatcher, 1.27 and 1.33): PodSecurity admission, on by
 * default in `skiff server`. A restricted namespace refuses a plain busybox pod with
 * upstream's message and takes a compliant one; a warn namespace warns and creates; a
 * Deployment in an enforce namespace is created with a warning; raising a namespace's
 * enforce level warns about the pods already there; a bad label value is refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, type KubectlVersion, type TestServer } from './support/index.js';

const VERSIONS: ReadonlyArray<KubectlVersion | undefined> = [undefined, '1.27', '1.33'];

const restrictedDetail = (c: string): string =>
  `allowPrivilegeEscalation != false (container "${c}" must set securityContext.allowPrivilegeEscalation=false), ` +
  `unrestricted capabilities (container "${c}" must set securityContext.capabilities.drop=["ALL"]), ` +
  `runAsNonRoot != true (pod or container "${c}" must set securityContext.runAsNonRoot=true), ` +
  `seccompProfile (pod or container "${c}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`;

const busyboxPod = (name: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: c
    image: busybox
    imagePullPolicy: Never
    command: ["sleep", "3600"]
`;

const compliantPod = (name: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: c
    image: busybox
    imagePullPolicy: Never
    command: ["sleep", "3600"]
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: ["ALL"]}
`;

describe('kubectl and PodSecurity admission', { skip: kubectlMissing() }, () => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pod-security-'));
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const version of VERSIONS) {
    const tag = version ? `v${version.replace('.', '')}` : 'dflt';
    const k = (args: string[], stdin?: string) =>
      kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir: join(dir, `cache-${tag}`), ...(version ? { version } : {}), ...(stdin !== undefined ? { stdin } : {}) });
    const ok = async (args: string[], stdin?: string) => {
      const r = await k(args, stdin);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r;
    };

    describe(`with kubectl ${version ?? '(dispatcher)'}`, { skip: kubectlMissing(version) }, () => {
      it('a restricted namespace refuses a plain busybox pod with the exact message and accepts a compliant pod', async () => {
        const ns = `restricted-${tag}`;
        await ok(['create', 'namespace', ns]);
        await ok(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
        const run = await k(['run', 'bb', '-n', ns, '--image', 'busybox', '--image-pull-policy', 'Never', '--restart', 'Never']);
        assert.notEqual(run.code, 0);
        assert.equal(run.stderr.trim(), `Error from server (Forbidden): pods "bb" is forbidden: violates PodSecurity "restricted:latest": ${restrictedDetail('bb')}`);
        const applied = await k(['apply', '-n', ns, '-f', '-'], busyboxPod('plain'));
        assert.notEqual(applied.code, 0);
        assert.match(applied.stderr, /pods "plain" is forbidden: violates PodSecurity "restricted:latest": /);
        assert.equal((await k(['get', 'pods', '-n', ns, '-o', 'name'])).stdout, '');

        const good = await ok(['apply', '-n', ns, '-f', '-'], compliantPod('good'));
        assert.equal(good.stdout.trim(), 'pod/good created');
        assert.doesNotMatch(good.stderr, /Warning/);
      });

      it('a warn namespace prints the warning on kubectl apply but creates the pod', async () => {
        const ns = `warned-${tag}`;
        await ok(['create', 'namespace', ns]);
        await ok(['label', 'namespace', ns, 'pod-security.kubernetes.io/warn=restricted', 'pod-security.kubernetes.io/warn-version=v1.32']);
        const r = await ok(['apply', '-n', ns, '-f', '-'], busyboxPod('loose'));
        assert.equal(r.stderr.trim(), `Warning: would violate PodSecurity "restricted:v1.32": ${restrictedDetail('c')}`);
        assert.equal(r.stdout.trim(), 'pod/loose created');
        assert.equal((await ok(['get', 'pod', 'loose', '-n', ns, '-o', 'jsonpath={.metadata.name}'])).stdout, 'loose');
      });

      it('a deployment in an enforce namespace is created with a warning, never refused', async () => {
        const ns = `enforced-${tag}`;
        await ok(['create', 'namespace', ns]);
        await ok(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=baseline']);
        const r = await ok(['create', 'deployment', 'web', '-n', ns, '--image', 'busybox', '--', 'sleep', '3600']);
        assert.equal(r.stdout.trim(), 'deployment.apps/web created');
        assert.equal(r.stderr.trim(), '');
        const host = await ok(
          ['apply', '-n', ns, '-f', '-'],
          `apiVersion: apps/v1
kind: Deployment
metadata: {name: host}
spec:
  selector: {matchLabels: {app: host}}
  template:
    metadata: {labels: {app: host}}
    spec:
      hostNetwork: true
      containers: [{name: c, image: busybox}]
`,
        );
        assert.equal(host.stderr.trim(), 'Warning: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork)');
        assert.equal(host.stdout.trim(), 'deployment.apps/host created');
      });

      it('labelling a namespace with enforce warns about existing pods; an invalid value is refused', async () => {
        const ns = `relabel-${tag}`;
        await ok(['create', 'namespace', ns]);
        await ok(['apply', '-n', ns, '-f', '-'], busyboxPod('old'));
        await ok(['apply', '-n', ns, '-f', '-'], compliantPod('fine'));
        const r = await ok(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted']);
        assert.equal(
          r.stderr.trim(),
          [
            `Warning: existing pods in namespace "${ns}" violate the new PodSecurity enforce level "restricted:latest"`,
            'Warning: old: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
          ].join('\n'),
        );
        assert.equal(r.stdout.trim(), `namespace/${ns} labeled`);
        // the pods already there keep running
        assert.equal((await ok(['get', 'pods', '-n', ns, '-o', 'name'])).stdout.trim().split('\n').sort().join(' '), 'pod/fine pod/old');

        const bad = await k(['label', '--overwrite', 'namespace', ns, 'pod-security.kubernetes.io/enforce=strict']);
        assert.notEqual(bad.code, 0);
        assert.match(bad.stderr, /is invalid: metadata\.labels\[pod-security\.kubernetes\.io\/enforce\]: Invalid value: "strict": must be one of privileged, baseline, restricted/);
      });
    });
  }
});

describe('skiff server --disable-admission-plugins PodSecurity', { skip: kubectlMissing() }, () => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-pod-security-off-'));
  before(async () => {
    server = await startTestServer({ args: ['--disable-admission-plugins', 'PodSecurity'] });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('admits pods whatever the namespace labels say', async () => {
    const k = (args: string[], stdin?: string) => kubectl(args, { kubeconfig: server.kubeconfigPath, cacheDir: join(dir, 'cache'), ...(stdin !== undefined ? { stdin } : {}) });
    assert.equal((await k(['create', 'namespace', 'locked'])).code, 0);
    const label = await k(['label', 'namespace', 'locked', 'pod-security.kubernetes.io/enforce=restricted']);
    assert.equal(label.code, 0, label.stderr);
    const r = await k(['apply', '-n', 'locked', '-f', '-'], busyboxPod('free'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.trim(), 'pod/free created');
  });
});
