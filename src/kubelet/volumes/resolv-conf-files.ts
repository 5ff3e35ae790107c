/**
 * The file side of pod resolv.confs, kept out of the per-sync path: the node's
 * resolv.conf is read again only when it changed (a stat at most once per `recheckMs`),
 * and a pod's file is written only when its text differs from what was last written
 * there (the disk is read once per file, after a restart) — in practice once per pod.
 *
 * Synchronous on purpose: what is left is that one write, whose cost is creating the
 * file (~1 ms of CPU on this kind of disk, on whichever thread). Made asynchronous, it
 * queued behind the runtime's cgroup and mount work on libuv's 4 threads and held each
 * pod start ~140–200 ms (p50) in a burst of 100, for ~1 ms less on the main thread.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ResolvConfFilesConfig {
  /** The node's resolv.conf (default /etc/resolv.conf). */
  hostPath?: string;
  /** How long a look at the node's file is trusted (default 1000 ms). */
  recheckMs?: number;
  now?: () => number;
}

export class ResolvConfFiles {
  private readonly hostPath: string;
  private readonly recheckMs: number;
  private readonly now: () => number;
  private hostText = '';
  /** mtime/size/inode of the node's file when read ('' : never read; 'absent': missing). */
  private hostStamp = '';
  private checkedAt = -Infinity;
  /** Pod file path → the text it holds. */
  private readonly written = new Map<string, string>();

  constructor(cfg: ResolvConfFilesConfig = {}) {
    this.hostPath = cfg.hostPath ?? '/etc/resolv.conf';
    this.recheckMs = Math.max(0, cfg.recheckMs ?? 1000);
    this.now = cfg.now ?? Date.now;
  }

  /** The node's resolv.conf text ('' when it has none); at most `recheckMs` stale. Never throws. */
  host(): string {
    const at = this.now();
    if (at - this.checkedAt < this.recheckMs) return this.hostText;
    try {
      const s = statSync(this.hostPath);
      const stamp = `${s.mtimeMs}/${s.size}/${s.ino}`;
      if (stamp !== this.hostStamp) {
        this.hostText = readFileSync(this.hostPath, 'utf8');
        this.hostStamp = stamp;
      }
    } catch {
      // No node resolv.conf: nothing to inherit.
      this.hostText = '';
      this.hostStamp = 'absent';
    }
    this.checkedAt = at;
    return this.hostText;
  }

  /**
   * Makes the file at `path` hold `text`, writing only when it differs. Written in place,
   * not renamed over: a container's bind mount holds the inode, and a rename would not reach it.
   */
  write(path: string, text: string): void {
    if (this.written.get(path) === text) return;
    // existsSync first: for a new pod's file, a failed read would cost an exception.
    if (!this.written.has(path) && existsSync(path) && readOr(path, undefined) === text) {
      this.written.set(path, text);
      return;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { mode: 0o644 });
    this.written.set(path, text);
  }

  /** The file is gone with its pod: a pod with the same path later is written afresh. */
  forget(path: string): void {
    this.written.delete(path);
  }
}

function readOr<T>(path: string, fallback: T): string | T {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}
