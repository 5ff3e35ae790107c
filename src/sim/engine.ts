import type { Clock, Timer } from '../client/clock.js';
import type { EventSource } from '../client/event-source.js';
import type { Logger } from '../client/logger.js';
import { firstMatchingStage, stageMatches, type Stage } from './stages.js';

export interface StageEngineConfig<T> {
  name: string;
  source: EventSource<T>;
  /** Current cached object for a key (re-read before acting: level-triggered). */
  get: (key: string) => T | undefined;
  keyOf: (obj: T) => string;
  /** Whether this engine is responsible for the object (e.g. the pod is on a simulated node). */
  owns: (obj: T) => boolean;
  stages: readonly Stage[];
  /** Performs a stage's `next` on the object. */
  apply: (obj: T, stage: Stage) => Promise<void>;
  clock: Clock;
  logger: Logger;
}

/**
 * Runs stages against objects: on every change, the first matching stage is armed with
 * its delay; when it fires, the object is re-read and, if the stage still matches, the
 * stage's next step is applied. The resulting change re-enters the loop, so stages chain.
 */
export class StageEngine<T> {
  private readonly timers = new Map<string, { stage: string; timer: Timer }>();
  private unregister: (() => void) | undefined;
  private stopped = false;
  applied = 0;

  constructor(private readonly cfg: StageEngineConfig<T>) {}

  start(): void {
    const on = (obj: T): void => this.consider(obj);
    this.unregister = this.cfg.source.addEventHandler({
      onAdd: on,
      onUpdate: (_o, n) => on(n),
      onDelete: (obj) => this.cancel(this.cfg.keyOf(obj)),
    });
  }

  stop(): void {
    this.stopped = true;
    this.unregister?.();
    for (const t of this.timers.values()) t.timer.cancel();
    this.timers.clear();
  }

  private cancel(key: string): void {
    this.timers.get(key)?.timer.cancel();
    this.timers.delete(key);
  }

  private consider(obj: T): void {
    if (this.stopped || !this.cfg.owns(obj)) return;
    const key = this.cfg.keyOf(obj);
    const stage = firstMatchingStage(this.cfg.stages, obj);
    const armed = this.timers.get(key);
    if (armed && armed.stage === stage?.name) return;
    this.cancel(key);
    if (!stage) return;
    const timer = this.cfg.clock.setTimeout(() => void this.fire(key, stage), stage.delayMs);
    this.timers.set(key, { stage: stage.name, timer });
  }

  private async fire(key: string, stage: Stage): Promise<void> {
    this.timers.delete(key);
    const obj = this.cfg.get(key);
    if (!obj || this.stopped || !stageMatches(stage, obj)) return;
    try {
      await this.cfg.apply(obj, stage);
      this.applied++;
    } catch (err) {
      this.cfg.logger.warn('stage failed', { engine: this.cfg.name, key, stage: stage.name, error: String(err) });
      // Retry later unless the object changed meanwhile (which re-arms it anyway).
      const again = this.cfg.get(key);
      if (again && !this.timers.has(key)) {
        const timer = this.cfg.clock.setTimeout(() => void this.fire(key, stage), 1000);
        this.timers.set(key, { stage: stage.name, timer });
      }
    }
  }
}
