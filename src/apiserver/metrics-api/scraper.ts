/**
 * What metrics-server keeps: the last two scrapes of every node's kubelet. Scraping runs
 * only while the metrics API is used — every `resolutionMs` in the background, stopping
 * after `idleMs` without a request — and on demand: a request finding no recent data
 * scrapes at once and, for nodes with a single scrape, once more after `minWindowMs`, so
 * the first `kubectl top` answers in about a second instead of 404ing for a period.
 */
import type { KubeObject } from '../watch-cache/cached-object.js';
import { decodeResourceMetrics, type NodeScrape } from './scrape-parse.js';

export interface ScraperConfig {
  /** The nodes to scrape (each with a kubelet endpoint and Ready). */
  nodes: () => KubeObject[];
  /** GET /metrics/resource of the node's kubelet; rejects on failure. */
  fetch: (node: KubeObject) => Promise<string>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Background scrape period (metrics-server's --metric-resolution; default 15 s). */
  resolutionMs?: number;
  /** Shortest window an on-demand second scrape gives (default 1 s). */
  minWindowMs?: number;
  /** Background scraping stops after this long without a request (default 5 min). */
  idleMs?: number;
  onError?: (node: string, err: unknown) => void;
}

export class MetricsScraper {
  private readonly scrapes = new Map<string, NodeScrape[]>();
  /** When each node's last scrape was answered. */
  private readonly answeredAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly resolutionMs: number;
  private readonly minWindowMs: number;
  private readonly idleMs: number;
  private lastRoundAt = 0;
  private lastUseAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** A background round in flight (a refresh waits for it rather than scrape alongside). */
  private background: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly config: ScraperConfig) {
    this.now = config.now ?? Date.now;
    this.sleep = config.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.resolutionMs = config.resolutionMs ?? 15_000;
    this.minWindowMs = config.minWindowMs ?? 1000;
    this.idleMs = config.idleMs ?? 300_000;
  }

  /** The node's last two scrapes, or undefined while it has fewer. */
  latest(node: string): { prev: NodeScrape; last: NodeScrape } | undefined {
    const s = this.scrapes.get(node);
    return s && s.length === 2 ? { prev: s[0] as NodeScrape, last: s[1] as NodeScrape } : undefined;
  }

  /** Every node with two scrapes. */
  nodesWithData(): string[] {
    return [...this.scrapes.keys()].filter((n) => this.latest(n));
  }

  /**
   * Called before serving a request: keeps the background loop going and, when the data is
   * missing or stale, scrapes before returning (at most one refresh runs at a time).
   */
  async fresh(): Promise<void> {
    this.lastUseAt = this.now();
    this.startLoop();
    await (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
  }

  private async refresh(): Promise<void> {
    await this.background;
    if (this.now() - this.lastRoundAt > 2 * this.resolutionMs) {
      // Too old to be "current" (nobody asked for a while): start over.
      this.scrapes.clear();
      await this.round();
    }
    const single = this.config.nodes().filter((n) => this.scrapes.get(nameOf(n))?.length === 1);
    if (single.length === 0) return;
    // From when those scrapes were answered, so the kubelets' own timestamps are a window apart too.
    const answered = Math.max(...single.map((n) => this.answeredAt.get(nameOf(n)) ?? 0));
    const wait = this.minWindowMs - (this.now() - answered);
    if (wait > 0) await this.sleep(wait);
    await Promise.all(single.map((n) => this.scrape(n)));
  }

  /** Scrapes every node; nodes gone from the cluster are forgotten. */
  private async round(): Promise<void> {
    const nodes = this.config.nodes();
    const names = new Set(nodes.map(nameOf));
    for (const n of this.scrapes.keys()) if (!names.has(n)) this.scrapes.delete(n), this.answeredAt.delete(n);
    this.lastRoundAt = this.now();
    await Promise.all(nodes.map((n) => this.scrape(n)));
  }

  /** One node: the new scrape becomes its last; a failure forgets the node (as metrics-server's store does). */
  private async scrape(node: KubeObject): Promise<void> {
    const name = nameOf(node);
    try {
      const text = await this.config.fetch(node);
      this.answeredAt.set(name, this.now());
      const s = decodeResourceMetrics(text, this.now());
      const list = [...(this.scrapes.get(name) ?? []), s].slice(-2);
      this.scrapes.set(name, list);
    } catch (err) {
      this.scrapes.delete(name);
      this.config.onError?.(name, err);
    }
  }

  private startLoop(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      if (this.now() - this.lastUseAt > this.idleMs) {
        clearInterval(this.timer);
        this.timer = undefined;
        return;
      }
      if (!this.refreshing && !this.background) this.background = this.round().finally(() => (this.background = undefined));
    }, this.resolutionMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

const nameOf = (n: KubeObject): string => String(n.metadata?.name ?? '');
