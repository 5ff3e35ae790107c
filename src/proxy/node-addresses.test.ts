import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { nodeAddresses } from './node-addresses.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, family: 'IPv4', internal, netmask: '255.255.255.255', mac: '00:00:00:00:00:00', cidr: `${address}/32` });

test('node addresses: loopback 127.0.0.1 and the real interfaces, never ClusterIPs on the dummy interface or on lo', () => {
  const got = nodeAddresses({
    lo: [v4('127.0.0.1', true), v4('198.19.0.1', true)], // a ClusterIP on lo (no dummy links)
    eth0: [v4('198.18.5.2'), { ...v4('fe80::1'), family: 'IPv6', scopeid: 0 }],
    skiff0: [v4('198.19.0.10')],
    skiffbr0: [v4('198.18.0.1')],
  });
  assert.deepEqual(got, ['127.0.0.1', '198.18.5.2', '198.18.0.1']);
});
