import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NAME_SUFFIX_ALPHABET, generateName, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName,
  isValidLabelValue, validateAnnotations, validateLabels,
} from './names.js';
import { renderFieldError } from './field-errors.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

test('DNS-1123 subdomain', () => {
  const cases: Array<[string, string[]]> = [
    ['example.com', []],
    ['a', []],
    ['a-b.c-d', []],
    ['Web', [SUBDOMAIN_MSG]],
    ['-a', [SUBDOMAIN_MSG]],
    ['a.', [SUBDOMAIN_MSG]],
    ['', [SUBDOMAIN_MSG]],
    ['a'.repeat(254), ['must be no more than 253 characters']],
  ];
  for (const [v, want] of cases) assert.deepEqual(isDNS1123Subdomain(v), want, v);
});

test('DNS-1123 and DNS-1035 labels', () => {
  assert.deepEqual(isDNS1123Label('my-name'), []);
  assert.deepEqual(isDNS1123Label('123-abc'), []);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('A'), [LABEL_MSG]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(isDNS1035Label('my-svc'), []);
  assert.deepEqual(isDNS1035Label('1svc'), [DNS1035_MSG]);
});

test('qualified names and label values', () => {
  const qn = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const cases: Array<[string, string[]]> = [
    ['app', []],
    ['app.kubernetes.io/name', []],
    ['My_Name.x', []],
    ['/a', ['prefix part must be non-empty']],
    ['a/', ['name part must be non-empty', qn]],
    ['Example.com/a', [`prefix part ${SUBDOMAIN_MSG}`]],
    ['-a', [qn]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
  ];
  for (const [v, want] of cases) assert.deepEqual(isQualifiedName(v), want, v);
  assert.match(isQualifiedName('a/b/c')[0] ?? '', /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e.g. 'example.com\/MyName'\)$/);
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('v1.2_x-y'), []);
  assert.equal(isValidLabelValue('-x').length, 1);
  assert.equal(isValidLabelValue('x'.repeat(64))[0], 'must be no more than 63 characters');
});

test('labels and annotations maps', () => {
  assert.deepEqual(validateLabels({ app: 'web' }), []);
  const errs = validateLabels({ 'bad key': 'ok', good: '-bad' });
  assert.equal(errs.length, 2);
  assert.match(renderFieldError(errs[0]!), /^metadata\.labels: Invalid value: "bad key": name part must consist/);
  assert.match(renderFieldError(errs[1]!), /^metadata\.labels: Invalid value: "-bad": a valid label must be/);
  assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'v' }), []); // case-insensitive keys
  const big = validateAnnotations({ a: 'x'.repeat(256 * 1024) });
  assert.equal(big.length, 1);
  assert.equal(renderFieldError(big[0]!), 'metadata.annotations: Too long: may not be more than 262144 bytes');
  assert.deepEqual(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }), []);
});

test('generateName', () => {
  let i = 0;
  const seq = [0, 0.99999, 0.5, 0.1, 0.3];
  const name = generateName('web-', () => seq[i++ % seq.length]!);
  assert.equal(name, `web-b9${NAME_SUFFIX_ALPHABET[13]}${NAME_SUFFIX_ALPHABET[2]}${NAME_SUFFIX_ALPHABET[8]}`);
  const long = generateName('x'.repeat(100));
  assert.equal(long.length, 63);
  assert.match(long, /^x{58}[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  for (let k = 0; k < 50; k++) assert.match(generateName('a-'), /^a-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('the name checks answer the same the second time (valid values are remembered)', () => {
  for (const check of [isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName, isValidLabelValue]) {
    for (const v of ['abc', 'a.b', 'example.com/x', 'Bad_Value', '', '-x', 'x'.repeat(70)]) {
      assert.deepEqual(check(v), check(v), `${check.name}(${JSON.stringify(v)})`);
    }
  }
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('ab'), []);
});
