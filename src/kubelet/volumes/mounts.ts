/**
 * The few host mounts the kubelet itself makes (tmpfs for Memory emptyDirs, root only)
 * and their removal before a pod's directory is deleted: a recursive delete must never
 * run through a mount.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Quantity } from '../../machinery/quantity.js';

const run = promisify(execFile);

/** Mount points at or under `dir`, deepest first, from /proc/self/mountinfo (octal escapes decoded). */
export function mountsUnder(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const path = mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
    if (path === dir || path.startsWith(`${dir}/`)) out.push(path);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** A tmpfs at `dir` (size from the emptyDir's sizeLimit, else the kernel's default: half the RAM). */
export async function mountTmpfs(dir: string, sizeLimit: string | undefined): Promise<void> {
  if (mountsUnder(dir).includes(dir)) return;
  const size = sizeLimit ? `,size=${Quantity.parse(sizeLimit).value()}` : '';
  await run('mount', ['-t', 'tmpfs', '-o', `mode=0777${size}`, 'skiff-emptydir', dir]);
}

/** Unmounts everything at or under `dir` (lazily if busy); true when nothing is left mounted there. */
export async function unmountAllUnder(dir: string): Promise<boolean> {
  for (const mp of mountsUnder(dir)) {
    await run('umount', [mp]).catch(() => run('umount', ['-l', mp]).catch(() => undefined));
  }
  return mountsUnder(dir).length === 0;
}
