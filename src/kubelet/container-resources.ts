import type { Container } from '../api/core/v1/container.js';
import { Quantity } from '../machinery/quantity.js';
import type { ContainerResources } from './runtime.js';

/** A quantity as JSON carries it (string or number); undefined when absent or malformed (validation rejects those). */
function quantity(q: string | number | undefined): Quantity | undefined {
  if (q === undefined) return undefined;
  try {
    return Quantity.parse(String(q));
  } catch {
    return undefined;
  }
}

/**
 * What the runtime is to enforce for a container: its CPU and memory limits and its CPU
 * request (defaulting to the limit, as the API server defaults requests from limits).
 * Undefined when the container sets none. Values round up, as Kubernetes' MilliValue/Value.
 */
export function containerResources(c: Container): ContainerResources | undefined {
  const cpuLimit = quantity(c.resources?.limits?.cpu);
  const memory = quantity(c.resources?.limits?.memory);
  const cpuRequest = quantity(c.resources?.requests?.cpu) ?? cpuLimit;
  const r: ContainerResources = {
    ...(cpuLimit && cpuLimit.sign() > 0 ? { cpuMillis: cpuLimit.milliValue() } : {}),
    ...(memory && memory.sign() > 0 ? { memoryBytes: memory.value() } : {}),
    ...(cpuRequest && cpuRequest.sign() > 0 ? { cpuRequestMillis: cpuRequest.milliValue() } : {}),
  };
  return Object.keys(r).length ? r : undefined;
}
