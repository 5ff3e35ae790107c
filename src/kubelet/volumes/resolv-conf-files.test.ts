import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResolvConfFiles } from './resolv-conf-files.js';

function withDir(fn: (dir: string) => void): () => void {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-resolv-'));
    try {
      fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('the node file is looked at once per recheck period and read again only when it changed', withDir((dir) => {
  const hostPath = join(dir, 'resolv.conf');
  writeFileSync(hostPath, 'nameserver 198.18.0.1\n');
  let now = 0;
  const files = new ResolvConfFiles({ hostPath, now: () => now });
  assert.equal(files.host(), 'nameserver 198.18.0.1\n');
  writeFileSync(hostPath, 'nameserver 198.18.0.2\n');
  // Make the change visible by mtime even on a coarse-grained filesystem clock.
  utimesSync(hostPath, new Date(), new Date(statSync(hostPath).mtimeMs + 5000));
  now = 999;
  assert.equal(files.host(), 'nameserver 198.18.0.1\n', 'trusted within the recheck period');
  now = 1000;
  assert.equal(files.host(), 'nameserver 198.18.0.2\n', 'a change is seen once the period is over');
  rmSync(hostPath);
  now = 2000;
  assert.equal(files.host(), '', 'a node without resolv.conf has nothing to inherit');
}));

test('a pod file is written when its text changes, in place, and not when the disk already has it', withDir((dir) => {
  const path = join(dir, 'pods', 'uid', 'etc-resolv.conf');
  const files = new ResolvConfFiles({ hostPath: join(dir, 'none') });
  files.write(path, 'nameserver 198.18.0.10\n');
  assert.equal(readFileSync(path, 'utf8'), 'nameserver 198.18.0.10\n');
  const inode = statSync(path).ino;
  files.write(path, 'nameserver 198.18.0.11\n');
  assert.equal(readFileSync(path, 'utf8'), 'nameserver 198.18.0.11\n');
  assert.equal(statSync(path).ino, inode, 'the same inode: a bind mount of it sees the change');

  // Same text again: nothing written (a marker written behind its back stays).
  writeFileSync(path, 'marker\n');
  files.write(path, 'nameserver 198.18.0.11\n');
  assert.equal(readFileSync(path, 'utf8'), 'marker\n');

  // A fresh instance (kubelet restart) compares with the disk once.
  const mtime = statSync(path).mtimeMs;
  const restarted = new ResolvConfFiles({ hostPath: join(dir, 'none') });
  restarted.write(path, 'marker\n');
  assert.equal(statSync(path).mtimeMs, mtime, 'identical text is not rewritten');

  // Forgotten with its pod: written again.
  files.forget(path);
  rmSync(join(dir, 'pods'), { recursive: true });
  files.write(path, 'nameserver 198.18.0.11\n');
  assert.equal(readFileSync(path, 'utf8'), 'nameserver 198.18.0.11\n');
}));
