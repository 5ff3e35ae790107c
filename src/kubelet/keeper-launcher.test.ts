import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeeperLauncher } from './keeper-launcher.js';
import { PerlKeeperLauncher } from './perl-launcher.js';
import type { KeeperProcess } from './keeper-spawner.js';

const ended = (c: KeeperProcess): Promise<{ event: string; args: unknown[] }> =>
  new Promise((resolve) => {
    c.once('exit', (...args: unknown[]) => resolve({ event: 'exit', args }));
    c.once('error', (...args: unknown[]) => resolve({ event: 'error', args }));
  });

const opts = (env: Record<string, string>, cwd?: string) => ({ env, detached: true, stdio: 'ignore' as const, ...(cwd ? { cwd } : {}) });

// The same behaviour from either launcher (perl-launcher.ts speaks the bash launcher's protocol).
const LAUNCHERS: Array<[string, () => KeeperLauncher, boolean]> = [
  ['bash launcher', () => new KeeperLauncher(), true],
  ['perl launcher', () => new PerlKeeperLauncher(), PerlKeeperLauncher.available()],
];

for (const [dialect, make, available] of LAUNCHERS) describe(dialect, { skip: available ? false : 'not on this machine' }, () => {
  test('starts a keeper leading its own process group, with its exit status', async (t) => {
    const launcher = make();
    t.after(() => launcher.close());
    const c = await launcher.spawn('/bin/sh', ['-c', 'read x; sleep 0.2; exit 3'], opts({}));
    assert.ok(c.pid && c.pid > 0);
    const stat = readFileSync(`/proc/${c.pid}/stat`, 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    assert.equal(pgrp, c.pid);
    assert.deepEqual(await ended(c), { event: 'exit', args: [3, null] });
  });

  test('arguments, environment and working directory arrive exactly (quotes, newlines, names a shell cannot export)', async (t) => {
    const launcher = make();
    const dir = mkdtempSync(join(tmpdir(), 'skiff-launcher-'));
    t.after(async () => {
      await launcher.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const out = join(dir, 'out');
    const tricky = `it's "quoted" $HOME \`x\` \\ \n second line\t€`;
    // The keeper's environment as the kernel gave it (NUL-separated); sh itself adds PWD.
    const script = 'printf "%s|%s" "$1" "$(pwd)" >"$OUT"; cat /proc/$$/environ >"$OUT.env"';
    const envs: Array<Record<string, string>> = [{ OUT: out, K: tricky }, { OUT: out, K: tricky, 'my.name': 'dotted' }];
    for (const env of envs) {
      const c = await launcher.spawn('/bin/sh', ['-c', script, 'sh', tricky], opts(env, dir));
      assert.deepEqual(await ended(c), { event: 'exit', args: [0, null] });
      assert.equal(readFileSync(out, 'utf8'), `${tricky}|${dir}`);
      const got = readFileSync(`${out}.env`, 'utf8').split('\0').filter(Boolean).sort();
      assert.deepEqual(got, Object.entries(env).map(([k, v]) => `${k}=${v}`).sort());
    }
  });

  test('a keeper killed by a signal is reported; one that cannot start ends with an error event', async (t) => {
    const launcher = make();
    t.after(() => launcher.close());
    const c = await launcher.spawn('/bin/sh', ['-c', 'kill -9 $$'], opts({}));
    assert.deepEqual(await ended(c), { event: 'exit', args: [137, null] });
    const bad = await launcher.spawn('/nonexistent/keeper', [], opts({}));
    const end = await ended(bad);
    assert.equal(end.event, 'error');
    assert.match(String((end.args[0] as Error).message), /ENOENT/);
  });

  test('many keepers at once each get their own pid and end', async (t) => {
    const launcher = make();
    t.after(() => launcher.close());
    const kids = await Promise.all(Array.from({ length: 50 }, (_, i) => launcher.spawn('/bin/sh', ['-c', `exit ${i % 7}`], opts({}))));
    assert.equal(new Set(kids.map((k) => k.pid)).size, 50);
    const ends = await Promise.all(kids.map(ended));
    assert.deepEqual(ends.map((e) => e.args[0]), Array.from({ length: 50 }, (_, i) => i % 7));
  });

  test('when the launcher is gone, running keepers keep running and are still seen to end (by pid)', async () => {
    const launcher = make();
    const c = await launcher.spawn('/bin/sh', ['-c', 'sleep 0.6'], opts({}));
    const end = ended(c);
    await launcher.close();
    assert.equal(readFileSync(`/proc/${c.pid}/stat`, 'utf8').length > 0, true, 'still running after the launcher left');
    assert.equal((await end).event, 'exit');
  });
});

test('the perl launcher makes a keeper\'s mount namespace and in-place binds itself (root), and says so with SKIFF_BOUND', { skip: process.getuid?.() !== 0 || !PerlKeeperLauncher.available() ? 'needs root and perl' : false }, async (t) => {
  const launcher = new PerlKeeperLauncher();
  const dir = mkdtempSync(join(tmpdir(), 'skiff-perl-bind-'));
  t.after(async () => {
    await launcher.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const [host, at, out] = [join(dir, 'pod-file'), join(dir, 'view'), join(dir, 'out')];
  writeFileSync(host, 'from the pod\n');
  writeFileSync(at, 'the host\'s own\n');
  const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((p) => existsSync(p)) as string;
  const c = await launcher.spawn(unshare, ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', 'cat "$1" >"$2"; if (echo x >>"$1") 2>/dev/null; then echo writable; else echo read-only; fi >>"$2"; echo "bound=${SKIFF_BOUND-}" >>"$2"', 'sh', at, out], { ...opts({}), binds: [{ host, at, readOnly: true }] });
  assert.deepEqual(await ended(c), { event: 'exit', args: [0, null] });
  assert.equal(readFileSync(out, 'utf8'), 'from the pod\nread-only\nbound=1\n', 'the keeper sees the bind, made read-only, and is told it was made');
  assert.equal(readFileSync(at, 'utf8'), 'the host\'s own\n', 'in the keeper\'s namespace only');
});
