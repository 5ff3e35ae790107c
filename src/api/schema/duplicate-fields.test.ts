import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { duplicateFields, duplicateFieldMessage } from './duplicate-fields.js';

test('duplicate keys are reported with their paths', () => {
  const text = '{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"image":"x"},{"image":"y","image":"z"}]},"spec":{}}';
  assert.deepEqual(duplicateFields(text), ['metadata.name', 'spec.containers[1].image', 'spec']);
  assert.equal(duplicateFieldMessage('metadata.name'), 'duplicate field "metadata.name"');
});

test('escaped keys compare by value; clean documents report nothing', () => {
  assert.deepEqual(duplicateFields('{"a\\u0062":1,"ab":2}'), ['ab']);
  assert.deepEqual(duplicateFields(' { "a" : [ 1 , { "b" : null } ] , "c" : "\\"}" } '), []);
});

test('never throws; parses anything JSON.stringify produces without false positives', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => assert.deepEqual(duplicateFields(JSON.stringify(v)), [])), { numRuns: 200 });
  fc.assert(fc.property(fc.string(), (s) => Array.isArray(duplicateFields(s))), { numRuns: 200 });
  assert.deepEqual(duplicateFields('{"a":1,"a":'), ['a']);
  assert.deepEqual(duplicateFields('['.repeat(5000)), []);
});
