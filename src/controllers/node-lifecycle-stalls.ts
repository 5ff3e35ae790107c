/**
 * When the node lifecycle controller itself could not watch. A node is declared silent
 * when the controller saw no heartbeat for a grace period, measured on its own clock; if
 * its process was starved or its event loop blocked meanwhile, heartbeats may have been
 * sent, or be waiting in a socket, while it could not look. Such time is the controller's
 * blindness, not the kubelet's silence, and is not counted against a node.
 */
import type { Clock, Timer } from '../client/clock.js';

interface Gap {
  from: number;
  to: number;
}

export class StallMeter {
  private readonly clock: Clock;
  private readonly tickMs: number;
  private readonly keepMs: number;
  private readonly gaps: Gap[] = [];
  private last: number;
  private timer: Timer | undefined;
  private stopped = false;

  /**
   * Ticks every tickMs; a tick more than tickMs late marks the time past its due time as
   * a stall. Stalls older than keepMs (at least the longest grace period) are forgotten.
   */
  constructor(config: { clock: Clock; tickMs?: number; keepMs: number }) {
    this.clock = config.clock;
    this.tickMs = config.tickMs ?? 500;
    if (!(this.tickMs > 0)) throw new Error('StallMeter: tickMs must be positive');
    this.keepMs = config.keepMs;
    this.last = this.clock.now();
  }

  start(): void {
    this.stopped = false;
    this.last = this.clock.now();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /**
   * Milliseconds of [from, now] during which the controller was stalled, including a stall
   * it is just waking from (its tick overdue but not yet run: timers that were due during
   * the stall, such as a reconcile's requeue, may fire before the tick does).
   */
  stalledWithin(from: number, now: number): number {
    let sum = 0;
    for (const g of this.gaps) sum += overlap(g, from, now);
    const due = this.last + this.tickMs;
    if (now - due > this.tickMs) sum += overlap({ from: due, to: now }, from, now);
    return sum;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => this.tick(), this.tickMs);
  }

  private tick(): void {
    const now = this.clock.now();
    const due = this.last + this.tickMs;
    if (now - due > this.tickMs) this.gaps.push({ from: due, to: now });
    while (this.gaps.length && (this.gaps[0]?.to ?? now) < now - this.keepMs) this.gaps.shift();
    this.last = now;
    this.schedule();
  }
}

function overlap(g: Gap, from: number, to: number): number {
  return Math.max(0, Math.min(g.to, to) - Math.max(g.from, from));
}
