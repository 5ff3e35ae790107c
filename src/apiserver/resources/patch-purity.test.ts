/**
 * handlePatch hands `current` to the patch functions without copying it first, then
 * mutates the result (defaults, managed fields) while still reading `current` (admission's
 * old object, the no-op check). That is sound only if every patch function leaves its
 * inputs alone and returns an object sharing nothing with them; this holds them to it on
 * realistic pods (machinery/property.test.ts covers arbitrary JSON for the first half).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PodKind } from '../../api/core/v1/pod.js';
import { patchMetaFor } from '../../api/schema/patch-meta.js';
import { scribbledSample } from '../../api/schema/test-corpus.js';
import { applyJsonPatch } from '../../machinery/json-patch.js';
import type { JsonValue } from '../../machinery/json-value.js';
import { applyMergePatch } from '../../machinery/merge-patch.js';
import { PatchError } from '../../machinery/patch-error.js';
import { applyStrategicMergePatch } from '../../machinery/strategic-merge-patch.js';

/** Scribbles over every object and array reachable from `v`. */
function mutateAll(v: unknown, seen = new Set<unknown>()): void {
  if (typeof v !== 'object' || v === null || seen.has(v)) return;
  seen.add(v);
  const children = Array.isArray(v) ? [...v] : Object.values(v);
  for (const c of children) mutateAll(c, seen);
  if (Array.isArray(v)) v.push('scribbled');
  else (v as Record<string, unknown>)['scribbled'] = true;
}

const pod = scribbledSample(PodKind);
/** JSON pointers into an object, for JSON patch operations. */
function pointers(v: unknown, prefix = ''): string[] {
  if (typeof v !== 'object' || v === null) return [];
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return entries.flatMap(([k, x]) => {
    const p = `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return [p, ...pointers(x, p)];
  });
}

function checkPure(target: JsonValue, apply: () => JsonValue, label: string): void {
  const before = JSON.stringify(target);
  let out: JsonValue;
  try {
    out = apply();
  } catch (err) {
    if (err instanceof PatchError) return assert.equal(JSON.stringify(target), before, label);
    throw err;
  }
  assert.equal(JSON.stringify(target), before, `${label}: input modified`);
  mutateAll(out);
  assert.equal(JSON.stringify(target), before, `${label}: result shares structure with the input`);
}

test('merge, strategic merge and JSON patches of pods: inputs untouched, results unshared', () => {
  const meta = patchMetaFor(PodKind.schema);
  fc.assert(
    fc.property(pod, pod, fc.array(fc.tuple(fc.constantFrom('add', 'replace', 'remove', 'copy', 'move', 'test'), fc.nat(), fc.nat()), { maxLength: 4 }), (target, other, ops) => {
      const t = target as JsonValue;
      const patch = { metadata: { labels: { a: 'b' } }, spec: other['spec'] ?? null, status: other['status'] ?? null } as JsonValue;
      checkPure(t, () => applyMergePatch(t, patch), 'merge');
      checkPure(t, () => applyStrategicMergePatch(t, patch, meta), 'strategic');
      checkPure(t, () => applyStrategicMergePatch(t, other as JsonValue, meta), 'strategic (apply-like)');
      const ps = pointers(target);
      const value = (other['spec'] ?? {}) as JsonValue;
      const jp = ops.map(([op, i, j]) => ({ op, path: ps[i % Math.max(ps.length, 1)] ?? '/x', from: ps[j % Math.max(ps.length, 1)] ?? '/x', value }));
      checkPure(t, () => applyJsonPatch(t, jp), 'json');
    }),
    { numRuns: Number(process.env.SCHEMA_PROPERTY_RUNS ?? 100) },
  );
});
