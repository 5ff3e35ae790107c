import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate, parseAccept, type Offer } from './negotiate.js';

const offers: Offer<string>[] = [
  { type: 'application', subtype: 'json', params: { g: 'apidiscovery.k8s.io', v: 'v2', as: 'APIGroupDiscoveryList' }, value: 'v2' },
  { type: 'application', subtype: 'json', params: { g: 'apidiscovery.k8s.io', v: 'v2beta1', as: 'APIGroupDiscoveryList' }, value: 'v2beta1' },
  { type: 'application', subtype: 'json', params: {}, value: 'legacy' },
];
const pick = (accept: string | undefined): string | undefined => negotiate(parseAccept(accept), offers);

test('kubectl 1.32 discovery Accept picks aggregated v2', () => {
  assert.equal(
    pick('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'),
    'v2',
  );
});

test('order, q-values and parameters decide', () => {
  assert.equal(pick('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'), 'v2beta1');
  assert.equal(pick('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json'), 'legacy');
  assert.equal(pick('application/json, */*'), 'legacy');
  assert.equal(pick('*/*'), 'legacy');
  assert.equal(pick(undefined), 'legacy');
  assert.equal(pick('application/*'), 'legacy');
  // A protobuf aggregated range is not served; the JSON fallback after it is.
  assert.equal(pick('application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'), 'legacy');
  // Parameters that match no offer don't fall back to a plain offer.
  assert.equal(pick('application/json;as=Table;v=v1;g=meta.k8s.io'), undefined);
  assert.equal(pick('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList'), undefined);
  assert.equal(pick('text/html'), undefined);
  assert.equal(pick('application/json;q=0'), undefined);
});

test('parseAccept sorts by q, keeping header order on ties', () => {
  const r = parseAccept('text/plain;q=0.5, application/json, */*;q=0.8, bad');
  assert.deepEqual(r.map((m) => `${m.type}/${m.subtype}`), ['application/json', '*/*', 'text/plain']);
});
