import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, resolveStaticPath, serveStatic } from './static-files.js';

let dir: string;
let root: string;
let server: Server;
let base: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-static-'));
  root = join(dir, 'web');
  mkdirSync(join(root, 'views'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'app.js'), 'export const x = 1;');
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, 'views', 'pods.js'), 'export {};');
  writeFileSync(join(root, 'types.d.ts'), 'export {};');
  writeFileSync(join(root, '.secret.js'), 'hidden');
  writeFileSync(join(dir, 'outside.js'), 'outside');
  symlinkSync(join(dir, 'outside.js'), join(root, 'link.js'));
  server = createServer((req, res) => void serveStatic(req, res, { root, prefix: '/dashboard' }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  code: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
// A raw request target (fetch would normalise `..` away before sending).
function get(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves files with their content type, a strict CSP and revalidation', async () => {
  const cases: Array<[string, string, string]> = [
    ['/dashboard/', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/dashboard/index.html', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/dashboard/app.js', 'text/javascript; charset=utf-8', 'export const x'],
    ['/dashboard/style.css', 'text/css; charset=utf-8', 'body{}'],
    ['/dashboard/views/pods.js', 'text/javascript; charset=utf-8', 'export {}'],
  ];
  for (const [path, type, start] of cases) {
    const r = await get(path);
    assert.equal(r.code, 200, path);
    assert.equal(r.headers['content-type'], type, path);
    assert.ok(r.body.startsWith(start), path);
    assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  }
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe|\*|data:|https?:/);
});

test('the bare prefix redirects to the directory, keeping the query', async () => {
  const r = await get('/dashboard?x=1');
  assert.equal(r.code, 301);
  assert.equal(r.headers.location, '/dashboard/?x=1');
});

test('traversal, dot-files, symlinks out of the root and unknown types are 404', async () => {
  for (const path of [
    '/dashboard/../outside.js',
    '/dashboard/views/../../outside.js',
    '/dashboard/%2e%2e/outside.js',
    '/dashboard/views%2f..%2f..%2foutside.js',
    '/dashboard/..%5coutside.js',
    '/dashboard/.secret.js',
    '/dashboard/link.js',
    '/dashboard/types.d.ts',
    '/dashboard/missing.js',
    '/dashboard/views',
    '/dashboard/views/',
    '/dashboard//app.js',
    '/dashboard/%E0%A4%A.js',
    '/dashboard/app.js%00.html',
  ]) {
    const r = await get(path);
    assert.equal(r.code, 404, path);
    assert.ok(!r.body.includes('outside') && !r.body.includes('hidden'), path);
    assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY, path);
  }
});

test('HEAD has no body, other methods are 405, a matching ETag is 304', async () => {
  const head = await get('/dashboard/app.js', 'HEAD');
  assert.equal(head.code, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], String('export const x = 1;'.length));
  assert.equal((await get('/dashboard/app.js', 'POST')).code, 405);
  const first = await get('/dashboard/app.js');
  const etag = String(first.headers.etag);
  const again = await get('/dashboard/app.js', 'GET', { 'If-None-Match': etag });
  assert.equal(again.code, 304);
  assert.equal(again.body, '');
});

test('resolveStaticPath maps only paths under the prefix', () => {
  const site = { root: '/srv/web', prefix: '/dashboard' };
  assert.equal(resolveStaticPath(site, '/dashboard/'), join('/srv/web', 'index.html'));
  assert.equal(resolveStaticPath(site, '/dashboard/views/a.js'), join('/srv/web', 'views', 'a.js'));
  assert.equal(resolveStaticPath(site, '/dashboardx/a.js'), undefined);
  assert.equal(resolveStaticPath(site, '/other/a.js'), undefined);
  assert.equal(resolveStaticPath(site, '/dashboard/a.exe'), undefined);
});
