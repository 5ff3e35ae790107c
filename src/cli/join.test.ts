/**
 * Joining with a token against a real API server (in process, HTTPS on loopback): the
 * CA pinned by the token, the node certificate, and every way a join is refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretKind, type Secret } from '../api/core/v1/secret.js';
import { NodeKind, type Node } from '../api/core/v1/node.js';
import { formatSecureToken, generateToken, tokenSecret, type BootstrapToken } from '../apiserver/authn/bootstrap-token-format.js';
import { call, startTempServer } from '../apiserver/testing.js';
import { clientFromKubeconfig, type RestClient } from '../client/index.js';
import { parseKubeconfig } from '../client/kubeconfig.js';
import { joinCluster, JoinError } from './join.js';

type Server = Awaited<ReturnType<typeof startTempServer>>;

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('joining a node with a bootstrap token', () => {
  let server: Server;
  let admin: RestClient;
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'skiff-join-'));
    dirs.push(d);
    return d;
  };
  const secrets = () => admin.resource<Secret>(SecretKind);

  /** Creates the token's Secret and waits until the server authenticates it. */
  async function createToken(opts: { ttlMs?: number; now?: Date } = {}): Promise<BootstrapToken> {
    const t = generateToken();
    await secrets().create(tokenSecret(t, { now: opts.now ?? new Date(), ttlMs: opts.ttlMs ?? 3_600_000 }), { namespace: 'kube-system' });
    return t;
  }
  const tokenWorks = (t: BootstrapToken) =>
    waitFor(`token ${t.id} to authenticate`, async () => ((await call(server, 'GET', '/version', { token: `${t.id}.${t.secret}` })).code === 200 ? true : undefined));

  before(async () => {
    server = await startTempServer();
    admin = clientFromKubeconfig({ path: server.kubeconfigPath });
  });
  after(async () => {
    admin?.close();
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('/cacerts serves the CA anonymously, byte for byte what the token hashes', async () => {
    const r = await call(server, 'GET', '/cacerts');
    assert.equal(r.code, 200);
    assert.equal(r.body, server.caPem);
  });

  it('a valid token yields a node certificate (CN system:node:<name>, O system:nodes) that works', async () => {
    const t = await createToken();
    await tokenWorks(t);
    const dir = dataDir();
    const path = await joinCluster({ server: server.url, token: formatSecureToken(server.caPem, t), nodeName: 'node-b', dataDir: dir });
    assert.equal(path, join(dir, 'kubelet.kubeconfig'));
    const conn = parseKubeconfig(readFileSync(path, 'utf8'));
    assert.equal(conn.server, server.url);
    const cert = new X509Certificate(conn.cert as Buffer);
    assert.match(cert.subject, /CN=system:node:node-b/);
    assert.match(cert.subject, /O=system:nodes/);
    assert.ok(cert.verify(new X509Certificate(server.caPem).publicKey), 'signed by the cluster CA');

    const node = clientFromKubeconfig({ path });
    try {
      const created = await node.resource<Node>(NodeKind).create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b' } } as Node);
      assert.equal(created.metadata?.name, 'node-b');
    } finally {
      node.close();
    }

    // A later start reuses the credentials: the token is no longer needed.
    assert.equal(await joinCluster({ server: server.url, token: 'not-a-token', nodeName: 'node-b', dataDir: dir }), path);
  });

  it('the token itself is no login: only the join paths are allowed', async () => {
    const t = await createToken();
    await tokenWorks(t);
    const r = await call(server, 'GET', '/api/v1/namespaces/kube-system/secrets', { token: `${t.id}.${t.secret}` });
    assert.equal(r.code, 403);
    assert.match(r.json().message, /bootstrap token may only request a node certificate/);
    assert.equal(r.json().reason, 'Forbidden');
  });

  it('a wrong secret, an expired token and a deleted token are refused with a clear message', async () => {
    const wrong = { id: (await createToken()).id, secret: 'abcdefghij012345' };
    await assert.rejects(joinCluster({ server: server.url, token: formatSecureToken(server.caPem, wrong), nodeName: 'n1', dataDir: dataDir() }), (e: unknown) => e instanceof JoinError && /refused the token .*wrong, expired or deleted/.test(e.message));

    const expired = await createToken({ now: new Date(Date.now() - 7_200_000), ttlMs: 3_600_000 });
    await waitFor('the expired token to be known', async () => ((await secrets().list({ namespace: 'kube-system' })).items.some((s) => s.metadata?.name === `bootstrap-token-${expired.id}`) ? true : undefined));
    assert.equal((await call(server, 'GET', '/version', { token: `${expired.id}.${expired.secret}` })).code, 401);
    await assert.rejects(joinCluster({ server: server.url, token: formatSecureToken(server.caPem, expired), nodeName: 'n2', dataDir: dataDir() }), /refused the token/);

    const deleted = await createToken();
    await tokenWorks(deleted);
    await secrets().delete(`bootstrap-token-${deleted.id}`, { namespace: 'kube-system' });
    await waitFor('the deleted token to stop working', async () => ((await call(server, 'GET', '/version', { token: `${deleted.id}.${deleted.secret}` })).code === 401 ? true : undefined));
    await assert.rejects(joinCluster({ server: server.url, token: formatSecureToken(server.caPem, deleted), nodeName: 'n3', dataDir: dataDir() }), /refused the token/);
  });

  it('a token pinning another CA is refused before the secret is sent', async () => {
    const t = await createToken();
    const other = formatSecureToken('-----BEGIN CERTIFICATE-----\nnot this cluster\n-----END CERTIFICATE-----\n', t);
    await assert.rejects(joinCluster({ server: server.url, token: other, nodeName: 'n4', dataDir: dataDir() }), /CA does not match the token/);
    await assert.rejects(joinCluster({ server: server.url, token: `${t.id}.${t.secret}`, nodeName: 'n4', dataDir: dataDir() }), /no CA hash/);
    await assert.rejects(joinCluster({ server: server.url, token: 'garbage', nodeName: 'n4', dataDir: dataDir() }), /not a join token/);
  });

  it('bad certificate requests get 400 Status errors', async () => {
    const t = await createToken();
    await tokenWorks(t);
    const post = (body: string) => call(server, 'POST', '/v1-skiff/node-certificate', { token: `${t.id}.${t.secret}`, body, headers: { 'content-type': 'application/json' } });
    for (const [body, msg] of [
      ['nope', /must be JSON/],
      [JSON.stringify({ nodeName: 'Bad_Name', certificateRequest: '-----BEGIN CERTIFICATE REQUEST-----' }), /DNS-1123/],
      [JSON.stringify({ nodeName: 'ok', certificateRequest: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' }), /invalid certificateRequest/],
    ] as const) {
      const r = await post(body);
      assert.equal(r.code, 400, r.body);
      assert.match(r.json().message, msg);
    }
    assert.equal((await call(server, 'POST', '/v1-skiff/node-certificate', { body: '{}' })).code, 401, 'anonymous');
    assert.equal((await call(server, 'GET', '/v1-skiff/node-certificate', { token: `${t.id}.${t.secret}` })).code, 403, 'only POST is allowed to bootstrappers');
  });
});
