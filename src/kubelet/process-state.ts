import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

type Kind = 'sandboxes' | 'containers';

/** One journal line: a record's new value, or its removal. */
interface Entry {
  kind: Kind;
  id: string;
  value?: unknown;
  removed?: true;
}

const JOURNAL = 'records.jsonl';
/** The journal is rewritten with only the live records once this much was appended (or its size then, if more). */
const COMPACT_AFTER_BYTES = 1 << 20;

/**
 * The process runtime's memory on disk, so a restarted kubelet finds the pods it left
 * running — the role containerd's metadata store plays for CRI. Without a directory it
 * remembers nothing (tests, throwaway runtimes).
 *
 * One append-only journal (`<dir>/records.jsonl`, a line per save or removal, the last
 * line of a record winning) rather than a file per record replaced with tmp + rename:
 * creating a file cost 0.1–1 ms of CPU here (more under load) and a pod start saved 3
 * records, while an append costs ~15 µs. Each call is on disk (in the page cache) when it
 * returns, so a kill -9 loses nothing; a line torn by a machine crash is skipped on load.
 * When the appended bytes pass the journal's live size (and 1 MiB), it is rewritten from
 * what is on disk (so lines another process appended, e.g. `skiff killall`, are kept).
 * Records of the former one-file-per-record layout are taken over on open.
 */
export class RuntimeStateDir {
  private readonly journal: string | undefined;
  private appended = 0;
  private compactedBytes = 0;

  constructor(private readonly dir: string | undefined) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.journal = join(dir, JOURNAL);
    this.takeOverFileRecords();
    this.endTornLine();
  }

  saveSandbox(sb: PodSandbox): void {
    this.append({ kind: 'sandboxes', id: sb.id, value: sb });
  }

  removeSandbox(id: string): void {
    this.append({ kind: 'sandboxes', id, removed: true });
  }

  saveContainer(rec: ContainerRecord): void {
    this.append({ kind: 'containers', id: rec.status.id, value: rec });
  }

  removeContainer(id: string): void {
    this.append({ kind: 'containers', id, removed: true });
  }

  load(): { sandboxes: PodSandbox[]; containers: ContainerRecord[] } {
    const sandboxes: PodSandbox[] = [];
    const containers: ContainerRecord[] = [];
    for (const line of this.live().values()) {
      const e = JSON.parse(line) as Entry;
      if (e.kind === 'sandboxes') sandboxes.push(e.value as PodSandbox);
      else containers.push(e.value as ContainerRecord);
    }
    return { sandboxes, containers };
  }

  private append(e: Entry): void {
    if (!this.journal) return;
    const line = `${JSON.stringify(e)}\n`;
    appendFileSync(this.journal, line, { mode: 0o600 });
    this.appended += line.length;
    if (this.appended > Math.max(COMPACT_AFTER_BYTES, this.compactedBytes)) this.compact();
  }

  /** The journal's current line of each live record, by `<kind>/<id>`, in first-saved order. */
  private live(): Map<string, string> {
    const out = new Map<string, string>();
    if (!this.journal) return out;
    let text = '';
    try {
      text = readFileSync(this.journal, 'utf8');
    } catch {
      return out;
    }
    for (const line of text.split('\n')) {
      if (!line) continue;
      let e: Entry;
      try {
        e = JSON.parse(line) as Entry;
      } catch {
        continue; // A line cut short by a crash: the record keeps its previous value.
      }
      if (e.kind !== 'sandboxes' && e.kind !== 'containers') continue;
      const key = `${e.kind}/${e.id}`;
      if (e.removed) out.delete(key);
      else out.set(key, line);
    }
    return out;
  }

  /** Rewrites the journal with only the live records (tmp + rename: a crash leaves the old one whole). */
  private compact(extra: string[] = []): void {
    if (!this.journal) return;
    const text = [...this.live().values(), ...extra].map((l) => `${l}\n`).join('');
    writeFileSync(`${this.journal}.tmp`, text, { mode: 0o600 });
    renameSync(`${this.journal}.tmp`, this.journal);
    this.compactedBytes = text.length;
    this.appended = 0;
  }

  /** A crash may have cut the last line short: end it, so the next append is a line of its own (the torn one is skipped on load). */
  private endTornLine(): void {
    let fd: number;
    try {
      fd = openSync(this.journal as string, 'r');
    } catch {
      return; // no journal yet
    }
    const last = Buffer.alloc(1);
    try {
      const size = fstatSync(fd).size;
      if (size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a)) return;
    } finally {
      closeSync(fd);
    }
    appendFileSync(this.journal as string, '\n');
  }

  /** Moves the records an older runtime kept one per file (`<dir>/<kind>/<id>.json`) into the journal. */
  private takeOverFileRecords(): void {
    const dir = this.dir as string;
    const subs = (['sandboxes', 'containers'] as const).filter((kind) => existsSync(join(dir, kind)));
    if (!subs.length) return;
    const found = new Map<string, string>();
    for (const kind of subs) {
      for (const name of readdirSync(join(dir, kind))) {
        if (!name.endsWith('.json')) continue;
        const id = name.slice(0, -'.json'.length);
        try {
          found.set(`${kind}/${id}`, JSON.stringify({ kind, id, value: JSON.parse(readFileSync(join(dir, kind, name), 'utf8')) as unknown }));
        } catch {
          // A record cut short by a crash: skip it (its process, if any, runs unmanaged).
        }
      }
    }
    // The journal's own lines are newer than any file left beside it.
    const known = this.live();
    this.compact([...found].filter(([key]) => !known.has(key)).map(([, line]) => line));
    for (const kind of subs) rmSync(join(dir, kind), { recursive: true, force: true });
  }
}
