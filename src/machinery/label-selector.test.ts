import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSelector, SelectorError, newRequirement, parseLabelSelector } from './label-selector.js';

const QNAME_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('parse → canonical string (sorted by key)', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['   ', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a==b'],
    ['a!=b', 'a!=b'],
    ['a=b,c!=d,e in (y,x),f notin (z),!g,h,i==j', 'a=b,c!=d,e in (x,y),f notin (z),!g,h,i==j'],
    ['z,a', 'a,z'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x in (b,a,b)', 'x in (a,b)'],
    ['a=', 'a='],
    ['  a  =  b  ,  c  ', 'a=b,c'],
    ['in in (in)', 'in in (in)'],
    ['notin notin (notin)', 'notin notin (notin)'],
    ['example.com/app=web', 'example.com/app=web'],
    ['a>1,b<10', 'a>1,b<10'],
    ['x in (a)', 'x in (a)'],
  ];
  for (const [input, want] of cases) assert.equal(parseLabelSelector(input).toString(), want, input);
});

test('requirements carry operators and values', () => {
  const s = LabelSelector.parse('e in (y,x),!g,h,a=b');
  assert.deepEqual(
    s.requirements.map((r) => [r.key, r.operator, r.values]),
    [['a', '=', ['b']], ['e', 'in', ['x', 'y']], ['g', '!', []], ['h', 'exists', []]],
  );
});

test('matches', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['', {}, true],
    ['a=b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a==b', { a: 'b' }, true],
    ['a!=b', {}, true],
    ['a!=b', { a: 'b' }, false],
    ['a!=b', { a: 'c' }, true],
    ['a in (x,y)', { a: 'y' }, true],
    ['a in (x,y)', { a: 'z' }, false],
    ['a in (x,y)', {}, false],
    ['a notin (x,y)', {}, true],
    ['a notin (x,y)', { a: 'x' }, false],
    ['a', { a: '' }, true],
    ['a', { b: '' }, false],
    ['!a', { b: '' }, true],
    ['!a', { a: 'x' }, false],
    ['a=', { a: '' }, true],
    ['a>5', { a: '6' }, true],
    ['a>5', { a: '5' }, false],
    ['a>5', { a: 'x' }, false],
    ['a<5', { a: '-1' }, true],
    ['a=b,c=d', { a: 'b', c: 'd' }, true],
    ['a=b,c=d', { a: 'b', c: 'e' }, false],
    ['constructor', {}, false],
    ['toString', {}, false],
  ];
  for (const [sel, labels, want] of cases) assert.equal(LabelSelector.parse(sel).matches(labels), want, `${sel} vs ${JSON.stringify(labels)}`);
});

test('syntax errors carry Kubernetes messages and the position', () => {
  const cases: Array<[string, string, number | undefined]> = [
    ['a=b,', "found '', expected: identifier after ','", 4],
    [',a', "found ',', expected: !, identifier, or 'end of string'", 0],
    ['a b', "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'", 2],
    ['a in x', "unable to parse requirement: found 'x' expected: '('", 5],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'", 7],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'", 8],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier", 6],
    ['a=b c', "found 'c', expected: ',' or 'end of string'", 4],
    ['a==(', "unable to parse requirement: found '(', expected: identifier", 3],
    ['!', "unable to parse requirement: found '', expected: identifier", 1],
    ['!a=b', "found '=', expected: ',' or 'end of string'", 2],
    ['a>x', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer', 0],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": ${QNAME_MSG}`, 0],
  ];
  for (const [input, msg, pos] of cases) {
    assert.throws(
      () => LabelSelector.parse(input),
      (e: unknown) => {
        assert.ok(e instanceof SelectorError, `${input}: not a SelectorError`);
        assert.equal(e.message, msg, input);
        assert.equal(e.position, pos, `${input} position`);
        return true;
      },
    );
  }
});

test('value validation names the value path and key', () => {
  assert.throws(
    () => LabelSelector.parse('a=-x'),
    (e: unknown) => e instanceof SelectorError && e.message.startsWith('unable to parse requirement: values[0][a]: Invalid value: "-x": a valid label must be an empty string'),
  );
  assert.throws(() => LabelSelector.parse(`a=${'x'.repeat(64)}`), /must be no more than 63 characters/);
});

test('LabelSelector objects: nil matches nothing, empty matches everything', () => {
  const nil = LabelSelector.fromObject(null);
  assert.equal(nil.matches({}), false);
  assert.equal(nil.matches({ a: 'b' }), false);
  assert.equal(nil.isEmpty(), false);
  assert.equal(nil.matchesNothing(), true);
  const empty = LabelSelector.fromObject({});
  assert.equal(empty.matches({ a: 'b' }), true);
  assert.equal(empty.isEmpty(), true);
  assert.equal(LabelSelector.fromObject({ matchLabels: {}, matchExpressions: [] }).isEmpty(), true);
});

test('LabelSelector objects convert to requirements', () => {
  const s = LabelSelector.fromObject({
    matchLabels: { app: 'web', tier: 'fe' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod', 'dev'] },
      { key: 'zone', operator: 'NotIn', values: ['x'] },
      { key: 'gpu', operator: 'Exists' },
      { key: 'old', operator: 'DoesNotExist', values: [] },
    ],
  });
  assert.equal(s.toString(), 'app=web,env in (dev,prod),gpu,!old,tier=fe,zone notin (x)');
  assert.equal(s.matches({ app: 'web', tier: 'fe', env: 'prod', gpu: '1' }), true);
  assert.equal(s.matches({ app: 'web', tier: 'fe', env: 'prod', gpu: '1', old: 'y' }), false);
  assert.equal(s.matches({ app: 'web', tier: 'fe', env: 'qa', gpu: '1' }), false);
  assert.throws(() => LabelSelector.fromObject({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), /"Gt" is not a valid label selector operator/);
  assert.throws(() => LabelSelector.fromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), /values\: Invalid value: \[\]string\{\}: for 'in', 'notin' operators, values set can't be empty/);
  assert.throws(() => LabelSelector.fromObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), /values set must be empty for exists and does not exist/);
  assert.throws(() => LabelSelector.fromObject({ matchLabels: { 'a/b/c': 'x' } }), /key: Invalid value: "a\/b\/c": a qualified name must consist/);
});

test('newRequirement validates like Kubernetes', () => {
  assert.deepEqual(newRequirement('a', 'in', ['b', 'a', 'b']).values, ['a', 'b']);
  assert.throws(() => newRequirement('a', '=', ['x', 'y']), /exact-match compatibility requires one single value/);
  assert.throws(() => newRequirement('a', 'bogus' as never, []), /operator: Unsupported value: "bogus": supported values: "in", "notin"/);
  assert.throws(
    () => newRequirement('-a', '=', ['-b']),
    (e: unknown) => e instanceof SelectorError && e.message.startsWith('[key: Invalid value: "-a"') && e.message.includes(', values[0][-a]: Invalid value: "-b"'),
  );
});
