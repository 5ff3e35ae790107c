import { createReadStream, createWriteStream, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { realClock, type Clock, type Timer } from '../client/clock.js';
import { silentLogger, type Logger } from '../client/logger.js';
import type { ContainerStatus, Runtime } from './runtime.js';

/** Upstream's kubelet defaults: containerLogMaxSize 10Mi, containerLogMaxFiles 5, containerLogMonitorInterval 10s. */
export const DEFAULT_CONTAINER_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_CONTAINER_LOG_MAX_FILES = 5;
export const DEFAULT_CONTAINER_LOG_MONITOR_INTERVAL_MS = 10_000;

/** When a live log is rotated and how many files of one container are kept (the live one included). */
export interface ContainerLogSettings {
  /** A live log of at least this many bytes is rotated; negative: never rotate. */
  maxBytes: number;
  /** At most this many files per container log, the live one included; must be > 1. */
  maxFiles: number;
  monitorIntervalMs: number;
}

/** What the manager needs of a runtime: the containers with their log paths, and CRI ReopenContainerLog. */
export interface LogRotationRuntime {
  listContainers(): Promise<Array<Pick<ContainerStatus, 'id' | 'state' | 'logPath'>>>;
  /** Makes the runtime write to a new file at the container's log path (the old one was renamed). */
  reopenContainerLog(id: string): Promise<void>;
}

/** The runtime as a LogRotationRuntime when it can reopen logs (cri); undefined otherwise (the process runtime rotates its own). */
export function logRotationRuntime(runtime: Runtime): LogRotationRuntime | undefined {
  const r = runtime as Runtime & { reopenContainerLog?: (id: string) => Promise<void> };
  return typeof r.reopenContainerLog === 'function' ? (r as Runtime & LogRotationRuntime) : undefined;
}

const COMPRESS_SUFFIX = '.gz';
const TMP_SUFFIX = '.tmp';
/** `<stamp>`, `<stamp>.gz`, or a compression's leftover `<stamp>[.gz].tmp`: nothing else beside the log is ours. */
const ROTATED = /^\d{8}-\d{6}(\.gz)?(\.tmp)?$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `<log>.<YYYYMMDD-hhmmss>` in UTC: upstream's `20060102-150405`, so names sort by time. */
export function rotatedName(logPath: string, atMs: number): string {
  const d = new Date(atMs);
  return `${logPath}.${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** What to do with the rotated files of one log before its live file is rotated (names only, oldest first). */
export interface RotationPlan {
  /** Leftovers of an interrupted compression, and excess files from the oldest up. */
  remove: string[];
  /** Kept files not compressed yet (the one rotated last time). */
  compress: string[];
}

/**
 * Decides, from the names in the log's directory, what to remove and compress so that
 * after the live file is renamed there are at most maxFiles files: the live file, the one
 * just rotated (left uncompressed so that readers can finish it) and maxFiles − 2 `.gz`.
 * Oldest go first, so an ongoing read of a newer file is not broken. Pure.
 */
export function planRotation(logName: string, dirEntries: string[], maxFiles: number): RotationPlan {
  const prefix = `${logName}.`;
  const ours = dirEntries.filter((f) => f.startsWith(prefix) && ROTATED.test(f.slice(prefix.length)));
  const unused = ours.filter((f) => f.endsWith(TMP_SUFFIX) || (!f.endsWith(COMPRESS_SUFFIX) && ours.includes(f + COMPRESS_SUFFIX)));
  const inUse = ours.filter((f) => !unused.includes(f)).sort();
  const excess = Math.max(0, inUse.length - Math.max(0, maxFiles - 2));
  const kept = inUse.slice(excess);
  return { remove: [...unused.sort(), ...inUse.slice(0, excess)], compress: kept.filter((f) => !f.endsWith(COMPRESS_SUFFIX)) };
}

/** gzips `path` to `path.gz` through a temporary file, then removes `path`. */
export async function compressLog(path: string): Promise<void> {
  const tmp = `${path}${COMPRESS_SUFFIX}${TMP_SUFFIX}`;
  try {
    await pipeline(createReadStream(path), createGzip(), createWriteStream(tmp, { mode: statSync(path).mode }));
    renameSync(tmp, path + COMPRESS_SUFFIX);
  } finally {
    rmSync(tmp, { force: true });
  }
  rmSync(path, { force: true });
}

/**
 * The kubelet's container log manager (upstream pkg/kubelet/logs): every monitorInterval,
 * each running container's log at or over maxBytes is renamed to `<log>.<timestamp>`, the
 * runtime is asked to reopen it, older rotated files are gzipped and the oldest removed.
 * A failure is logged and the container is tried again at the next interval.
 */
export class ContainerLogManager {
  private readonly runtime: LogRotationRuntime;
  private readonly settings: ContainerLogSettings;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(config: { runtime: LogRotationRuntime; settings?: Partial<ContainerLogSettings>; clock?: Clock; logger?: Logger }) {
    this.runtime = config.runtime;
    this.settings = {
      maxBytes: config.settings?.maxBytes ?? DEFAULT_CONTAINER_LOG_MAX_BYTES,
      maxFiles: config.settings?.maxFiles ?? DEFAULT_CONTAINER_LOG_MAX_FILES,
      monitorIntervalMs: config.settings?.monitorIntervalMs ?? DEFAULT_CONTAINER_LOG_MONITOR_INTERVAL_MS,
    };
    if (!Number.isInteger(this.settings.maxFiles) || this.settings.maxFiles <= 1) throw new RangeError(`invalid containerLogMaxFiles ${this.settings.maxFiles}, must be > 1`);
    if (!(this.settings.monitorIntervalMs > 0)) throw new RangeError(`invalid containerLogMonitorInterval ${this.settings.monitorIntervalMs} ms`);
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? silentLogger;
  }

  /** Runs a pass every monitorInterval until stop(); does nothing when rotation is off (maxBytes < 0). */
  start(): void {
    if (this.settings.maxBytes < 0 || this.timer || this.stopped) return;
    const tick = (): void => {
      this.running = this.rotateAll().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = this.clock.setTimeout(tick, this.settings.monitorIntervalMs);
      });
    };
    this.timer = this.clock.setTimeout(tick, this.settings.monitorIntervalMs);
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the running containers; never rejects (failures are logged per container). */
  async rotateAll(): Promise<void> {
    let containers: Array<Pick<ContainerStatus, 'id' | 'state' | 'logPath'>>;
    try {
      containers = await this.runtime.listContainers();
    } catch (err) {
      this.logger.warn('container log rotation: listing containers failed', { error: String(err) });
      return;
    }
    // Only running containers: one that has exited writes nothing more.
    for (const c of containers) {
      if (this.stopped) return;
      if (c.state !== 'running' || !c.logPath) continue;
      await this.rotateIfNeeded(c.id, c.logPath).catch((err: unknown) => this.logger.warn('container log rotation failed', { container: c.id, path: c.logPath, error: String(err) }));
    }
  }

  /** Rotates one container's log when it is at or over maxBytes; resolves to whether it did. */
  async rotateIfNeeded(id: string, logPath: string): Promise<boolean> {
    let size: number;
    try {
      size = statSync(logPath).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Gone (a rotation whose reopen was lost): the runtime recreates it.
      await this.runtime.reopenContainerLog(id);
      size = statSync(logPath).size;
    }
    if (size < this.settings.maxBytes) return false;
    const started = this.clock.now();
    const target = rotatedName(logPath, started);
    const dir = dirname(logPath);
    // Two rotations in one second would overwrite the first: wait for the next pass.
    if (readdirSync(dir).some((f) => f === basename(target) || f === basename(target) + COMPRESS_SUFFIX)) return false;
    const plan = planRotation(basename(logPath), readdirSync(dir), this.settings.maxFiles);
    for (const f of plan.remove) rmSync(join(dir, f), { force: true });
    for (const f of plan.compress) await compressLog(join(dir, f));
    renameSync(logPath, target);
    try {
      await this.runtime.reopenContainerLog(id);
    } catch (err) {
      // Put it back so the next pass can try again (else the container's output is lost).
      renameSync(target, logPath);
      throw err;
    }
    this.logger.info('container log rotated', { container: id, path: logPath, bytes: size, removed: plan.remove.length, compressed: plan.compress.length, durationMs: this.clock.now() - started });
    return true;
  }
}
