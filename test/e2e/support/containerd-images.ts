/**
 * Image tarballs built by hand from the host's static busybox (no registry here), in
 * the docker-archive format `ctr images import` reads: manifest.json, the image config
 * and one uncompressed layer whose sha256 is the config's diff_id.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const BUSYBOX = '/bin/busybox';

/** A rootfs with busybox and a symlink per applet (sh, httpd, sleep…), /etc/passwd and /tmp. */
function busyboxRootfs(root: string, applets: 'all' | string[]): void {
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  chmodSync(join(root, 'bin', 'busybox'), 0o755);
  const paths = applets === 'all' ? execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean) : applets;
  for (const p of paths) {
    if (p === 'bin/busybox') continue;
    mkdirSync(join(root, dirname(p)), { recursive: true });
    symlinkSync('/bin/busybox', join(root, p));
  }
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  mkdirSync(join(root, 'tmp'));
  chmodSync(join(root, 'tmp'), 0o1777);
  for (const d of ['root', 'proc', 'sys', 'dev', 'home']) mkdirSync(join(root, d));
}

/** Writes `<dir>/<file>`: a docker-archive of the rootfs, tagged `name`, with `cmd` as its Cmd. */
function archive(dir: string, rootfs: string, name: string, cmd: string[], file: string): string {
  const stage = join(dir, `${file}.stage`);
  mkdirSync(stage, { recursive: true });
  const layer = join(stage, 'layer.tar');
  // Reproducible, relative paths (bin/busybox, not /bin/...).
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=posix', '-C', rootfs, '-cf', layer, ...readdirSync(rootfs).sort()]);
  const diffId = createHash('sha256').update(readFileSync(layer)).digest('hex');
  const config = JSON.stringify({
    created: '1970-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], WorkingDir: '/', Cmd: cmd },
    rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
  });
  const configHex = createHash('sha256').update(config).digest('hex');
  mkdirSync(join(stage, diffId));
  execFileSync('mv', [layer, join(stage, diffId, 'layer.tar')]);
  writeFileSync(join(stage, `${configHex}.json`), config);
  writeFileSync(join(stage, 'manifest.json'), JSON.stringify([{ Config: `${configHex}.json`, RepoTags: [name], Layers: [`${diffId}/layer.tar`] }]));
  const out = join(dir, file);
  execFileSync('tar', ['-C', stage, '-cf', out, 'manifest.json', `${configHex}.json`, diffId]);
  return out;
}

/** The busybox image (every applet) and a pause image that blocks until killed; returns the two tarballs. */
export function buildTestImages(dir: string, names: { busybox: string; pause: string }): { busybox: string; pause: string } {
  busyboxRootfs(join(dir, 'busybox-rootfs'), 'all');
  busyboxRootfs(join(dir, 'pause-rootfs'), ['bin/sh', 'bin/sleep']);
  return {
    busybox: archive(dir, join(dir, 'busybox-rootfs'), names.busybox, ['/bin/sh'], 'busybox.tar'),
    pause: archive(dir, join(dir, 'pause-rootfs'), names.pause, ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 2147483647 & wait $!; done'], 'pause.tar'),
  };
}
