import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPath } from './host-path.js';

describe('checkHostPath', () => {
  it('checks and creates as the hostPath types say', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-hostpath-'));
    const srv = createServer();
    try {
      mkdirSync(join(dir, 'd'));
      writeFileSync(join(dir, 'f'), 'x');
      await new Promise<void>((r) => srv.listen(join(dir, 's'), r));
      checkHostPath(join(dir, 'd'), 'Directory');
      checkHostPath(join(dir, 'f'), 'File');
      checkHostPath(join(dir, 's'), 'Socket');
      checkHostPath('/dev/null', 'CharDevice');
      checkHostPath(join(dir, 'missing'), '');
      assert.throws(() => checkHostPath(join(dir, 'f'), 'Directory'), /hostPath type check failed: .*\/f is not a directory/);
      assert.throws(() => checkHostPath(join(dir, 'd'), 'File'), /is not a file/);
      assert.throws(() => checkHostPath(join(dir, 'f'), 'Socket'), /is not a socket file/);
      assert.throws(() => checkHostPath(join(dir, 'nope'), 'Directory'), /is not a directory/);
      assert.throws(() => checkHostPath(join(dir, 'f'), 'BlockDevice'), /is not a block device/);
      checkHostPath(join(dir, 'new/deep'), 'DirectoryOrCreate');
      assert.ok(statSync(join(dir, 'new/deep')).isDirectory());
      checkHostPath(join(dir, 'nf/file'), 'FileOrCreate');
      assert.ok(statSync(join(dir, 'nf/file')).isFile());
      assert.throws(() => checkHostPath(join(dir, 'f'), 'DirectoryOrCreate'), /is not a directory/);
      assert.throws(() => checkHostPath('relative', 'Directory'), /not absolute/);
    } finally {
      srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
