/**
 * Just enough of resource.Quantity for validation: parse a quantity ("100m", "1Gi",
 * "1.5", "2e3", 4) to a number so requests can be compared with limits. Precision is
 * that of a double, which is ample for comparisons of realistic resource amounts.
 * Returns undefined for text that is not a quantity.
 */
const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const quantityRe = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export function quantityValue(q: string | number): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = quantityRe.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[3] !== undefined) return base * 10 ** Number(m[3]);
  const suffix = m[2] ?? '';
  return base * (binary[suffix] ?? decimal[suffix] ?? 1);
}

/** Canonical-enough text for messages: numbers as given, strings unchanged. */
export function quantityText(q: string | number): string {
  return typeof q === 'number' ? String(q) : q;
}
