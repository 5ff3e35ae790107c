import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, validateObject, type SchemaFieldError } from '../../schema/index.js';
import { ServiceKind, type Service } from './service.js';
import { dropTypeDependentFields } from './service-type-change.js';

const brief = (errs: SchemaFieldError[]) => errs.map((e) => `${e.type} ${e.field}${e.message ? `: ${e.message}` : ''}`);

function svc(spec: NonNullable<Service['spec']>): Service {
  const s: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { clusterIP: '198.18.0.7', ...spec } };
  applyDefaults(ServiceKind, s as Record<string, unknown>);
  return s;
}

test('duplicate node ports, a stray healthCheckNodePort and bad appProtocol / selector are refused as upstream words it', () => {
  const errs = validateObject(ServiceKind, svc({
    type: 'NodePort',
    healthCheckNodePort: 31555,
    selector: { 'bad key!': 'x' },
    ports: [{ name: 'a', port: 80, nodePort: 31001, appProtocol: 'not valid!' }, { name: 'b', port: 81, nodePort: 31001 }],
  }));
  const got = brief(errs);
  assert.ok(got.includes('FieldValueDuplicate spec.ports[1].nodePort'), got.join('\n'));
  assert.ok(got.includes("FieldValueInvalid spec.healthCheckNodePort: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"), got.join('\n'));
  assert.ok(got.some((e) => e.startsWith('FieldValueInvalid spec.ports[0].appProtocol: name part must consist of')), got.join('\n'));
  assert.ok(got.some((e) => e.startsWith('FieldValueInvalid spec.selector: name part must consist of')), got.join('\n'));
});

test('load-balancer fields only on LoadBalancer Services; source ranges must be CIDRs', () => {
  const cluster = brief(validateObject(ServiceKind, svc({ loadBalancerSourceRanges: ['198.18.0.0/16'], loadBalancerClass: 'example.com/lb', ports: [{ port: 80 }] })));
  assert.deepEqual(cluster, [
    "FieldValueForbidden spec.LoadBalancerSourceRanges: may only be used when `type` is 'LoadBalancer'",
    "FieldValueForbidden spec.loadBalancerClass: may only be used when `type` is 'LoadBalancer'",
  ]);
  const lb = brief(validateObject(ServiceKind, svc({ type: 'LoadBalancer', loadBalancerSourceRanges: [' 198.18.0.0/16 ', 'bogus'], ports: [{ port: 80, nodePort: 30080 }] })));
  // Upstream's wording, example addresses included (matched by shape: they are text, not traffic).
  assert.equal(lb.length, 1);
  assert.match(lb[0] ?? '', /^FieldValueInvalid spec\.LoadBalancerSourceRanges\[1\]: must be a valid CIDR value, \(e\.g\. \d+\.9\.8\.0\/24 or 2001:db8::\/64\)$/);
});

test('external IPs may not be unspecified, loopback or link-local; trafficDistribution is PreferClose', () => {
  const errs = brief(validateObject(ServiceKind, svc({ externalIPs: ['0.0.0.0', '127.0.0.1', '169.254.1.1', '198.18.0.9'], trafficDistribution: 'Nope', ports: [{ port: 80 }] })));
  assert.deepEqual(errs, [
    'FieldValueInvalid spec.externalIPs[0]: may not be unspecified (0.0.0.0)',
    'FieldValueInvalid spec.externalIPs[1]: may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'FieldValueInvalid spec.externalIPs[2]: may not be in the link-local range (169.254.0.0/16, fe80::/10)',
    'FieldValueNotSupported spec.trafficDistribution: supported values: "PreferClose"',
  ]);
});

test('LoadBalancer + Local needs a healthCheckNodePort, immutable while it applies; loadBalancerClass may not change', () => {
  const old = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, loadBalancerClass: 'example.com/a', ports: [{ port: 80, nodePort: 30080 }] });
  assert.deepEqual(validateObject(ServiceKind, old), []);
  const missing = structuredClone(old);
  delete missing.spec!.healthCheckNodePort;
  assert.deepEqual(brief(validateObject(ServiceKind, missing)), ['FieldValueRequired spec.healthCheckNodePort']);
  const moved = structuredClone(old);
  moved.spec!.healthCheckNodePort = 31001;
  moved.spec!.loadBalancerClass = 'example.com/b';
  assert.deepEqual(brief(validateObject(ServiceKind, moved, old)), ['FieldValueForbidden spec.healthCheckNodePort: field is immutable', 'FieldValueInvalid spec.loadBalancerClass: may not change once set']);
});

test('a type change drops what the old type needed, unless the request changed it too', () => {
  const old = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, ports: [{ port: 80, nodePort: 30080 }] });
  const next = structuredClone(old);
  next.spec!.type = 'ClusterIP';
  next.status = { loadBalancer: { ingress: [{ ip: '198.18.0.1' }] } };
  dropTypeDependentFields(next, old);
  assert.deepEqual([next.spec!.ports![0]!.nodePort, next.spec!.healthCheckNodePort, next.spec!.externalTrafficPolicy, next.spec!.allocateLoadBalancerNodePorts], [undefined, undefined, undefined, undefined]);
  assert.deepEqual(next.status.loadBalancer, {});
  assert.deepEqual(validateObject(ServiceKind, next, old), []);
  const added = structuredClone(old);
  added.spec!.type = 'ClusterIP';
  added.spec!.ports![0]!.nodePort = 30081;
  dropTypeDependentFields(added, old);
  assert.equal(added.spec!.ports![0]!.nodePort, 30081);
  const toExternal = structuredClone(old);
  toExternal.spec!.type = 'ExternalName';
  toExternal.spec!.externalName = 'a.example';
  dropTypeDependentFields(toExternal, old);
  assert.deepEqual([toExternal.spec!.clusterIP, toExternal.spec!.clusterIPs, toExternal.spec!.ipFamilies], [undefined, undefined, undefined]);
});
