/**
 * Certificate signing requests as a Kubernetes user meets them (the "normal user"
 * tutorial): OpenSSL makes a key and a request, `kubectl apply` submits it,
 * `kubectl certificate approve` approves it, the csrsigning controller issues a
 * certificate from the cluster CA, and that certificate then logs in as its subject.
 * Also: deny, the signers' rules (Failed), the system:masters restriction, validation,
 * who may approve (the `approve` verb on signers), and kubelet serving certificates.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, kubectlMissing, startTestServer, waitFor, type KubectlResult, type KubectlVersion, type TestServer } from './support/index.js';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'skiff-csr-e2e-'));
const cacheDir = join(dir, 'kcache');

const run = (args: string[], o: { stdin?: string; version?: KubectlVersion; kubeconfig?: string } = {}): Promise<KubectlResult> =>
  kubectl(args, { kubeconfig: o.kubeconfig ?? server.kubeconfigPath, cacheDir, ...(o.stdin !== undefined ? { stdin: o.stdin } : {}), ...(o.version ? { version: o.version } : {}) });
const ok = async (args: string[], o: Parameters<typeof run>[1] = {}): Promise<string> => {
  const r = await run(args, o);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** A new key and PKCS#10 request from OpenSSL, as the tutorial makes them. */
function opensslRequest(name: string, subj: string, extra: string[] = []): { csr: string; key: string } {
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj, ...extra], { cwd: dir, stdio: 'pipe' });
  return { csr: readFileSync(join(dir, `${name}.csr`), 'utf8'), key: join(dir, `${name}.key`) };
}

function csrManifest(name: string, csr: string, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(csr).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec },
  });
}

const getCsr = async (name: string): Promise<Record<string, any>> => JSON.parse(await ok(['get', 'csr', name, '-o', 'json'])) as Record<string, any>;
const issued = (name: string): Promise<Record<string, any>> =>
  waitFor(`csr ${name} issued`, async () => {
    const c = await getCsr(name);
    return c.status?.certificate ? c : undefined;
  }, 20_000);

/** A kubeconfig that logs in with a client certificate and key (files). */
function certKubeconfig(name: string, certPem: string, keyPath: string): string {
  const path = join(dir, `${name}.kubeconfig`);
  const cluster = { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64') };
  const user = { 'client-certificate-data': Buffer.from(certPem).toString('base64'), 'client-key-data': readFileSync(keyPath).toString('base64') };
  writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster }], users: [{ name: name, user }], contexts: [{ name: 'x', context: { cluster: 'c', user: name } }], 'current-context': 'x' }));
  return path;
}

describe('certificate signing requests with kubectl', { skip: kubectlMissing() }, () => {
  before(async () => {
    server = await startTestServer({ components: true });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a user’s request is approved, issued by the cluster CA, and logs in as its subject', async () => {
    const jane = opensslRequest('jane', '/CN=jane/O=dev/O=ops');
    // The requester cannot claim to be someone else: the server records who asked.
    assert.match(await ok(['apply', '-f', '-'], { stdin: csrManifest('jane', jane.csr, { expirationSeconds: 86400, username: 'root', groups: ['wheel'] }) }), /certificatesigningrequest.certificates.k8s.io\/jane created/);
    const pending = await ok(['get', 'csr', 'jane']);
    const [header, row] = pending.trim().split('\n').map((l) => l.trim().split(/\s+/));
    assert.deepEqual(header, ['NAME', 'AGE', 'SIGNERNAME', 'REQUESTOR', 'REQUESTEDDURATION', 'CONDITION']);
    assert.deepEqual([row?.[0], row?.[2], row?.[3], row?.[4], row?.[5]], ['jane', 'kubernetes.io/kube-apiserver-client', 'admin', '24h', 'Pending']);
    const stored = await getCsr('jane');
    assert.equal(stored.spec.username, 'admin');
    assert.deepEqual(stored.spec.groups, ['system:masters', 'system:authenticated'], 'the admin’s own groups, not the ones sent');
    assert.equal(stored.status?.certificate, undefined, 'nothing is issued before approval');

    assert.equal((await ok(['certificate', 'approve', 'jane'])).trim(), 'certificatesigningrequest.certificates.k8s.io/jane approved');
    const csr = await issued('jane');
    const approved = csr.status.conditions.find((c: { type: string }) => c.type === 'Approved');
    assert.deepEqual([approved.status, approved.reason, approved.message], ['True', 'KubectlApprove', 'This CSR was approved by kubectl certificate approve.']);
    assert.ok(approved.lastUpdateTime && approved.lastTransitionTime, 'the server stamps the condition');
    assert.match(await ok(['get', 'csr', 'jane']), /Approved,Issued/);

    const certPem = Buffer.from(csr.status.certificate, 'base64').toString('utf8');
    const cert = new X509Certificate(certPem);
    assert.equal(cert.subject, 'CN=jane\nO=dev\nO=ops');
    assert.ok(cert.verify(new X509Certificate(server.caPem).publicKey), 'signed by the cluster CA');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    const lifetimeH = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3_600_000;
    assert.ok(lifetimeH > 24 && lifetimeH < 24.2, `valid for the 24 h asked (+ the backdate): ${lifetimeH} h`);

    const asJane = certKubeconfig('jane', certPem, jane.key);
    const whoami = await ok(['auth', 'whoami'], { kubeconfig: asJane });
    assert.match(whoami, /Username\s+jane/);
    assert.match(whoami, /Groups\s+\[dev ops system:authenticated\]/);
    const denied = await run(['get', 'pods'], { kubeconfig: asJane });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /User "jane" cannot list resource "pods"/);
  });

  it('approval needs the approve verb on the signer; the approver role grants it', async () => {
    // Jane (from the first test's certificate) may update approvals but approve no signer yet.
    const jane = opensslRequest('jane2', '/CN=jane/O=dev');
    await ok(['apply', '-f', '-'], { stdin: csrManifest('jane-login', jane.csr) });
    await issued('jane-login').catch(() => undefined);
    await ok(['certificate', 'approve', 'jane-login']);
    const asJane = certKubeconfig('jane2', Buffer.from((await issued('jane-login')).status.certificate, 'base64').toString(), jane.key);
    await ok(['create', 'clusterrole', 'csr-approvals', '--verb=get,list,update', '--resource=certificatesigningrequests,certificatesigningrequests/approval']);
    await ok(['create', 'clusterrolebinding', 'jane-csr-approvals', '--clusterrole=csr-approvals', '--user=jane']);
    const bob = opensslRequest('bob', '/CN=bob');
    await ok(['apply', '-f', '-'], { stdin: csrManifest('bob', bob.csr) });
    const refused = await waitFor('jane reaches the approval check', async () => {
      const r = await run(['certificate', 'approve', 'bob'], { kubeconfig: asJane });
      return /not permitted to approve/.test(r.stderr) ? r : undefined;
    }, 20_000);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /certificatesigningrequests.certificates.k8s.io "bob" is forbidden: user not permitted to approve requests with signerName "kubernetes.io\/kube-apiserver-client"/);
    await ok(['create', 'clusterrolebinding', 'jane-approver', '--clusterrole=system:certificates.k8s.io:kube-apiserver-client-approver', '--user=jane']);
    await waitFor('jane approves once bound to the approver role', async () => ((await run(['certificate', 'approve', 'bob'], { kubeconfig: asJane })).code === 0 ? true : undefined), 20_000);
    await issued('bob');
  });

  it('deny with kubectl 1.27 and 1.33: denied requests get no certificate', async () => {
    for (const version of ['1.27', '1.33'] as const) {
      const name = `mallory-${version.replace('.', '')}`;
      await ok(['apply', '-f', '-'], { stdin: csrManifest(name, opensslRequest(name, '/CN=mallory').csr), version });
      assert.equal((await ok(['certificate', 'deny', name], { version })).trim(), `certificatesigningrequest.certificates.k8s.io/${name} denied`);
    }
    // A request approved after the denials is issued: the signer has seen them, and left them alone.
    await ok(['apply', '-f', '-'], { stdin: csrManifest('after-deny', opensslRequest('after-deny', '/CN=after').csr) });
    await ok(['certificate', 'approve', 'after-deny'], { version: '1.27' });
    await issued('after-deny');
    for (const name of ['mallory-127', 'mallory-133']) {
      const c = await getCsr(name);
      assert.equal(c.status.certificate, undefined);
      assert.deepEqual(c.status.conditions.map((x: { type: string; reason: string }) => [x.type, x.reason]), [['Denied', 'KubectlDeny']]);
    }
    assert.match(await ok(['get', 'csr', 'mallory-133']), /\sDenied\s*$/m);
    // Approved and Denied are exclusive: the server refuses an approval of a denied request
    // (kubectl itself would not send it, so it is PUT to /approval directly).
    const csr = await getCsr('mallory-133');
    csr.status.conditions.push({ type: 'Approved', status: 'True', reason: 'Sneaky' });
    const both = await run(['replace', '--raw', '/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory-133/approval', '-f', '-'], { stdin: JSON.stringify(csr) });
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /Approved and Denied conditions are mutually exclusive/);
  });

  it('a request breaking its signer’s rules fails instead of being issued', async () => {
    await ok(['apply', '-f', '-'], { stdin: csrManifest('server-usage', opensslRequest('su', '/CN=svc').csr, { usages: ['server auth'] }) });
    await ok(['certificate', 'approve', 'server-usage']);
    const failed = await waitFor('Failed condition', async () => {
      const c = await getCsr('server-usage');
      return c.status?.conditions?.find((x: { type: string }) => x.type === 'Failed');
    }, 20_000);
    assert.deepEqual([failed.status, failed.reason, failed.message], ['True', 'SignerValidationFailure', 'invalid usage for client certificate: server auth']);
    assert.match(await ok(['get', 'csr', 'server-usage']), /Approved,Failed/);
    assert.equal((await getCsr('server-usage')).status.certificate, undefined);
  });

  it('kubelet serving certificates carry the node’s names', async () => {
    const node = opensslRequest('node1', '/O=system:nodes/CN=system:node:node1', ['-addext', 'subjectAltName=DNS:node1,IP:198.18.0.9']);
    await ok(['apply', '-f', '-'], { stdin: csrManifest('node1-serving', node.csr, { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'key encipherment', 'server auth'] }) });
    await ok(['certificate', 'approve', 'node1-serving']);
    const cert = new X509Certificate(Buffer.from((await issued('node1-serving')).status.certificate, 'base64'));
    assert.equal(cert.subjectAltName, 'DNS:node1, IP Address:198.18.0.9');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  });

  it('refuses system:masters client certificates and invalid requests, with upstream’s messages', async () => {
    const masters = await run(['apply', '-f', '-'], { stdin: csrManifest('root', opensslRequest('root', '/CN=evil/O=system:masters').csr) });
    assert.notEqual(masters.code, 0);
    assert.match(masters.stderr, /use of kubernetes.io\/kube-apiserver-client signer with system:masters group is not allowed/);

    const good = opensslRequest('v', '/CN=v').csr;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ request: Buffer.from('not a request').toString('base64') }, /spec.request: Invalid value: .*PEM block type must be CERTIFICATE REQUEST/],
      [{ usages: [] }, /spec.usages: Required value/],
      [{ usages: ['client auth', 'flying'] }, /spec.usages\[1\]: Unsupported value: "flying"/],
      [{ expirationSeconds: 300 }, /spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 600 seconds \(10 minutes\)/],
      [{ signerName: 'nodomain' }, /spec.signerName: Invalid value: "nodomain": must be a fully qualified domain and path of the form 'example.com\/signer-name'/],
      [{ signerName: 'kubernetes.io/legacy-unknown' }, /the legacy signerName is not allowed via this API version/],
    ];
    for (const [spec, message] of cases) {
      const r = await run(['create', '-f', '-'], { stdin: csrManifest('bad', good, spec) });
      assert.notEqual(r.code, 0, JSON.stringify(spec));
      assert.match(r.stderr, message);
    }
    // The spec cannot change after creation: the stored one stays.
    await ok(['apply', '-f', '-'], { stdin: csrManifest('fixed', good) });
    await ok(['patch', 'csr', 'fixed', '--type=merge', '-p', '{"spec":{"signerName":"example.com/other"}}']);
    assert.equal((await getCsr('fixed')).spec.signerName, 'kubernetes.io/kube-apiserver-client');
  });
});
