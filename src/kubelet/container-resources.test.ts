import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../api/core/v1/container.js';
import { containerResources } from './container-resources.js';

const c = (resources: unknown): Container => ({ name: 'c', resources }) as Container;

it('turns limits and the CPU request into millicores and bytes, rounding up', () => {
  assert.deepEqual(containerResources(c({ limits: { cpu: '100m', memory: '32Mi' }, requests: { cpu: '50m' } })), { cpuMillis: 100, memoryBytes: 32 * 1024 * 1024, cpuRequestMillis: 50 });
  assert.deepEqual(containerResources(c({ limits: { cpu: '1.5', memory: '1G' } })), { cpuMillis: 1500, memoryBytes: 1e9, cpuRequestMillis: 1500 }, 'the request defaults to the limit');
  assert.deepEqual(containerResources(c({ limits: { cpu: 2, memory: '0.5Ki' } })), { cpuMillis: 2000, memoryBytes: 512, cpuRequestMillis: 2000 }, 'numbers as JSON may carry them');
  assert.deepEqual(containerResources(c({ limits: { cpu: '0.0001' } })), { cpuMillis: 1, cpuRequestMillis: 1 });
  assert.deepEqual(containerResources(c({ requests: { cpu: '250m', memory: '64Mi' } })), { cpuRequestMillis: 250 }, 'a memory request limits nothing');
});

it('is undefined without resources, with zero or malformed ones', () => {
  assert.equal(containerResources(c(undefined)), undefined);
  assert.equal(containerResources(c({ limits: { 'example.com/gpu': '1' } })), undefined);
  assert.equal(containerResources(c({ limits: { cpu: '0', memory: 'lots' } })), undefined);
});
