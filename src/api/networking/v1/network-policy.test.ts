import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkPolicyKind, type NetworkPolicy } from './index.js';
import { renderFieldError } from '../../../machinery/field-errors.js';
import { applyDefaults, decodeObject, encodeObject, validateObject } from '../../schema/index.js';
import type { SchemaFieldError } from '../../schema/dsl.js';

const render = (errs: readonly SchemaFieldError[]): string[] => errs.map(renderFieldError);

const policy = (spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'default' }, spec });

test('NetworkPolicy defaults: policyTypes Ingress, plus Egress with egress rules; port protocol TCP', () => {
  const a = policy({ podSelector: {} });
  applyDefaults(NetworkPolicyKind, a as Record<string, unknown>);
  assert.deepEqual(a.spec?.policyTypes, ['Ingress']);
  const b = policy({ podSelector: {}, egress: [{ ports: [{ port: 53 }] }] });
  applyDefaults(NetworkPolicyKind, b as Record<string, unknown>);
  assert.deepEqual(b.spec?.policyTypes, ['Ingress', 'Egress']);
  assert.equal(b.spec?.egress?.[0]?.ports?.[0]?.protocol, 'TCP');
  const c = policy({ podSelector: {}, policyTypes: ['Egress'] });
  applyDefaults(NetworkPolicyKind, c as Record<string, unknown>);
  assert.deepEqual(c.spec?.policyTypes, ['Egress'], 'explicit types are kept');
});

test('NetworkPolicy validation: peers, ipBlock, ports, endPort', () => {
  const ok = policy({
    podSelector: { matchLabels: { app: 'web' } },
    ingress: [{ from: [{ podSelector: {}, namespaceSelector: { matchLabels: { team: 'a' } } }, { ipBlock: { cidr: '198.18.0.0/16', except: ['198.18.1.0/24'] } }], ports: [{ port: 'http' }, { port: 8000, endPort: 8010 }] }],
  });
  assert.deepEqual(render(validateObject(NetworkPolicyKind, ok)), []);
  const bad = policy({
    podSelector: {},
    ingress: [{ from: [{ ipBlock: { cidr: '198.18.0.0/16', except: ['198.19.0.0/24'] }, podSelector: {} }, {}], ports: [{ port: 'http', endPort: 90 }, { port: 90, endPort: 80 }, { port: 0 }] }],
  });
  assert.deepEqual(render(validateObject(NetworkPolicyKind, bad)).sort(), [
    'spec.ingress[0].from[0]: Forbidden: may not specify more than 1 peer type',
    'spec.ingress[0].from[1]: Required value: must specify a peer',
    'spec.ingress[0].ports[0].endPort: Forbidden: may not be specified when `port` is non-numeric or absent',
    'spec.ingress[0].ports[1].endPort: Invalid value: 80: must be greater than or equal to `port`',
    'spec.ingress[0].ports[2].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ].sort());
});

test('NetworkPolicy: protobuf round trip and printer', () => {
  const p = policy({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '198.18.0.0/16', except: ['198.18.1.0/24'] } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 'http' }] }], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 80, endPort: 90 }] }], policyTypes: ['Ingress', 'Egress'] });
  assert.deepEqual(decodeObject(NetworkPolicyKind, encodeObject(NetworkPolicyKind, p)), p);
  assert.deepEqual(NetworkPolicyKind.shortNames, ['netpol']);
  assert.deepEqual(NetworkPolicyKind.printerColumns?.map((c) => c.name), ['Pod-Selector', 'Age']);
  assert.equal(NetworkPolicyKind.printerColumns?.[0]?.value(p, new Date()), 'app=web');
});
