import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity, QuantityError, QUANTITY_ERR_FORMAT, QUANTITY_ERR_NUMERIC, QUANTITY_ERR_SUFFIX, parseQuantity } from './quantity.js';

test('parse → serialized form (Kubernetes canonicalization)', () => {
  const cases: Array<[string, string]> = [
    ['100m', '100m'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['1.5Mi', '1536Ki'],
    ['0.1', '100m'],
    ['1e3', '1e3'],
    ['129e6', '129e6'],
    ['1E', '1E'],
    ['500Ki', '500Ki'],
    ['-5', '-5'],
    ['1000m', '1'],
    ['1000', '1k'],
    ['1000000', '1M'],
    ['1024Ki', '1Mi'],
    ['8Ki', '8Ki'],
    ['0.5Ki', '512'],
    ['1.5e3', '1500'],
    ['12e-1', '1200e-3'],
    ['0', '0'],
    ['0m', '0'],
    ['-0', '0'],
    ['0.0', '0'],
    ['1n', '1n'],
    ['0.5n', '1n'],
    ['-0.5n', '-1n'],
    ['1.0001m', '1000100n'],
    ['10Gi', '10Gi'],
    ['2000Mi', '2000Mi'],
    ['1.0', '1'],
    ['250m', '250m'],
    ['0.25', '250m'],
    ['1234567n', '1234567n'],
    ['10240Ki', '10Mi'],
    // From upstream's quantity tests ("things that look like floating point", "written by trolls").
    ['0.000000000001Ki', '2n'],
    ['.001', '1m'],
    ['1.', '1.'], // kept verbatim: already "canonical" by upstream's reuse rule
    ['1.G', '1.G'],
    ['1.0G', '1G'],
    ['10.035M', '10.035M'], // digits 10035 at scale 10^3: upstream keeps the input text
    ['10.0350M', '10035k'],
    ['1.3E+6', '1300e3'],
    ['1.2e3', '1200'],
    ['7.123456M', '7.123456M'],
    ['7.1234560M', '7123456'],
    ['0.0005k', '500m'],
    ['1.7E18', '1700e15'],
    ['0.5e-2', '5e-3'],
    ['53.05T', '53050G'],
    // Kubernetes keeps a string that is already canonical verbatim, sign and zeros included.
    ['+1Ki', '+1Ki'],
    ['1E3', '1E3'],
    ['01', '01'],
    // BinarySI is capped at 2^63-1 bytes, which is not a multiple of 1024.
    ['9999999Ei', '9223372036854775807'],
  ];
  for (const [input, want] of cases) {
    assert.equal(parseQuantity(input).toString(), want, `input ${input}`);
    assert.equal(JSON.stringify({ q: parseQuantity(input) }), JSON.stringify({ q: want }), `toJSON ${input}`);
  }
});

test('formats follow the suffix', () => {
  const cases: Array<[string, string]> = [
    ['1Ki', 'BinarySI'], ['1k', 'DecimalSI'], ['1e3', 'DecimalExponent'], ['5', 'DecimalSI'], ['0.5Ki', 'BinarySI'],
    ['0.0001Ki', 'DecimalSI'], ['0Ki', 'BinarySI'],
  ];
  for (const [input, fmt] of cases) assert.equal(parseQuantity(input).format, fmt, input);
});

test('invalid strings throw QuantityError with Kubernetes messages', () => {
  const cases: Array<[string, string]> = [
    ['', QUANTITY_ERR_FORMAT],
    ['abc', QUANTITY_ERR_FORMAT],
    ['1.1.M', QUANTITY_ERR_FORMAT],
    ['1 ', QUANTITY_ERR_FORMAT],
    ['1Kib', QUANTITY_ERR_FORMAT],
    ['1i', QUANTITY_ERR_SUFFIX],
    ['1K', QUANTITY_ERR_SUFFIX],
    ['.5i', QUANTITY_ERR_SUFFIX],
    ['-3.01e-', QUANTITY_ERR_SUFFIX],
    ['1Ki3', QUANTITY_ERR_SUFFIX],
    ['1e99999', QUANTITY_ERR_NUMERIC],
  ];
  for (const [input, msg] of cases) {
    assert.throws(() => parseQuantity(input), (e: unknown) => e instanceof QuantityError && e.message === msg && e.input === input, `input ${JSON.stringify(input)}`);
  }
});

test('value() and milliValue() round up away from zero', () => {
  const cases: Array<[string, number, number]> = [
    ['100m', 1, 100],
    ['1.5', 2, 1500],
    ['-1.5', -2, -1500],
    ['0.5m', 1, 1],
    ['1Gi', 1073741824, 1073741824000],
    ['2', 2, 2000],
    ['1n', 1, 1],
    ['0', 0, 0],
  ];
  for (const [input, v, mv] of cases) {
    const q = parseQuantity(input);
    assert.equal(q.value(), v, `value ${input}`);
    assert.equal(q.milliValue(), mv, `milli ${input}`);
  }
  assert.equal(parseQuantity('1.5').scaledValue(-9), 1_500_000_000n);
  assert.equal(parseQuantity('1500').scaledValue(3), 2n);
});

test('compare, add, subtract', () => {
  const q = parseQuantity;
  assert.equal(q('1').cmp(q('1000m')), 0);
  assert.equal(q('1Ki').cmp(q('1k')), 1);
  assert.equal(q('-1').cmp(q('0')), -1);
  assert.ok(q('1Gi').equals(q('1024Mi')));
  assert.equal(q('1').add(q('500m')).toString(), '1500m');
  assert.equal(q('1Gi').sub(q('512Mi')).toString(), '512Mi');
  assert.equal(q('0').add(q('1Ki')).toString(), '1Ki'); // zero takes the other's format
  assert.equal(q('100m').sub(q('300m')).toString(), '-200m');
  assert.equal(q('2').neg().toString(), '-2');
  assert.equal(q('1').sub(q('1')).isZero(), true);
  assert.equal(q('-3').sign(), -1);
});

test('builders', () => {
  assert.equal(Quantity.fromMilli(250).toString(), '250m');
  assert.equal(Quantity.fromValue(2n * 1024n ** 3n, 'BinarySI').toString(), '2Gi');
  assert.equal(Quantity.fromValue(1000).toString(), '1k');
  assert.equal(Quantity.fromNanos(1234567n).toString(), '1234567n');
  assert.equal(Quantity.fromValue(3000, 'DecimalExponent').toString(), '3e3');
  // upstream's TestQuantityString table
  const cases: Array<[Quantity, string]> = [
    [Quantity.fromValue(1024 ** 3, 'BinarySI'), '1Gi'],
    [Quantity.fromValue(300 * 1024 * 1024, 'BinarySI'), '300Mi'],
    [Quantity.fromValue(1001 * 1024 ** 3, 'BinarySI'), '1001Gi'],
    [Quantity.fromValue(5, 'BinarySI'), '5'],
    [Quantity.fromMilli(500, 'BinarySI'), '500m'],
    [Quantity.fromValue(1025, 'BinarySI'), '1025'],
    [Quantity.fromMilli(1234567, 'BinarySI'), '1234567m'],
    [Quantity.fromValue(10 ** 9), '1G'],
    [Quantity.fromMilli(1080), '1080m'],
    [Quantity.fromValue(1234567n * 10n ** 6n), '1234567M'],
    [Quantity.fromValue(10 ** 9, 'DecimalExponent'), '1e9'],
    [Quantity.fromMilli(80, 'DecimalExponent'), '80e-3'],
    [Quantity.fromNanos(1n, 'DecimalExponent'), '1e-9'],
    [Quantity.fromMilli(1080, 'DecimalExponent'), '1080e-3'],
    [Quantity.fromNanos(1080_000n), '1080u'],
    [Quantity.fromValue(0, 'BinarySI'), '0'],
  ];
  for (const [q, want] of cases) assert.equal(q.toString(), want);
});

test('round trips: parse(toString(q)) has the same value and string', () => {
  const inputs = ['100m', '1.5Gi', '0.1', '1e3', '129e6', '1E', '-5', '500Ki', '12e-1', '0.5Ki', '1.0001m', '7.3T', '3.3333u', '-2.5Mi', '9999999Ei', '1e-12'];
  for (const s of inputs) {
    const a = parseQuantity(s);
    const b = parseQuantity(a.toString());
    assert.equal(b.nanos, a.nanos, s);
    assert.equal(b.toString(), a.toString(), s);
  }
});

test('Quantity.parse returns equal answers from its memo, and keeps throwing on bad input', () => {
  const a = Quantity.parse('1536Mi');
  const b = Quantity.parse('1536Mi');
  assert.equal(a.toString(), '1536Mi');
  assert.ok(a.equals(b));
  assert.equal(b.toString(), Quantity.parseUncached('1536Mi').toString());
  for (let i = 0; i < 2; i++) assert.throws(() => Quantity.parse('1 core'), QuantityError);
});
