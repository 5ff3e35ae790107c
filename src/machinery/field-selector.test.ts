import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSelector, escapeFieldValue, parseFieldSelector, unescapeFieldValue } from './field-selector.js';
import { SelectorError } from './label-selector.js';

test('parse → string (terms sorted, values escaped)', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['metadata.name=web', 'metadata.name=web'],
    ['a==b', 'a=b'],
    ['spec.nodeName=node1,status.phase!=Succeeded,status.phase!=Failed', 'spec.nodeName=node1,status.phase!=Failed,status.phase!=Succeeded'],
    ['a=b\\,c', 'a=b\\,c'],
    ['a=x\\=y', 'a=x\\=y'],
    ['a=x\\\\y', 'a=x\\\\y'],
    ['a=', 'a='],
    ['a=b,,c=d', 'a=b,c=d'],
  ];
  for (const [input, want] of cases) assert.equal(parseFieldSelector(input).toString(), want, input);
});

test('terms are sorted as written, as Kubernetes does: `==` printed as `=` may then sort elsewhere', () => {
  // ParseSelector sorts the raw terms ('=' sorts before 'x'), String() prints `==` as `=`.
  const sel = parseFieldSelector('a=x,a==y');
  assert.equal(sel.toString(), 'a=y,a=x');
  const again = parseFieldSelector(sel.toString());
  assert.equal(again.toString(), 'a=x,a=y');
  assert.deepEqual(new Set(again.requirements.map((r) => `${r.field}${r.operator}${r.value}`)), new Set(sel.requirements.map((r) => `${r.field}${r.operator}${r.value}`)), 'the same requirements');
});

test('values are unescaped', () => {
  const s = FieldSelector.parse('involvedObject.name=a\\,b\\=c\\\\d');
  assert.deepEqual(s.requirements, [{ field: 'involvedObject.name', operator: '=', value: 'a,b=c\\d' }]);
  assert.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
  assert.equal(unescapeFieldValue(escapeFieldValue('x,=\\y')), 'x,=\\y');
});

test('errors', () => {
  const cases: Array<[string, string]> = [
    ['abc', "invalid selector: 'abc'; can't understand 'abc'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [input, msg] of cases) {
    assert.throws(() => FieldSelector.parse(input), (e: unknown) => e instanceof SelectorError && e.message === msg, input);
  }
});

test('matches against caller-supplied field values', () => {
  const pod = { 'metadata.name': 'web-1', 'spec.nodeName': 'node1', 'status.phase': 'Running' };
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name==web-1', true],
    ['metadata.name=web-2', false],
    ['spec.nodeName=node1,status.phase!=Succeeded,status.phase!=Failed', true],
    ['status.phase!=Running', false],
    ['spec.unknown=', true],
    ['spec.unknown!=', false],
  ];
  for (const [sel, want] of cases) assert.equal(FieldSelector.parse(sel).matches(pod), want, sel);
});

test('helpers', () => {
  const s = FieldSelector.parse('metadata.name=web,metadata.namespace!=kube-system');
  assert.deepEqual(s.fields().sort(), ['metadata.name', 'metadata.namespace']);
  assert.equal(s.requiresExactMatch('metadata.name'), 'web');
  assert.equal(s.requiresExactMatch('metadata.namespace'), undefined);
  assert.equal(FieldSelector.fromSet({ b: '1', a: 'x,y' }).toString(), 'a=x\\,y,b=1');
  assert.equal(FieldSelector.everything().isEmpty(), true);
});

test('unsupported field labels', () => {
  const s = FieldSelector.parse('metadata.name=a,spec.foo=b');
  assert.throws(() => s.assertSupported(['metadata.name', 'metadata.namespace']), (e: unknown) => e instanceof SelectorError && e.message === 'field label not supported: spec.foo');
  assert.doesNotThrow(() => s.assertSupported(['metadata.name', 'spec.foo']));
});
