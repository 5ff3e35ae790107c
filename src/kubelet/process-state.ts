import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerCgroup } from './cgroups.js';
import type { ContainerConfig, ContainerStatus, PodSandbox } from './runtime.js';

/** What the process runtime must remember of a container to find it again after a restart. */
export interface ContainerRecord {
  status: ContainerStatus;
  config: ContainerConfig;
  /** The keeper process's start time (/proc stat), to tell a reused PID apart. */
  startTime?: string;
  /** Bytes of the raw stdout/stderr files already in the CRI log. */
  logOffsets?: [number, number];
  /** The container's cgroup (as root), to read its OOM kills and remove it after a restart too. */
  cgroup?: ContainerCgroup;
}

/** The next thing to do to one record's file: write this value, or remove the file. */
type Op = { kind: 'save'; value: unknown } | { kind: 'remove' };

/**
 * The process runtime's memory on disk (`<dir>/sandboxes/<id>.json`,
 * `<dir>/containers/<id>.json`, each replaced atomically), so a restarted kubelet finds
 * the pods it left running — the role containerd's metadata store plays for CRI.
 * Without a directory it remembers nothing (tests, throwaway runtimes).
 *
 * Written behind: save/remove return at once and the file work happens on libuv's
 * threads, one operation at a time per record, the latest request winning (a pod start
 * saves its container 2–3 times within milliseconds; only the last state needs to reach
 * the disk). A value is serialized when its write begins, so later changes to the same
 * object are saved too. flush() waits for everything requested so far.
 *
 * What a crash (kill -9) can lose: the requests of the last few milliseconds, never a
 * file's integrity (tmp + rename). A clean stop awaits flush() (release()/close()).
 * Lost on a crash, a sandbox record means a pod sandbox made anew; a container record
 * still 'created' (its 'running' save lost) means its keeper is not re-adopted and the
 * pod worker starts another instance — the same window the synchronous writes had between
 * the spawn and the write, made a few milliseconds longer; no exit hook is worth that.
 */
export class RuntimeStateDir {
  /** The latest request per record not yet started, by `<kind>/<id>`. */
  private readonly queued = new Map<string, Op>();
  /** The drain loop of each record with work in progress. */
  private readonly draining = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string | undefined,
    /** A write or removal failed (disk full, directory removed): the runtime goes on, the record is stale. */
    private readonly onError: (err: unknown, path: string) => void = (err, path) => process.emitWarning(`runtime state ${path}: ${String(err)}`),
  ) {
    if (dir) for (const sub of ['sandboxes', 'containers']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  }

  saveSandbox(sb: PodSandbox): void {
    this.request('sandboxes', sb.id, { kind: 'save', value: sb });
  }

  removeSandbox(id: string): void {
    this.request('sandboxes', id, { kind: 'remove' });
  }

  saveContainer(rec: ContainerRecord): void {
    this.request('containers', rec.status.id, { kind: 'save', value: rec });
  }

  removeContainer(id: string): void {
    this.request('containers', id, { kind: 'remove' });
  }

  /** Resolves when every save and removal requested so far is on disk (or has failed and been reported). */
  async flush(): Promise<void> {
    while (this.draining.size > 0) await Promise.all([...this.draining.values()]);
  }

  /** The records on disk. Reads the files as they are: call flush() first if this instance wrote any. */
  load(): { sandboxes: PodSandbox[]; containers: ContainerRecord[] } {
    return { sandboxes: this.readAll<PodSandbox>('sandboxes'), containers: this.readAll<ContainerRecord>('containers') };
  }

  private request(kind: string, id: string, op: Op): void {
    if (!this.dir) return;
    const key = `${kind}/${id}`;
    // Replaces a request not yet started: a remove wins over an earlier save, a later save over a remove.
    this.queued.set(key, op);
    if (!this.draining.has(key)) this.draining.set(key, this.drain(key, join(this.dir, kind, `${id}.json`)));
  }

  /** Runs the record's requests one after another until none is left. */
  private async drain(key: string, path: string): Promise<void> {
    // Starts after the caller's synchronous work: requests made in the same tick coalesce.
    await Promise.resolve();
    for (let op = this.queued.get(key); op; op = this.queued.get(key)) {
      this.queued.delete(key);
      try {
        if (op.kind === 'remove') await rm(path, { force: true });
        else {
          await writeFile(`${path}.tmp`, JSON.stringify(op.value), { mode: 0o600 });
          await rename(`${path}.tmp`, path);
        }
      } catch (err) {
        this.onError(err, path);
      }
    }
    this.draining.delete(key);
  }

  private readAll<T>(kind: string): T[] {
    if (!this.dir) return [];
    const out: T[] = [];
    for (const name of readdirSync(join(this.dir, kind))) {
      if (!name.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(readFileSync(join(this.dir, kind, name), 'utf8')) as T);
      } catch {
        // A record cut short by a crash: skip it (its process, if any, runs unmanaged).
      }
    }
    return out;
  }
}
