import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * The process runtime's memory on disk (`<dir>/sandboxes/<id>.json`,
 * `<dir>/containers/<id>.json`, each replaced atomically), so a restarted kubelet finds
 * the pods it left running — the role containerd's metadata store plays for CRI.
 * Without a directory it remembers nothing (tests, throwaway runtimes).
 */
export class RuntimeStateDir {
  constructor(private readonly dir: string | undefined) {
    if (dir) for (const sub of ['sandboxes', 'containers']) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  }

  saveSandbox(sb: PodSandbox): void {
    this.write('sandboxes', sb.id, sb);
  }

  removeSandbox(id: string): void {
    this.remove('sandboxes', id);
  }

  saveContainer(rec: ContainerRecord): void {
    this.write('containers', rec.status.id, rec);
  }

  removeContainer(id: string): void {
    this.remove('containers', id);
  }

  load(): { sandboxes: PodSandbox[]; containers: ContainerRecord[] } {
    return { sandboxes: this.readAll<PodSandbox>('sandboxes'), containers: this.readAll<ContainerRecord>('containers') };
  }

  private write(kind: string, id: string, value: unknown): void {
    if (!this.dir) return;
    const path = join(this.dir, kind, `${id}.json`);
    writeFileSync(`${path}.tmp`, JSON.stringify(value), { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  private remove(kind: string, id: string): void {
    if (this.dir) rmSync(join(this.dir, kind, `${id}.json`), { force: true });
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
