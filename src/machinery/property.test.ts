/**
 * Property tests for the parsers and patchers of this directory: whatever the input, they
 * either succeed or throw their own typed error, never a TypeError or RangeError; and
 * what they print, they parse back to the same thing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LabelSelector, SelectorError } from './label-selector.js';
import { FieldSelector } from './field-selector.js';
import { Quantity, QuantityError } from './quantity.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { PatchError } from './patch-error.js';
import { patchMetaFromTable } from './patch-meta.js';
import { ProtobufError, decodeEnvelope } from './protobuf-envelope.js';
import type { JsonObject, JsonValue } from './json-value.js';

const RUNS = { numRuns: 500 };

/** Runs fn; returns its result, or undefined if it threw one of the allowed error types. */
function onlyTyped<T>(fn: () => T, ...allowed: Array<new (...a: never[]) => Error>): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (allowed.some((c) => e instanceof c)) return undefined;
    throw e;
  }
}

const chars = (s: string) => fc.string({ unit: fc.constantFrom(...s.split('')), maxLength: 40 });

test('label selector parser: only SelectorError; printed form re-parses to itself', () => {
  const input = fc.oneof(chars('abxy=!(),  inotz-./_'), fc.string({ maxLength: 40 }));
  fc.assert(fc.property(input, (s) => {
    const sel = onlyTyped(() => LabelSelector.parse(s), SelectorError);
    if (sel) {
      const again = LabelSelector.parse(sel.toString());
      assert.equal(again.toString(), sel.toString());
      assert.deepEqual(again.requirements, sel.requirements);
    }
  }), RUNS);
});

test('field selector parser: only SelectorError; printed form re-parses to itself', () => {
  fc.assert(fc.property(fc.oneof(chars('ab.=!,\\x'), fc.string({ maxLength: 30 })), (s) => {
    const sel = onlyTyped(() => FieldSelector.parse(s), SelectorError);
    // The same requirements, in any order: terms sort as written (as in Kubernetes), and `==`
    // prints as `=`, so `a=x,a==y` prints as `a=y,a=x`, which re-parses in the other order.
    const sorted = (x: FieldSelector) => [...x.requirements].sort((a, b) => (a.field + a.operator + a.value < b.field + b.operator + b.value ? -1 : 1));
    if (sel) assert.deepEqual(sorted(FieldSelector.parse(sel.toString())), sorted(sel));
  }), RUNS);
  fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !/[=!,\\]/.test(k)), fc.string({ maxLength: 8 })), (set) => {
    const sel = FieldSelector.fromSet(set);
    assert.equal(FieldSelector.parse(sel.toString()).matches(set), true);
  }), RUNS);
});

test('quantity parser: only QuantityError; canonical form round-trips exactly', () => {
  const input = fc.oneof(chars('0123456789.+-eEinumkKMGTP'), fc.string({ maxLength: 20 }));
  fc.assert(fc.property(input, (s) => {
    const q = onlyTyped(() => Quantity.parse(s), QuantityError);
    if (q) {
      const again = Quantity.parse(q.toString());
      assert.equal(again.nanos, q.nanos, `${s} → ${q.toString()}`);
      assert.equal(again.toString(), q.toString());
    }
  }), RUNS);
  const suffix = fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'e3', 'e-2', 'E6');
  fc.assert(fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.nat({ max: 4 }), suffix, (n, frac, sfx) => {
    const digits = (n < 0n ? -n : n).toString().padStart(frac + 1, '0');
    const text = `${n < 0n ? '-' : ''}${frac ? `${digits.slice(0, -frac)}.${digits.slice(-frac)}` : digits}${sfx}`;
    const q = Quantity.parse(text);
    const sum = q.add(q).sub(q);
    assert.equal(sum.nanos, q.nanos);
    assert.equal(Quantity.parse(q.toString()).cmp(q), 0, text);
  }), RUNS);
});

const key = fc.constantFrom('a', 'b', 'name', 'value', 'l', '__proto__', '');
const json: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<JsonValue>(null, true, 0, 1, 'a', 'x'),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }) as fc.Arbitrary<JsonValue>,
  ),
})).v;

test('json patch: only PatchError; input never mutated', () => {
  const seg = fc.constantFrom('a', 'b', 'name', 'l', '0', '1', '-', '5', '~1', '~0', '~2', '__proto__', '');
  const path = fc.oneof(fc.array(seg, { maxLength: 3 }).map((s) => (s.length ? `/${s.join('/')}` : '')), fc.string({ maxLength: 5 }));
  const op = fc.record({
    op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'),
    path,
    from: path,
    value: json,
  }, { requiredKeys: ['op'] });
  const patch = fc.oneof(fc.array(op, { maxLength: 5 }) as fc.Arbitrary<unknown>, json as fc.Arbitrary<unknown>);
  fc.assert(fc.property(json, patch, (doc, p) => {
    const before = JSON.stringify(doc);
    onlyTyped(() => applyJsonPatch(doc, p), PatchError);
    assert.equal(JSON.stringify(doc), before);
  }), RUNS);
});

test('merge patch: never throws, is idempotent, leaves input alone', () => {
  fc.assert(fc.property(fc.option(json, { nil: undefined }), json, (target, patch) => {
    const before = JSON.stringify(target);
    const once = applyMergePatch(target, patch);
    assert.deepEqual(applyMergePatch(once, patch), once);
    assert.equal(JSON.stringify(target), before);
  }), RUNS);
});

const meta = patchMetaFromTable({
  fields: {
    mergingList: { patchStrategy: ['merge'], patchMergeKey: 'name', items: { fields: { l: { patchStrategy: ['merge'] } } } },
    mergingIntList: { patchStrategy: ['merge'] },
    retainKeysMap: { patchStrategy: ['retainKeys'] },
    replaceMap: { patchStrategy: ['replace'] },
    volumes: { patchStrategy: ['merge', 'retainKeys'], patchMergeKey: 'name', items: {} },
  },
});

test('strategic merge patch: only PatchError on arbitrary input, directives included', () => {
  const smpKey = fc.constantFrom(
    'a', 'name', 'value', 'l', 'mergingList', 'mergingIntList', 'retainKeysMap', 'replaceMap', 'volumes',
    '$patch', '$retainKeys', '$setElementOrder/mergingList', '$setElementOrder/mergingIntList', '$setElementOrder',
    '$deleteFromPrimitiveList/mergingIntList', '$deleteFromPrimitiveList/l', '__proto__',
  );
  const smpValue: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<JsonValue>(null, 'a', 'b', 'delete', 'replace', 'merge', 1, 2, true, 'name'),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(smpKey, tie('v'), { maxKeys: 5 }) as fc.Arbitrary<JsonValue>,
    ),
  })).v;
  const obj = fc.dictionary(smpKey, smpValue, { maxKeys: 5 }) as fc.Arbitrary<JsonObject>;
  fc.assert(fc.property(obj, obj, (original, patch) => {
    const before = JSON.stringify([original, patch]);
    onlyTyped(() => applyStrategicMergePatch(original, patch, meta), PatchError);
    assert.equal(JSON.stringify([original, patch]), before);
  }), { numRuns: 1000 });
});

test('strategic merge patch without metadata or directives equals JSON merge patch', () => {
  const plainKey = fc.constantFrom('a', 'b', 'c', 'name');
  const plain: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<JsonValue>(null, 'x', 1, false),
      fc.array(fc.constantFrom<JsonValue>('x', 1, 'y'), { maxLength: 3 }),
      fc.dictionary(plainKey, tie('v'), { maxKeys: 3 }) as fc.Arbitrary<JsonValue>,
    ),
  })).v;
  const obj = fc.dictionary(plainKey, plain, { maxKeys: 4 }) as fc.Arbitrary<JsonObject>;
  fc.assert(fc.property(obj, obj, (original, patch) => {
    assert.deepEqual(applyStrategicMergePatch(original, patch, undefined), applyMergePatch(original, patch));
  }), RUNS);
});

test('protobuf envelope: only ProtobufError on arbitrary bytes', () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...b])),
  );
  fc.assert(fc.property(bytes, (b) => {
    onlyTyped(() => decodeEnvelope(b), ProtobufError);
  }), RUNS);
});
