import type { Admission, AdmissionAttributes, AdmissionPlugin } from './types.js';
import type { KubeObject } from '../watch-cache/cached-object.js';

/** Runs plugins in order; the first rejection wins, warnings accumulate. */
export class AdmissionChain implements Admission {
  private readonly plugins: readonly AdmissionPlugin[];

  constructor(config: { plugins: readonly AdmissionPlugin[] }) {
    this.plugins = placeBefore(config.plugins);
  }

  async admit(attrs: AdmissionAttributes, obj: KubeObject | undefined, old: KubeObject | undefined): Promise<string[]> {
    const warnings: string[] = [];
    for (const p of this.plugins) {
      const w = await p.admit(attrs, obj, old);
      if (w) warnings.push(...w);
    }
    return warnings;
  }
}

/** Moves each plugin that names `before` to just ahead of that plugin, if it runs later (order kept otherwise). */
function placeBefore(plugins: readonly AdmissionPlugin[]): AdmissionPlugin[] {
  const out = [...plugins];
  for (const p of plugins) {
    const target = p.before ? out.findIndex((q) => q.name === p.before) : -1;
    const at = out.indexOf(p);
    if (target < 0 || at < target) continue;
    out.splice(at, 1);
    out.splice(target, 0, p);
  }
  return out;
}
