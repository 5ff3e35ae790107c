/**
 * Starts keepers from a worker thread. Node's spawn() blocks its thread until the child
 * has exec'd (fork, then a wait that grows with load: ~5–25 ms here); on the kubelet's
 * main thread a burst of 100 pod starts queued every status patch, watch event and timer
 * behind 100 such waits, and every pod turned Running at the very end of the burst. From
 * a worker the main thread keeps serving while the children start. The worker is plain
 * JavaScript (no loader, a small heap) and holds the event loop only while one of its
 * children is watched.
 */
import type { SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { isSameProcessAlive } from './process-launch.js';

const LOST_POLL_MS = 250;

/** What the runtime needs of a started keeper: its pid, its end, and letting go of it. */
export interface KeeperProcess {
  readonly pid?: number | undefined;
  /** 'exit' (code, signal) once it has ended; 'error' (err) when it could not be started. */
  once(event: 'exit' | 'error', fn: (...args: any[]) => void): unknown;
  removeAllListeners(event?: 'exit' | 'error'): KeeperProcess;
  /** Stops watching it: it no longer keeps the process alive (kubelet restart hand-over). */
  unref(): void;
}

const WORKER = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
parentPort.on('message', ({ id, file, args, options }) => {
  let child;
  try {
    child = spawn(file, args, options);
  } catch (err) {
    parentPort.postMessage({ id, type: 'failed', message: String(err && err.message || err) });
    return;
  }
  parentPort.postMessage({ id, type: 'spawned', pid: child.pid });
  child.once('error', (err) => parentPort.postMessage({ id, type: 'error', message: err.message }));
  child.once('exit', (code, signal) => parentPort.postMessage({ id, type: 'exit', code, signal }));
});
`;

type Reply =
  | { id: number; type: 'failed'; message: string }
  | { id: number; type: 'error'; message: string }
  | { id: number; type: 'spawned'; pid: number | undefined }
  | { id: number; type: 'exit'; code: number | null; signal: NodeJS.Signals | null };

/** What starts keepers: this worker-thread spawner, or the bash launcher (keeper-launcher.ts). */
/** A bind mount the keeper's setup script would make; a starter that can make it itself sets SKIFF_BOUND=1. */
export interface KeeperBind {
  host: string;
  at: string;
  readOnly: boolean;
}

export type KeeperSpawnOptions = SpawnOptions & {
  env: Record<string, string>;
  /** The binds of an in-place mount namespace, for a starter that can make them (perl-launcher.ts); others ignore them. */
  binds?: readonly KeeperBind[];
};

export interface KeeperStarter {
  spawn(file: string, args: string[], options: KeeperSpawnOptions): Promise<KeeperProcess>;
}

/** A keeper started elsewhere (a worker, the launcher), whose end is reported to us. */
export class RemoteChild extends EventEmitter implements KeeperProcess {
  pid: number | undefined;
  /** An end that came before anyone listened, replayed to the first listener. */
  private ended: { event: 'exit' | 'error'; args: unknown[] } | undefined;
  private watched = true;

  constructor(private readonly release: () => void) {
    super();
  }

  end(event: 'exit' | 'error', args: unknown[]): void {
    if (this.ended) return;
    this.ended = { event, args };
    // Nobody listening yet: the first listener gets it (once() below); an unheard 'error' would throw.
    if (this.listenerCount(event) > 0) this.emit(event, ...args);
    this.unref();
  }

  override once(event: string | symbol, fn: (...args: any[]) => void): this {
    super.once(event, fn);
    const e = this.ended;
    if (e && e.event === event && this.listenerCount(event) === 1) queueMicrotask(() => this.emit(e.event, ...e.args));
    return this;
  }

  unref(): void {
    if (!this.watched) return;
    this.watched = false;
    this.release();
  }
}

/** Ends `c` once its pid is gone: for keepers whose starter can no longer report their end. */
export function watchUntilGone(c: RemoteChild): void {
  const timer = setInterval(() => {
    if (c.pid !== undefined && isSameProcessAlive(c.pid, undefined)) return;
    clearInterval(timer);
    c.end('exit', [null, null]);
  }, LOST_POLL_MS);
}

export class KeeperSpawner implements KeeperStarter {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly starting = new Map<number, { resolve(c: RemoteChild): void; reject(err: Error): void; child: RemoteChild }>();
  private readonly children = new Map<number, RemoteChild>();
  /** Children watched plus spawns pending: while > 0 the worker holds the event loop. */
  private holds = 0;

  /** Spawns `file` as child_process.spawn would; resolves once it is started (pid known, or an 'error' to come). */
  spawn(file: string, args: string[], options: KeeperSpawnOptions): Promise<KeeperProcess> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    this.hold();
    const child = new RemoteChild(() => {
      this.children.delete(id);
      this.unhold();
    });
    return new Promise<KeeperProcess>((resolve, reject) => {
      this.starting.set(id, { resolve, reject, child });
      worker.postMessage({ id, file, args, options: { env: options.env, cwd: options.cwd, detached: options.detached, stdio: options.stdio } });
    });
  }

  /** Stops the worker; children already started keep running (they are detached). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER, { eval: true, execArgv: [], env: {}, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 } });
    w.on('message', (m: Reply) => this.onReply(m));
    w.on('error', (err) => this.failAll(err));
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      this.failAll(new Error('keeper spawner stopped'));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private onReply(m: Reply): void {
    if (m.type === 'spawned' || m.type === 'failed') {
      const s = this.starting.get(m.id);
      if (!s) return;
      this.starting.delete(m.id);
      if (m.type === 'failed') {
        s.child.unref();
        s.reject(new Error(m.message));
        return;
      }
      s.child.pid = m.pid;
      this.children.set(m.id, s.child);
      s.resolve(s.child);
      return;
    }
    const c = this.children.get(m.id);
    if (!c) return;
    if (m.type === 'exit') c.end('exit', [m.code, m.signal]);
    else c.end('error', [new Error(m.message)]);
  }

  /**
   * The worker is gone: pending starts fail; started keepers are still running, so their
   * ends are found by polling their pids instead (as for re-adopted keepers).
   */
  private failAll(err: Error): void {
    for (const [id, s] of this.starting) {
      this.starting.delete(id);
      s.child.unref();
      s.reject(err);
    }
    for (const c of this.children.values()) watchUntilGone(c);
    this.children.clear();
  }

  private hold(): void {
    if (this.holds++ === 0) this.worker?.ref();
  }

  private unhold(): void {
    if (--this.holds === 0) this.worker?.unref();
  }
}
