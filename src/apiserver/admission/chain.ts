import type { Admission, AdmissionAttributes, AdmissionPlugin } from './types.js';
import type { KubeObject } from '../watch-cache/cached-object.js';

/** Runs plugins in order; the first rejection wins, warnings accumulate. */
export class AdmissionChain implements Admission {
  private readonly plugins: readonly AdmissionPlugin[];

  constructor(config: { plugins: readonly AdmissionPlugin[] }) {
    this.plugins = config.plugins;
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
