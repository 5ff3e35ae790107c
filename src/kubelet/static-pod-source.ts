/**
 * The kubelet's file source of static pods (upstream pkg/kubelet/config/file.go): the
 * Pod manifests in one directory, read again on every change the directory reports
 * (fs.watch) and every 20 s regardless (a watch can miss events: editors that rename,
 * network filesystems). Every read hands the whole current set to onChange when it
 * differs from the last one by UID; a file that cannot be read as one Pod is skipped with
 * one log line (again only when its problem changes).
 */
import { mkdirSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../api/core/v1/pod.js';
import type { Clock, Timer } from '../client/clock.js';
import { rfc3339 } from '../client/micro-time.js';
import type { Logger } from '../client/logger.js';
import { CONFIG_SEEN_ANNOTATION, isManifestFile, parseManifest, podKey, staticPodFrom } from './static-pods.js';

export const STATIC_POD_POLL_MS = 20_000;

export interface ManifestDirRead {
  /** The static pods by UID. */
  pods: Map<string, Pod>;
  /** Files skipped, with why. */
  problems: Map<string, string>;
}

/**
 * Reads every manifest in dir (sorted by file name) into static pods. `seenOf(uid)` gives
 * the config.seen time of a pod (the caller keeps the first one). Of two files naming the
 * same pod, the first wins and the second is a problem, as upstream rejects duplicates.
 */
export function readManifestDir(dir: string, nodeName: string, seenOf: (uid: string) => string): ManifestDirRead {
  const pods = new Map<string, Pod>();
  const problems = new Map<string, string>();
  const byKey = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(dir).filter(isManifestFile).sort();
  } catch (err) {
    problems.set(dir, `cannot read the directory: ${String(err)}`);
    return { pods, problems };
  }
  for (const name of names) {
    const file = join(dir, name);
    try {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        // A directory named *.yaml, or a file removed while we read: not a pod.
        throw new Error(`cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
      }
      const pod = staticPodFrom(parseManifest(text), { nodeName, file, seenOf });
      const key = podKey(pod);
      const first = byKey.get(key);
      if (first) throw new Error(`pod ${key} is already defined in ${first}`);
      byKey.set(key, name);
      pods.set(pod.metadata?.uid ?? '', pod);
    } catch (err) {
      problems.set(file, err instanceof Error ? err.message : String(err));
    }
  }
  return { pods, problems };
}

export interface StaticPodSourceConfig {
  dir: string;
  nodeName: string;
  /** Called with every new set of static pods (by UID); never concurrently. */
  onChange(pods: ReadonlyMap<string, Pod>): void;
  clock: Clock;
  logger: Logger;
  pollMs?: number;
}

export class StaticPodSource {
  private current = new Map<string, Pod>();
  private readonly seen = new Map<string, string>();
  private problems = new Map<string, string>();
  private watcher: FSWatcher | undefined;
  private pollTimer: Timer | undefined;
  private debounce: Timer | undefined;
  private stopped = false;
  /** The first read is reported even when the directory is empty. */
  private reported = false;

  constructor(private readonly config: StaticPodSourceConfig) {
    if (!config.dir) throw new Error('static pod source: dir is required');
  }

  /** Creates the directory if missing, reads it once (onChange has run when this returns), then watches it. */
  start(): void {
    mkdirSync(this.config.dir, { recursive: true });
    this.read();
    try {
      this.watcher = watch(this.config.dir, () => this.readSoon());
      this.watcher.on('error', (err) => this.config.logger.warn('watching the pod manifest directory failed; reading it every poll only', { dir: this.config.dir, error: String(err) }));
    } catch (err) {
      this.config.logger.warn('cannot watch the pod manifest directory; reading it every poll only', { dir: this.config.dir, error: String(err) });
    }
    this.schedulePoll();
  }

  /** The static pods of the last read, by UID. */
  pods(): ReadonlyMap<string, Pod> {
    return this.current;
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.pollTimer?.cancel();
    this.debounce?.cancel();
  }

  /** One read a moment after a burst of change notifications (an editor writes a file in steps). */
  private readSoon(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = this.config.clock.setTimeout(() => {
      this.debounce = undefined;
      this.read();
    }, 100);
  }

  private schedulePoll(): void {
    this.pollTimer = this.config.clock.setTimeout(() => {
      if (this.stopped) return;
      this.read();
      this.schedulePoll();
    }, this.config.pollMs ?? STATIC_POD_POLL_MS);
  }

  private read(): void {
    if (this.stopped) return;
    const now = rfc3339(this.config.clock.now());
    const { pods, problems } = readManifestDir(this.config.dir, this.config.nodeName, (uid) => this.seen.get(uid) ?? now);
    for (const [file, why] of problems) {
      if (this.problems.get(file) !== why) this.config.logger.warn('skipping a pod manifest', { file, reason: why });
    }
    this.problems = problems;
    for (const [uid, pod] of pods) this.seen.set(uid, pod.metadata?.annotations?.[CONFIG_SEEN_ANNOTATION] ?? now);
    for (const uid of this.seen.keys()) if (!pods.has(uid)) this.seen.delete(uid);
    const same = pods.size === this.current.size && [...pods.keys()].every((uid) => this.current.has(uid));
    if (same && this.reported) return;
    this.reported = true;
    this.current = pods;
    this.config.onChange(pods);
  }
}
