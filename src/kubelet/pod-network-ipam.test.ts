import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCidr, PodIpam } from './pod-network-ipam.js';

describe('PodIpam', () => {
  it('keeps the gateway, network and broadcast addresses out and hands out the rest round-robin', () => {
    const ipam = new PodIpam('198.18.64.0/29');
    assert.equal(ipam.gateway, '198.18.64.1');
    assert.equal(ipam.prefixLength, 29);
    const got = [1, 2, 3, 4, 5].map(() => ipam.allocate());
    assert.deepEqual(got, ['198.18.64.2', '198.18.64.3', '198.18.64.4', '198.18.64.5', '198.18.64.6']);
    assert.throws(() => ipam.allocate(), /no free pod address left in 198\.18\.64\.0\/29/);
    ipam.release('198.18.64.3');
    ipam.release('198.18.64.5');
    // The next one after the last handed out, wrapping around: .3 before .5.
    assert.equal(ipam.allocate(), '198.18.64.3');
    assert.equal(ipam.allocate(), '198.18.64.5');
  });

  it('does not hand out an address freed a moment ago while others are free', () => {
    const ipam = new PodIpam('198.18.64.0/24');
    const a = ipam.allocate();
    ipam.release(a);
    assert.notEqual(ipam.allocate(), a);
  });

  it('reserves re-adopted addresses and continues after the highest', () => {
    const ipam = new PodIpam('198.18.64.0/24');
    assert.equal(ipam.reserve('198.18.64.7'), true);
    assert.equal(ipam.reserve('198.18.64.1'), false, 'the gateway is no pod address');
    assert.equal(ipam.reserve('198.18.65.7'), false, 'outside the range');
    assert.equal(ipam.reserve('127.1.0.2'), false);
    assert.equal(ipam.allocate(), '198.18.64.8');
  });

  it('normalizes the network address and refuses what is not an IPv4 CIDR or too small', () => {
    assert.deepEqual(parseCidr('198.18.64.77/24'), [(198 * 2 ** 24) + (18 << 16) + (64 << 8), 24]);
    assert.equal(new PodIpam('198.18.64.77/24').gateway, '198.18.64.1');
    for (const bad of ['198.18.64.0', '198.18.64.0/33', '300.1.1.1/24', 'fd00::/64']) assert.throws(() => parseCidr(bad), /not an IPv4 CIDR/);
    assert.throws(() => new PodIpam('198.18.64.0/30'), /too small/);
  });
});
