/**
 * A pod's effective requests or limits, as upstream's resource helpers (PodRequests,
 * PodLimits) compute them since native sidecars: app containers and restartable init
 * containers (sidecars) all run together, so they are summed; an ordinary init container
 * runs alone beside the sidecars declared before it, so each such step is a floor; the
 * pod overhead comes on top. The arithmetic is passed in, so the scheduler can work on
 * plain numbers and admission on exact Quantities with one definition of the rule. Pure.
 */
import { Quantity } from '../../../machinery/quantity.js';
import type { Container } from './container.js';

/** How amounts of one resource are parsed, added and compared. */
export interface AmountMath<V> {
  parse(resource: string, value: unknown): V;
  add(a: V, b: V): V;
  max(a: V, b: V): V;
}

export interface PodTotalOptions<V> {
  /** Amounts assumed for a container that states none of these (the scheduler's scoring defaults). */
  nonMissing?: Readonly<Record<string, V>>;
  /** Leave spec.overhead out (LimitRanger checks what the containers ask for). */
  excludeOverhead?: boolean;
}

interface ContainersOf {
  containers?: readonly Container[] | null;
  initContainers?: readonly Container[] | null;
  overhead?: Readonly<Record<string, unknown>> | null;
}

/** A native sidecar: an init container that is restarted whenever it exits and runs beside the app. */
export const isSidecar = (c: Pick<Container, 'restartPolicy'> | undefined): boolean => c?.restartPolicy === 'Always';

/** The pod's effective requests or limits, per resource name; resources nobody states are absent. */
export function podResourceTotals<V>(spec: ContainersOf | undefined, which: 'requests' | 'limits', math: AmountMath<V>, opts: PodTotalOptions<V> = {}): Map<string, V> {
  const of = (c: Container): Map<string, V> => {
    const out = new Map<string, V>();
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) if (v != null) out.set(k, math.parse(k, v));
    for (const [k, v] of Object.entries(opts.nonMissing ?? {})) if (!out.has(k)) out.set(k, v);
    return out;
  };
  const addInto = (into: Map<string, V>, r: ReadonlyMap<string, V>) => {
    for (const [k, v] of r) into.set(k, into.has(k) ? math.add(into.get(k) as V, v) : v);
  };
  const maxInto = (into: Map<string, V>, r: ReadonlyMap<string, V>) => {
    for (const [k, v] of r) into.set(k, into.has(k) ? math.max(into.get(k) as V, v) : v);
  };
  const total = new Map<string, V>();
  for (const c of spec?.containers ?? []) addInto(total, of(c));
  const sidecars = new Map<string, V>();
  const initFloor = new Map<string, V>();
  for (const c of spec?.initContainers ?? []) {
    const step = of(c);
    if (isSidecar(c)) {
      addInto(sidecars, step);
      maxInto(initFloor, sidecars);
    } else {
      addInto(step, sidecars);
      maxInto(initFloor, step);
    }
  }
  addInto(total, sidecars);
  maxInto(total, initFloor);
  if (!opts.excludeOverhead) {
    for (const [k, v] of Object.entries(spec?.overhead ?? {})) if (v != null) addInto(total, new Map([[k, math.parse(k, v)]]));
  }
  return total;
}

/** Exact arithmetic, for admission and quota. */
export const QUANTITIES: AmountMath<Quantity> = {
  parse: (_k, v) => (v instanceof Quantity ? v : Quantity.parse(String(v))),
  add: (a, b) => a.add(b),
  max: (a, b) => (b.cmp(a) > 0 ? b : a),
};
