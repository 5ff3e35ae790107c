import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servingSans } from './sans.js';

test('a wildcard bind puts every machine address in the certificate; a specific bind only its own', () => {
  const machine = ['127.0.0.1', '198.18.0.1', '2001:db8::1'];
  const wild = servingSans({ bindAddress: '0.0.0.0', host: 'box', interfaceAddresses: machine });
  for (const ip of machine) assert.ok(wild.ips.includes(ip), ip);
  assert.ok(!wild.ips.includes('0.0.0.0'));
  assert.ok(wild.dns.includes('box') && wild.dns.includes('localhost') && wild.dns.includes('kubernetes.default.svc'));

  const one = servingSans({ bindAddress: '198.18.0.9', host: 'box', interfaceAddresses: machine });
  assert.ok(one.ips.includes('198.18.0.9'));
  assert.ok(!one.ips.includes('198.18.0.1'), 'other interfaces are not served');
});
