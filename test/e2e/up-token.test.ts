/**
 * e2e: `skiff token create|list|delete` against a running `skiff server`: tokens are
 * kube-system Secrets of type bootstrap.kubernetes.io/token in kubeadm's layout, printed
 * as K10<sha256 of the CA PEM>::<id>.<secret>.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestServer, type TestServer } from './support/index.js';
import { clientFromKubeconfig, type RestClient } from '../../src/client/index.js';
import { SecretKind, type Secret } from '../../src/api/core/v1/secret.js';
import { runSkiff } from './support/run-skiff.js';



const dec = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');

describe('skiff token', () => {
  let server: TestServer;
  let client: RestClient;
  before(async () => {
    server = await startTestServer();
    client = clientFromKubeconfig({ path: server.kubeconfigPath });
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });

  it('create → a bootstrap-token Secret and a K10 token pinning the CA; list; delete', async () => {
    const kc = ['--kubeconfig', server.kubeconfigPath];
    const created = await runSkiff(['token', 'create', '--ttl', '2h', '--description', 'for node-2', ...kc]);
    assert.equal(created.code, 0, created.err);
    const m = /^K10([0-9a-f]{64})::([a-z0-9]{6})\.([a-z0-9]{16})\n$/.exec(created.out);
    assert.ok(m, created.out);
    const [, hash, id, secret] = m;
    assert.equal(hash, createHash('sha256').update(server.caPem).digest('hex'));

    const s = await client.resource<Secret>(SecretKind).get(`bootstrap-token-${id}`, { namespace: 'kube-system' });
    assert.equal(s.type, 'bootstrap.kubernetes.io/token');
    const d = s.data as Record<string, string>;
    assert.equal(dec(d['token-id']), id);
    assert.equal(dec(d['token-secret']), secret);
    assert.equal(dec(d['usage-bootstrap-authentication']), 'true');
    assert.equal(dec(d.description), 'for node-2');
    const ttl = Date.parse(dec(d.expiration)) - Date.now();
    assert.ok(ttl > 7_100_000 && ttl <= 7_200_000, `expiration ${dec(d.expiration)}`);

    const second = await runSkiff(['token', 'create', '--ttl', '0', ...kc]);
    assert.equal(second.code, 0, second.err);
    const id2 = /::([a-z0-9]{6})\./.exec(second.out)?.[1];
    const listed = await runSkiff(['token', 'list', ...kc]);
    assert.equal(listed.code, 0, listed.err);
    const lines = listed.out.trim().split('\n');
    assert.match(lines[0] ?? '', /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS$/);
    assert.match(listed.out, new RegExp(`^${id}\\.${secret}\\s+(1h|2h)\\s+\\S+Z\\s+authentication,signing\\s+for node-2\\s+system:bootstrappers:skiff:default-node-token$`, 'm'));
    assert.match(listed.out, new RegExp(`^${id2}\\.[a-z0-9]{16}\\s+<forever>\\s+<never>`, 'm'));
    assert.equal(lines.length, 3);

    const del = await runSkiff(['token', 'delete', created.out.trim(), ...kc]);
    assert.equal(del.code, 0, del.err);
    assert.equal(del.out, `bootstrap token "${id}" deleted\n`);
    const after1 = await runSkiff(['token', 'list', ...kc]);
    assert.ok(!after1.out.includes(`${id}.`), after1.out);
    const again = await runSkiff(['token', 'delete', id ?? '', ...kc]);
    assert.equal(again.code, 1);
    assert.match(again.err, new RegExp(`token ${id} not found`));
  });

  it('bad input: one error line, non-zero exit', async () => {
    const r = await runSkiff(['token', 'create', '--ttl', 'tomorrow', '--kubeconfig', server.kubeconfigPath]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /^error: option '--ttl <duration>' argument 'tomorrow' is invalid/m);
    const d = await runSkiff(['token', 'delete', 'NOT-A-TOKEN', '--kubeconfig', server.kubeconfigPath]);
    assert.notEqual(d.code, 0);
    assert.match(d.err, /^error: "NOT-A-TOKEN" is not a token or token id$/m);
  });
});
