import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface TailSource {
  /** A raw output file the container appends to. */
  path: string;
  stream: 'stdout' | 'stderr';
  /** Bytes of it already converted (up to the end of the last complete line). */
  offset: number;
}

const POLL_MS = 250;
/** The kubelet's defaults: containerLogMaxSize 10Mi, containerLogMaxFiles 5 (the live file included). */
export const DEFAULT_LOG_ROTATION = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 };
const CHUNK = 64 * 1024;

const criTimestamp = (): string => new Date().toISOString().replace('Z', '000000Z');

/**
 * Turns a container's raw stdout/stderr files into the CRI log (`<RFC3339Nano> <stream>
 * F|P <line>`), as containerd's shim does. The container writes to plain files, not to
 * a pipe held by the kubelet, so it keeps running (and its output is kept) while the
 * kubelet restarts; the new kubelet resumes from the saved offsets. Wakes on inotify
 * and polls as a fallback: one watch per directory of sources (a container's stdout and
 * stderr sit side by side), which costs half of one per file to set up in a burst of pod
 * starts, and also sees a file that is created only after start().
 */
export class CriLogTailer {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sources: TailSource[],
    private readonly logPath: string,
    /** Called with every source's new offset after lines were converted (to persist them). */
    private readonly onProgress: (offsets: number[]) => void = () => {},
    private readonly rotation: { maxBytes: number; maxFiles: number } = DEFAULT_LOG_ROTATION,
    private readonly pollMs: number = POLL_MS,
  ) {}

  start(): void {
    const names = new Map<string, Set<string>>();
    for (const s of this.sources) {
      const dir = dirname(s.path);
      names.set(dir, (names.get(dir) ?? new Set()).add(basename(s.path)));
    }
    for (const [dir, mine] of names) {
      try {
        // Only the sources' own changes: the CRI log beside them changes with every flush.
        const w = watch(dir, (_event, name) => (name === null || mine.has(String(name))) && this.flush());
        // The directory went away (the pod's logs removed): the poll is enough until stop().
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // The poll below still picks changes up.
      }
    }
    this.timer = setInterval(() => this.flush(), this.pollMs);
  }

  /** Converts what is new; with `final`, a trailing line without a newline is written as partial (P). */
  flush(final = false): void {
    let moved = false;
    let out = '';
    for (const s of this.sources) {
      const { text, consumed } = readNew(s.path, s.offset, final);
      if (consumed === 0) continue;
      s.offset += consumed;
      moved = true;
      const ts = criTimestamp();
      const lines = text.split('\n');
      const last = lines.pop() ?? '';
      for (const line of lines) out += `${ts} ${s.stream} F ${line}\n`;
      if (last) out += `${ts} ${s.stream} P ${last}\n`;
    }
    if (out) {
      appendFileSync(this.logPath, out);
      this.rotateIfFull();
    }
    if (moved) this.onProgress(this.sources.map((s) => s.offset));
  }

  /**
   * As the kubelet's log manager: a live file over maxBytes becomes `<log>.<UTC stamp>`,
   * and only the newest maxFiles − 1 rotated files are kept. `kubectl logs` reads the live file.
   */
  private rotateIfFull(): void {
    let size: number;
    try {
      size = statSync(this.logPath).size;
    } catch {
      return;
    }
    if (size < this.rotation.maxBytes) return;
    // 20261127-004500.123: sorts by time; milliseconds keep two rotations in one second apart.
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').replace('Z', '');
    // Two rotations in one millisecond must not overwrite each other: `.123-1` sorts after `.123`.
    let target = `${this.logPath}.${stamp}`;
    for (let n = 1; existsSync(target); n++) target = `${this.logPath}.${stamp}-${n}`;
    renameSync(this.logPath, target);
    const prefix = `${basename(this.logPath)}.`;
    const rotated = readdirSync(dirname(this.logPath))
      .filter((f) => f.startsWith(prefix) && /^\d{8}-\d{6}/.test(f.slice(prefix.length)))
      .sort();
    for (const old of rotated.slice(0, Math.max(0, rotated.length - (this.rotation.maxFiles - 1)))) rmSync(join(dirname(this.logPath), old), { force: true });
  }

  offsets(): number[] {
    return this.sources.map((s) => s.offset);
  }

  stop(): void {
    for (const w of this.watchers.splice(0)) w.close();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Lets the process exit while tailing (the kubelet is stopping; its successor resumes). */
  unref(): void {
    for (const w of this.watchers) w.unref();
    this.timer?.unref();
  }
}

/** The complete lines after `offset` (everything, with `all`), and how many bytes they span. */
function readNew(path: string, offset: number, all: boolean): { text: string; consumed: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { text: '', consumed: 0 };
  }
  if (size <= offset) return { text: '', consumed: 0 };
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size - offset, 16 * CHUNK));
    const n = readSync(fd, buf, 0, buf.length, offset);
    const end = all ? n : buf.lastIndexOf(0x0a, n - 1) + 1;
    // A line longer than the buffer is cut, as the shim splits long lines.
    const take = end > 0 ? end : n === buf.length ? n : 0;
    return { text: buf.subarray(0, take).toString('utf8'), consumed: take };
  } finally {
    closeSync(fd);
  }
}
