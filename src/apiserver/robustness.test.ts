import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import fc from 'fast-check';
import { call, startTempServer } from './testing.js';

let s: Awaited<ReturnType<typeof startTempServer>>;
before(async () => {
  s = await startTempServer({ requestTimeoutMs: 5000 });
});
after(async () => {
  await s?.stop();
});

/** Sends raw bytes over TLS; resolves with whatever comes back before the server closes or 3 s pass. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const sock = connect({ host: '127.0.0.1', port: s.port, ca: s.caPem, servername: 'localhost' }, () => sock.end(bytes));
    const done = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(out);
    };
    const timer = setTimeout(done, 3000);
    sock.on('data', (d: Buffer) => {
      out += d.toString('latin1');
    });
    sock.on('end', done);
    sock.on('error', done);
  });
}

const segment = fc.oneof(
  fc.constantFrom('api', 'apis', 'v1', 'namespaces', 'default', 'pods', 'configmaps', 'watch', 'status', 'apps', 'openapi', 'v3', 'healthz', '%', '%zz', '%2F', '..', '', '~'),
  fc.string({ maxLength: 12 }).map((x) => encodeURIComponent(x)),
);
const path = fc.array(segment, { maxLength: 7 }).map((p) => `/${p.join('/')}`);
const query = fc.constantFrom('', '?watch=true', '?timeout=1x', '?timeout=5s', '?limit=-1', '?labelSelector=%zz', '?verbose', '?hash=X', '?watch=1&timeoutSeconds=0');
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'BREW');
const accept = fc.constantFrom('', 'application/json', '*/*', 'text/html', 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'application/vnd.kubernetes.protobuf', ';;;', 'application/json;q=abc');
const extra = fc.constantFrom(
  [],
  ['Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='],
  ['Upgrade: SPDY/3.1'],
  ['Impersonate-User: jane', 'Impersonate-Group: qa'],
  ['Impersonate-Group: qa'],
  ['Authorization: Bearer nope'],
  ['Authorization: Basic Ym9iOnNlY3JldA=='],
);
const body = fc.oneof(fc.constant(''), fc.constant('{"kind":"ConfigMap"}'), fc.constant('{'), fc.string({ maxLength: 40 }), fc.constant('k8s\u0000\u0001\u0002'));

test('random requests always get a Status (or a 400 for unparsable HTTP), and the server lives on', async () => {
  await fc.assert(
    fc.asyncProperty(method, path, query, accept, body, fc.boolean(), extra, async (m, p, q, a, b, authed, more) => {
      const headers = [
        `${m} ${p}${q} HTTP/1.1`,
        'Host: localhost',
        ...(authed ? [`Authorization: Bearer ${s.adminToken}`] : []),
        ...(a ? [`Accept: ${a}`] : []),
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(b)}`,
        ...more,
        more.some((h) => h.startsWith('Upgrade')) ? 'Connection: Upgrade' : 'Connection: close',
      ];
      const reply = await raw(`${headers.join('\r\n')}\r\n\r\n${b}`);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(reply);
      assert.ok(status, `no HTTP answer to ${m} ${p}${q}: ${JSON.stringify(reply.slice(0, 200))}`);
      const code = Number(status[1]);
      assert.ok(code < 500 || code === 504, `server error ${code} for ${m} ${p}${q}: ${reply.slice(-400)}`);
      if (code >= 400 && m !== 'HEAD') {
        const head = reply.slice(0, reply.indexOf('\r\n\r\n'));
        if (code === 400 && !/\r\nContent-Type: application\/json/i.test(head)) {
          // Node's HTTP parser refused the request line itself (answered by clientError).
          assert.match(head, /\r\nConnection: close/);
        } else {
          const json = reply.slice(reply.indexOf('\r\n\r\n') + 4);
          assert.equal(JSON.parse(json).kind, 'Status', `${m} ${p}${q} → ${code}: ${json.slice(0, 200)}`);
        }
      }
    }),
    { numRuns: 200 },
  );
  assert.equal((await call(s, 'GET', '/healthz')).body, 'ok');
});

test('garbage that is not HTTP gets a 400 and the connection closed', async () => {
  const reply = await raw('\u0000\u0001 not http at all\r\n\r\n');
  assert.match(reply, /^HTTP\/1\.1 400 Bad Request/);
  assert.equal((await call(s, 'GET', '/healthz')).body, 'ok');
});

test('a chunked body over 3 MiB is a 413 Status from the resource layer', async () => {
  const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { k: 'x'.repeat(3 * 1024 * 1024 + 10) } });
  const head = ['POST /api/v1/namespaces/default/configmaps HTTP/1.1', 'Host: localhost', `Authorization: Bearer ${s.adminToken}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked', 'Connection: close'];
  const reply = await raw(`${head.join('\r\n')}\r\n\r\n${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`);
  assert.match(reply, /^HTTP\/1\.1 413 /);
  const json = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
  assert.deepEqual([json.kind, json.reason], ['Status', 'RequestEntityTooLarge']);
  assert.equal((await call(s, 'GET', '/healthz')).body, 'ok');
});
