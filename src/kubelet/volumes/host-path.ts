/**
 * hostPath volumes: the node path itself, checked against `type` as Kubernetes'
 * hostPath plugin does (DirectoryOrCreate and FileOrCreate create what is missing, the
 * others require the right kind of file; an empty type checks nothing).
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { VolumeSetUpError } from './projection.js';

export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Checks (and for *OrCreate, creates) the path; throws VolumeSetUpError with Kubernetes' wording otherwise. */
export function checkHostPath(path: string, type: HostPathType | null | undefined): void {
  if (!path.startsWith('/')) throw new VolumeSetUpError(`hostPath ${path} is not absolute`);
  const t = type ?? '';
  let st = stat(path);
  if (t === 'DirectoryOrCreate' && !st) {
    // Kubernetes creates it 0755 (umask applied), parents included.
    mkdirSync(path, { recursive: true, mode: 0o755 });
    st = stat(path);
  }
  if (t === 'FileOrCreate' && !st) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    closeSync(openSync(path, 'a', 0o644));
    chmodSync(path, 0o644);
    st = stat(path);
  }
  const want: Record<string, [(s: Stats) => boolean, string]> = {
    DirectoryOrCreate: [(s) => s.isDirectory(), 'a directory'],
    Directory: [(s) => s.isDirectory(), 'a directory'],
    FileOrCreate: [(s) => s.isFile(), 'a file'],
    File: [(s) => s.isFile(), 'a file'],
    Socket: [(s) => s.isSocket(), 'a socket file'],
    CharDevice: [(s) => s.isCharacterDevice(), 'a character device'],
    BlockDevice: [(s) => s.isBlockDevice(), 'a block device'],
  };
  const check = want[t];
  if (!check) return;
  if (!st) throw new VolumeSetUpError(`hostPath type check failed: ${path} is not ${check[1]}`);
  if (!check[0](st)) throw new VolumeSetUpError(`hostPath type check failed: ${path} is not ${check[1]}`);
}
