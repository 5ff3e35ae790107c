import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startTempServer } from '../testing.js';
import { createCa, issueClientCertificate } from '../tls/pki.js';
import { parseTokenFile } from './token-file.js';
import type { ResourceHandler } from '../types.js';

// Echoes who the pipeline says the caller is.
const whoami: ResourceHandler = async (_req, res, info, user) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ user, resource: info.resource }));
};

let server: Awaited<ReturnType<typeof startTempServer>>;
const dir = mkdtempSync(join(tmpdir(), 'skiff-tokens-'));
before(async () => {
  const file = join(dir, 'tokens.csv');
  writeFileSync(file, 'alice-token,alice,1001,"devs,ops"\nbob-token,bob,1002\n');
  server = await startTempServer({ tokenAuthFile: file, serveCustomResources: false, createResources: () => Object.assign(whoami, { close: async () => {} }) });
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('token file parses Kubernetes CSV records', () => {
  const m = parseTokenFile('t1,alice,1001,"a,b"\n\n t2 ,bob,\nt3,"carol ""c""",7\n');
  assert.deepEqual(m.get('t1'), { name: 'alice', uid: '1001', groups: ['a', 'b'] });
  assert.deepEqual(m.get('t2'), { name: 'bob', groups: [] });
  assert.deepEqual(m.get('t3'), { name: 'carol "c"', uid: '7', groups: [] });
  assert.throws(() => parseTokenFile('only,two\n'), /line 1: must have at least 3 columns/);
  assert.throws(() => parseTokenFile('ok,a,1\n"open,b,1\n'), /line 2: unterminated/);
  assert.throws(() => parseTokenFile(',a,1\n'), /empty token/);
});

test('the admin token and file tokens authenticate', async () => {
  const admin = await call(server, 'GET', '/api/v1/namespaces', { token: server.adminToken });
  assert.equal(admin.code, 200);
  assert.deepEqual(admin.json().user, { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
  const alice = await call(server, 'GET', '/api/v1/namespaces', { token: 'alice-token' });
  assert.deepEqual(alice.json().user, { name: 'alice', uid: '1001', groups: ['devs', 'ops', 'system:authenticated'] });
});

test('a bad token is a 401 Status, even on public paths', async () => {
  for (const path of ['/api/v1/namespaces', '/version', '/healthz']) {
    const r = await call(server, 'GET', path, { token: 'nope' });
    assert.equal(r.code, 401, path);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  }
});

test('anonymous callers reach only /version, /cacerts and health checks', async () => {
  assert.equal((await call(server, 'GET', '/version')).code, 200);
  assert.equal((await call(server, 'GET', '/cacerts')).body, server.caPem);
  assert.equal((await call(server, 'GET', '/readyz')).body, 'ok');
  assert.equal((await call(server, 'GET', '/livez')).code, 200);
  for (const path of ['/api/v1/namespaces', '/api', '/apis', '/metrics', '/openapi/v3']) {
    const r = await call(server, 'GET', path);
    assert.equal(r.code, 401, path);
    assert.equal(r.json().reason, 'Unauthorized');
  }
});

test('client certificates from the cluster CA authenticate as CN with O groups', async () => {
  const c = await issueClientCertificate(server.ca, { user: 'system:node:n1', groups: ['system:nodes', 'extra'], days: 1 });
  const r = await call(server, 'GET', '/api/v1/namespaces', { cert: c.certPem, key: c.keyPem });
  assert.equal(r.code, 200);
  assert.deepEqual(r.json().user, { name: 'system:node:n1', groups: ['system:nodes', 'extra', 'system:authenticated'] });
});

test('a client certificate from another CA is rejected with 401', async () => {
  const other = await createCa('other');
  const c = await issueClientCertificate(other, { user: 'mallory', groups: ['system:masters'] });
  const r = await call(server, 'GET', '/api/v1/namespaces', { cert: c.certPem, key: c.keyPem });
  assert.equal(r.code, 401);
  assert.equal(r.json().reason, 'Unauthorized');
});

test('impersonation headers switch the user (kubectl --as / --as-group)', async () => {
  const as = await call(server, 'GET', '/api/v1/namespaces', {
    token: server.adminToken,
    headers: { 'Impersonate-User': 'jane', 'Impersonate-Group': 'qa', 'Impersonate-Uid': 'u-7' },
  });
  assert.equal(as.code, 200);
  assert.deepEqual(as.json().user, { name: 'jane', uid: 'u-7', groups: ['qa', 'system:authenticated'] });
  const sa = await call(server, 'GET', '/api/v1/namespaces', { token: server.adminToken, headers: { 'Impersonate-User': 'system:serviceaccount:apps:builder' } });
  assert.deepEqual(sa.json().user.groups, ['system:serviceaccounts', 'system:serviceaccounts:apps', 'system:authenticated']);
  const groupOnly = await call(server, 'GET', '/api/v1/namespaces', { token: server.adminToken, headers: { 'Impersonate-Group': 'qa' } });
  assert.equal(groupOnly.code, 400);
});

test('the written admin kubeconfig authenticates as admin (system:masters) with its client certificate', async () => {
  const kc = parse(readFileSync(server.kubeconfigPath, 'utf8'));
  assert.equal(statSync(server.kubeconfigPath).mode & 0o777, 0o600);
  const cluster = kc.clusters[0].cluster;
  const user = kc.users[0].user;
  assert.equal(cluster.server, server.url);
  const b64 = (x: string): string => Buffer.from(x, 'base64').toString('utf8');
  const r = await call(
    { url: cluster.server, caPem: b64(cluster['certificate-authority-data']) },
    'GET',
    '/api/v1/namespaces',
    { cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) },
  );
  assert.equal(r.code, 200);
  assert.deepEqual(r.json().user, { name: 'admin', groups: ['system:masters', 'system:authenticated'] });
});

test('a connection that keeps its token is re-checked when tokens change, and when it sends another token', async () => {
  const { TokenAuthenticator } = await import('./token.js');
  const tokens = new TokenAuthenticator();
  tokens.set('t-alice', { name: 'alice', groups: [] });
  tokens.set('t-bob', { name: 'bob', groups: [] });
  const socket = {};
  const req = (token: string) => ({ socket, headers: { authorization: `Bearer ${token}` } }) as unknown as import('node:http').IncomingMessage;
  const who = (token: string) => {
    const r = tokens.authenticate(req(token));
    return r.kind === 'user' ? r.user.name : r.kind;
  };
  assert.equal(who('t-alice'), 'alice');
  assert.equal(who('t-alice'), 'alice'); // the remembered answer
  assert.equal(who('t-bob'), 'bob'); // another header on the same connection
  tokens.delete('t-bob');
  assert.equal(who('t-bob'), 'invalid'); // revoked: not served from memory
  tokens.set('t-bob', { name: 'bob2', groups: [] });
  assert.equal(who('t-bob'), 'bob2');
  // A request without a socket (in-process) is checked every time.
  assert.equal(tokens.authenticate({ headers: { authorization: 'Bearer t-alice' } } as unknown as import('node:http').IncomingMessage).kind, 'user');
});
