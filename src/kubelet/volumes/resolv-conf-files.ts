/**
 * The file side of pod resolv.confs, kept off the kubelet's main thread and out of the
 * per-sync path: the node's resolv.conf is read again only when it changed (a stat at
 * most once per `recheckMs`), and a pod's file is written only when its text differs
 * from what was last written there (the disk is read once per file, after a restart).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
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
  private checking: Promise<string> | undefined;
  /** Pod file path → the text it holds. */
  private readonly written = new Map<string, string>();

  constructor(cfg: ResolvConfFilesConfig = {}) {
    this.hostPath = cfg.hostPath ?? '/etc/resolv.conf';
    this.recheckMs = Math.max(0, cfg.recheckMs ?? 1000);
    this.now = cfg.now ?? Date.now;
  }

  /** The node's resolv.conf text ('' when it has none); at most `recheckMs` stale. Never rejects. */
  host(): Promise<string> {
    if (this.now() - this.checkedAt < this.recheckMs) return Promise.resolve(this.hostText);
    // Syncs that ask while a look is under way share it.
    this.checking ??= this.look().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async look(): Promise<string> {
    const at = this.now();
    try {
      const s = await stat(this.hostPath);
      const stamp = `${s.mtimeMs}/${s.size}/${s.ino}`;
      if (stamp !== this.hostStamp) {
        this.hostText = await readFile(this.hostPath, 'utf8');
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
  async write(path: string, text: string): Promise<void> {
    if (this.written.get(path) === text) return;
    if (!this.written.has(path)) {
      const current = await readFile(path, 'utf8').catch(() => undefined);
      if (current === text) {
        this.written.set(path, text);
        return;
      }
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { mode: 0o644 });
    this.written.set(path, text);
  }

  /** The file is gone with its pod: a pod with the same path later is written afresh. */
  forget(path: string): void {
    this.written.delete(path);
  }
}
