/**
 * The pod start timeline for bench:kubelet: the kubelet's `TRACE <ms> <pod> <step>` lines
 * (SKIFF_TRACE=1, src/kubelet/start-trace.ts) plus the bench's own create and Running
 * times, as a Markdown table of when each step was reached (ms after the first create).
 */
const STEPS: Array<[string, string]> = [
  ['create', 'created through the API (bench)'],
  ['informer', 'pod seen by the kubelet'],
  ['sandbox', 'sandbox ready'],
  ['volumes', 'volumes and resolv.conf written'],
  ['created', 'container created'],
  ['ns-prepared', 'mount namespace setup written'],
  ['cgroup', 'cgroup made'],
  ['spawned', 'keeper started'],
  ['ready', 'mounts done, command starting'],
  ['patch-sent', 'status patch sent'],
  ['patch-done', 'status patch answered'],
  ['running', 'Running seen by the watch (bench)'],
];

export class StartTimeline {
  private readonly at = new Map<string, Map<string, number>>();

  /** Takes what it can from a chunk of the kubelet's stderr; returns the rest (not trace lines). */
  feed(text: string): string {
    let rest = '';
    for (const line of text.split('\n')) {
      const m = /^TRACE (\d+) (\S+) (\S+)$/.exec(line);
      if (m) this.note(m[2] as string, m[3] as string, Number(m[1]));
      else if (line) rest += `${line}\n`;
    }
    return rest;
  }

  note(pod: string, step: string, ms: number): void {
    let steps = this.at.get(pod);
    if (!steps) this.at.set(pod, (steps = new Map()));
    if (!steps.has(step)) steps.set(step, ms);
  }

  table(): string[] {
    const t0 = Math.min(...[...this.at.values()].map((s) => s.get('create') ?? Infinity));
    const rows = ['| step | first | p50 | p90 | last |', '|---|---|---|---|---|'];
    for (const [step, what] of STEPS) {
      const xs = [...this.at.values()].flatMap((s) => (s.has(step) ? [(s.get(step) as number) - t0] : [])).sort((a, b) => a - b);
      if (!xs.length) continue;
      const q = (p: number): number => xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)] as number;
      rows.push(`| ${what} | ${xs[0]} | ${q(0.5)} | ${q(0.9)} | ${xs.at(-1)} |`);
    }
    return rows;
  }
}
