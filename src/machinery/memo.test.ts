import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoize, MEMO_MAX_ENTRIES, MEMO_MAX_INPUT, rememberValid } from './memo.js';

test('memoize: computes each short input once, and keeps undefined answers too', () => {
  const calls: string[] = [];
  const f = memoize((s: string) => {
    calls.push(s);
    return s === 'bad' ? undefined : s.toUpperCase();
  });
  assert.equal(f('a'), 'A');
  assert.equal(f('a'), 'A');
  assert.equal(f('bad'), undefined);
  assert.equal(f('bad'), undefined);
  assert.deepEqual(calls, ['a', 'bad']);
});

test('memoize: long inputs are never kept, and a full table is emptied', () => {
  const calls: string[] = [];
  const f = memoize((s: string) => {
    calls.push(s);
    return s.length;
  });
  const long = 'x'.repeat(MEMO_MAX_INPUT + 1);
  f(long);
  f(long);
  assert.equal(calls.length, 2);
  calls.length = 0;
  for (let i = 0; i < MEMO_MAX_ENTRIES; i++) f(`k${i}`);
  f('k0'); // still kept: the table is full, not over
  assert.equal(calls.length, MEMO_MAX_ENTRIES);
  f('one more'); // empties the table, then keeps this one
  f('k0');
  assert.equal(calls.length, MEMO_MAX_ENTRIES + 2);
});

test('rememberValid: valid values skip the check next time (a fresh [] each time), invalid ones are checked again', () => {
  let calls = 0;
  const check = rememberValid((s: string) => {
    calls++;
    return s.includes('!') ? [`bad: ${s}`] : [];
  });
  const first = check('ok');
  first.push('changed by a caller');
  assert.deepEqual(check('ok'), []);
  assert.deepEqual(check('no!'), ['bad: no!']);
  assert.deepEqual(check('no!'), ['bad: no!']);
  assert.equal(calls, 3);
});
