import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, startTempServer } from '../apiserver/testing.js';
import { dashboardAssetsDir } from './assets.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

let s: Awaited<ReturnType<typeof startTempServer>>;
before(async () => {
  s = await startTempServer({ authorizationMode: 'RBAC' });
});
after(async () => {
  await s?.stop();
});

test('the API server serves the dashboard without authentication; the API still needs it', async () => {
  const page = await call(s, 'GET', '/dashboard/');
  assert.equal(page.code, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.match(page.body, /<script type="module" src="app.js">/);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
  const app = await call(s, 'GET', '/dashboard/app.js');
  assert.equal(app.code, 200);
  assert.match(String(app.headers['content-type']), /^text\/javascript/);
  assert.equal((await call(s, 'GET', '/dashboard')).code, 301);
  assert.equal((await call(s, 'GET', '/dashboard/nope.js')).code, 404);
  assert.equal((await call(s, 'GET', '/dashboard/..%2fapi%2fv1%2fsecrets')).code, 404);
  assert.equal((await call(s, 'GET', '/api/v1/namespaces')).code, 401);
  assert.equal((await call(s, 'GET', '/api/v1/namespaces', { token: s.adminToken })).code, 200);
});

test('xterm.js is served from node_modules by an allow-list, and nothing else there is', async () => {
  const js = await call(s, 'GET', '/dashboard/vendor/xterm/xterm.mjs');
  assert.equal(js.code, 200);
  assert.match(String(js.headers['content-type']), /^text\/javascript/);
  assert.match(js.body, /export\s*\{[^}]*as Terminal\s*\}/);
  assert.match(String(js.headers['content-security-policy']), /default-src 'self'/);
  const css = await call(s, 'GET', '/dashboard/vendor/xterm/xterm.css');
  assert.equal(css.code, 200);
  assert.match(String(css.headers['content-type']), /^text\/css/);
  for (const path of [
    '/dashboard/vendor/xterm/xterm.js',
    '/dashboard/vendor/xterm/package.json',
    '/dashboard/vendor/ws/package.json',
    '/dashboard/vendor/xterm/..%2f..%2f..%2fnode_modules%2fws%2findex.js',
    '/dashboard/vendor/%2e%2e/node_modules/@xterm/xterm/lib/xterm.js',
    '/dashboard/node_modules/@xterm/xterm/lib/xterm.mjs',
  ]) {
    assert.equal((await call(s, 'GET', path)).code, 404, path);
  }
});

test('the assets are found from the sources and from a compiled dist/ tree', () => {
  const fromSource = dashboardAssetsDir();
  assert.ok(existsSync(join(fromSource, 'index.html')), fromSource);
  const fromDist = dashboardAssetsDir(join(fromSource, '../../../dist/dashboard'));
  assert.equal(fromDist, fromSource);
});
