/** Test inputs shared by the schema walkers' equivalence tests. */
import fc from 'fast-check';
import type { KindSpec } from './dsl.js';
import { sampleObject } from './sample.js';

/** Values that normalization rewrites, leaves alone, or that defaults replace. */
const scribble = fc.oneof(
  fc.constantFrom<unknown>(null, 0.5, '0.5', '1.5Gi', '1000m', 'bad q', '2026-11-26T17:10:47.9+01:00', '2026-11-26T16:10:47.1234567Z', 'yesterday', [], {}),
  fc.jsonValue({ maxDepth: 3 }),
);

/**
 * A kind's sample with fields removed (so defaults fill them, and required ones go
 * missing), values scribbled over, and some objects' keys in reverse order.
 */
export function scribbledSample(spec: KindSpec): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(fc.array(fc.nat(), { maxLength: 10 }), fc.array(fc.tuple(fc.nat(), scribble), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 3 })).map(([drops, edits, flips]) => {
    const obj = sampleObject(spec, { maxDepth: 5 });
    const holders = (): [Record<string | number, unknown>, string | number][] => {
      const out: [Record<string | number, unknown>, string | number][] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach((x, i) => (out.push([v as unknown as Record<number, unknown>, i]), walk(x)));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), walk(x));
      };
      walk(obj);
      return out;
    };
    for (const pick of drops) {
      const hs = holders().filter(([h]) => !Array.isArray(h));
      const h = hs[pick % Math.max(hs.length, 1)];
      if (h) delete h[0][h[1]];
    }
    for (const [pick, value] of edits) {
      const hs = holders();
      const h = hs[pick % Math.max(hs.length, 1)];
      if (h) h[0][h[1]] = structuredClone(value);
    }
    for (const pick of flips) {
      const hs = holders().filter(([, k]) => typeof k === 'string');
      const h = hs[pick % Math.max(hs.length, 1)];
      const v = h?.[0][h[1]];
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        for (const [k, x] of Object.entries(o).reverse()) (delete o[k], (o[k] = x));
      }
    }
    return obj;
  });
}
