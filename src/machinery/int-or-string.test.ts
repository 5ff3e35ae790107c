import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntOrStringError, intValue, isPercent, parseIntOrString, scaledValue } from './int-or-string.js';

test('scaledValue', () => {
  const cases: Array<[number | string, number, boolean, number]> = [
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['25%', 4, true, 1],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    ['33%', 3, true, 1],
    ['33%', 3, false, 0],
    ['50%', 1, true, 1],
    ['50%', 1, false, 0],
    ['-25%', 10, true, -2],
    ['-25%', 10, false, -3],
    ['10%', 0, true, 0],
  ];
  for (const [v, total, up, want] of cases) assert.equal(scaledValue(v, total, up), want, `${v} of ${total} up=${up}`);
});

test('scaledValue errors', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /nil value for IntOrString/],
    ['25', /string is not a percentage/],
    ['x%', /invalid value "x%"/],
    [1.5, /not an integer/],
  ];
  for (const [v, re] of cases) assert.throws(() => scaledValue(v as never, 10, true), (e: unknown) => e instanceof IntOrStringError && re.test(e.message));
});

test('parse and helpers', () => {
  assert.equal(parseIntOrString(5), 5);
  assert.equal(parseIntOrString('25%'), '25%');
  assert.throws(() => parseIntOrString(true), IntOrStringError);
  assert.throws(() => parseIntOrString(null), IntOrStringError);
  assert.throws(() => parseIntOrString(2 ** 31), /out of int32 range/);
  assert.equal(parseIntOrString(-(2 ** 31)), -(2 ** 31));
  assert.equal(isPercent('25%'), true);
  assert.equal(isPercent('25'), false);
  assert.equal(isPercent(25), false);
  assert.equal(intValue('8080'), 8080);
  assert.equal(intValue('http'), 0);
  assert.equal(intValue(7), 7);
});
